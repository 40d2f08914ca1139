// The hand-written Eigen baseline of bench/networks.cpp: T1-T5 as a careful Eigen user writes them
// with fixed-size matrices (weights Out x In, a batch as In x B, one sample per column), products
// with noalias(), Eigen's vectorised tanh, logistic and exp; training computes the gradients, then
// takes the SGD step. Checked against the double-precision reference before registration.
#pragma once

#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "reference.hpp"

namespace bench::eigen_nets {

template <int Rows, int Cols>
using Mat = Eigen::Matrix<float, Rows, Cols>;

template <int In, int Out>
struct Layer {
    Mat<Out, In> w;  // PyTorch's weight[out][in]
    Mat<Out, 1> b;

    /// Reads weight (row-major [out][in]) and bias from PyTorch's flat order; returns the next offset.
    std::size_t read(const std::vector<double>& flat, std::size_t at) {
        for (int o = 0; o < Out; ++o)
            for (int i = 0; i < In; ++i) w(o, i) = static_cast<float>(flat[at++]);
        for (int o = 0; o < Out; ++o) b(o) = static_cast<float>(flat[at++]);
        return at;
    }
    void write(std::vector<float>& flat) const {
        for (int o = 0; o < Out; ++o)
            for (int i = 0; i < In; ++i) flat.push_back(w(o, i));
        for (int o = 0; o < Out; ++o) flat.push_back(b(o));
    }
    void sgd(const Layer& g, float learning_rate) {
        w -= learning_rate * g.w;
        b -= learning_rate * g.b;
    }
};

/// y = act(W x + b) for a batch.
template <Activation A, int In, int Out, int B>
void dense(const Layer<In, Out>& l, const Mat<In, B>& x, Mat<Out, B>& y) {
    y.noalias() = l.w * x;
    if constexpr (B == 1) {
        y += l.b;  // (a one-column colwise() broadcast is several times slower here)
    } else {
        y.colwise() += l.b;
    }
    if constexpr (A == Activation::relu) {
        y = y.cwiseMax(0.0f);
    } else if constexpr (A == Activation::tanh) {
        y = y.array().tanh().matrix();
    } else if constexpr (A == Activation::sigmoid) {
        y = y.array().logistic().matrix();
    } else if constexpr (A == Activation::softmax) {
        y = (y.rowwise() - y.colwise().maxCoeff()).array().exp().matrix();
        y = (y.array().rowwise() / y.colwise().sum().array()).matrix();
    }
}

/// dL/dz of a ReLU layer from dL/dh and its output h: dh where h > 0, else 0.
/// Written as a product with the 0/1 mask: g++ 12.2 at -O3 -march=native (AVX-512) miscompiles
/// the equivalent `(h.array() > 0).select(dh, 0.0f)` here (wrong values; -O2 and Clang are right),
/// which the reference check caught.
template <int N, int B>
Mat<N, B> relu_backward(const Mat<N, B>& h, const Mat<N, B>& dh) {
    return (dh.array() * (h.array() > 0.0f).template cast<float>()).matrix();
}

/// Gradients of a layer from dL/dz (z = W x + b), and dL/dx when dx is given.
template <int In, int Out, int B>
void dense_backward(const Layer<In, Out>& l, Layer<In, Out>& g, const Mat<In, B>& x, const Mat<Out, B>& dz,
                    Mat<In, B>* dx) {
    g.w.noalias() = dz * x.transpose();
    g.b = dz.rowwise().sum();
    if (dx) dx->noalias() = l.w.transpose() * dz;
}

template <int B>
struct T1 {
    static constexpr int in = 10, out = 1;
    Layer<10, 20> l1;
    Layer<20, 1> l2;
    void forward(const Mat<10, B>& x, Mat<1, B>& y) const {
        Mat<20, B> h;
        dense<Activation::relu>(l1, x, h);
        dense<Activation::none>(l2, h, y);
    }
    /// One SGD step on MSE; returns the loss.
    float train(const Mat<10, B>& x, const Mat<1, B>& target, float lr) {
        Mat<20, B> h;
        Mat<1, B> y;
        dense<Activation::relu>(l1, x, h);
        dense<Activation::none>(l2, h, y);
        const Mat<1, B> diff = y - target;
        const float loss = diff.squaredNorm() / float(B);
        const Mat<1, B> dy = (2.0f / float(B)) * diff;
        T1 g;
        Mat<20, B> dh;
        dense_backward(l2, g.l2, h, dy, &dh);
        const Mat<20, B> dz = relu_backward(h, dh);
        dense_backward<10, 20, B>(l1, g.l1, x, dz, nullptr);
        l1.sgd(g.l1, lr);
        l2.sgd(g.l2, lr);
        return loss;
    }
    std::size_t read(const std::vector<double>& f) { return l2.read(f, l1.read(f, 0)); }
    void write(std::vector<float>& f) const {
        l1.write(f);
        l2.write(f);
    }
};

template <int B>
struct T2 {
    static constexpr int in = 2, out = 1;
    Layer<2, 8> l1;
    Layer<8, 8> l2;
    Layer<8, 1> l3;
    void forward(const Mat<2, B>& x, Mat<1, B>& y) const {
        Mat<8, B> h1, h2;
        dense<Activation::tanh>(l1, x, h1);
        dense<Activation::tanh>(l2, h1, h2);
        dense<Activation::none>(l3, h2, y);
    }
    std::size_t read(const std::vector<double>& f) { return l3.read(f, l2.read(f, l1.read(f, 0))); }
};

template <int B>
struct T3 {
    static constexpr int in = 16, out = 8;
    Layer<16, 64> l1;
    Layer<64, 64> l2;
    Layer<64, 8> l3;
    void forward(const Mat<16, B>& x, Mat<8, B>& y) const {
        Mat<64, B> h1, h2;
        dense<Activation::relu>(l1, x, h1);
        dense<Activation::relu>(l2, h1, h2);
        dense<Activation::none>(l3, h2, y);
    }
    std::size_t read(const std::vector<double>& f) { return l3.read(f, l2.read(f, l1.read(f, 0))); }
};

template <int B>
struct T4 {
    static constexpr int in = 64, out = 10;
    Layer<64, 128> l1;
    Layer<128, 128> l2;
    Layer<128, 10> l3;
    void forward(const Mat<64, B>& x, Mat<10, B>& y) const {
        Mat<128, B> h1, h2;
        dense<Activation::relu>(l1, x, h1);
        dense<Activation::relu>(l2, h1, h2);
        dense<Activation::softmax>(l3, h2, y);
    }
    /// One SGD step on cross-entropy with class labels; the softmax and cross-entropy gradients
    /// fused into (p - onehot) / B, as a careful user writes it.
    float train(const Mat<64, B>& x, const Eigen::Matrix<int, 1, B>& labels, float lr) {
        Mat<128, B> h1, h2;
        Mat<10, B> p;
        dense<Activation::relu>(l1, x, h1);
        dense<Activation::relu>(l2, h1, h2);
        dense<Activation::softmax>(l3, h2, p);
        float loss = 0;
        Mat<10, B> dz3 = p;
        for (int b = 0; b < B; ++b) {
            loss -= std::log(p(labels(b), b));
            dz3(labels(b), b) -= 1.0f;
        }
        dz3 *= 1.0f / float(B);
        T4 g;
        Mat<128, B> dh2, dh1;
        dense_backward(l3, g.l3, h2, dz3, &dh2);
        const Mat<128, B> dz2 = relu_backward(h2, dh2);
        dense_backward(l2, g.l2, h1, dz2, &dh1);
        const Mat<128, B> dz1 = relu_backward(h1, dh1);
        dense_backward<64, 128, B>(l1, g.l1, x, dz1, nullptr);
        l1.sgd(g.l1, lr);
        l2.sgd(g.l2, lr);
        l3.sgd(g.l3, lr);
        return loss / float(B);
    }
    std::size_t read(const std::vector<double>& f) { return l3.read(f, l2.read(f, l1.read(f, 0))); }
    void write(std::vector<float>& f) const {
        l1.write(f);
        l2.write(f);
        l3.write(f);
    }
};

template <int B>
struct T5 {
    static constexpr int in = 32, out = 1;
    Layer<32, 32> hidden[8];
    Layer<32, 1> last;
    void forward(const Mat<32, B>& x, Mat<1, B>& y) const {
        Mat<32, B> a = x, h;
        for (const auto& l : hidden) {
            dense<Activation::sigmoid>(l, a, h);
            a = h;
        }
        dense<Activation::none>(last, a, y);
    }
    std::size_t read(const std::vector<double>& f) {
        std::size_t at = 0;
        for (auto& l : hidden) at = l.read(f, at);
        return last.read(f, at);
    }
};

template <int K, int B>
struct Select;
template <int B>
struct Select<1, B> {
    using type = T1<B>;
};
template <int B>
struct Select<2, B> {
    using type = T2<B>;
};
template <int B>
struct Select<3, B> {
    using type = T3<B>;
};
template <int B>
struct Select<4, B> {
    using type = T4<B>;
};
template <int B>
struct Select<5, B> {
    using type = T5<B>;
};

template <int In, int B>
std::vector<Mat<In, B>> batches(const std::vector<double>& x, std::size_t count) {
    std::vector<Mat<In, B>> out(count);
    for (std::size_t k = 0; k < count; ++k)
        for (int b = 0; b < B; ++b)
            for (int i = 0; i < In; ++i) out[k](i, b) = static_cast<float>(x[(k * B + b) * In + i]);
    return out;
}

template <int K, int B>
void register_inference() {
    using Net = typename Select<K, B>::type;
    const bench::Topology t = bench::topology(K);
    const std::size_t count = rotation(B);
    const std::vector<double> x = make_inputs(count * B, t.in, 100 + K);
    auto net = std::make_shared<Net>();
    net->read(make_parameters(t));
    auto inputs = std::make_shared<const std::vector<Mat<Net::in, B>>>(batches<Net::in, B>(x, count));

    const std::vector<double> params = make_parameters(t);
    for (std::size_t k = 0; k < count; ++k) {
        Mat<Net::out, B> y;  // column b = sample b: the same order as the reference's [b][o]
        net->forward((*inputs)[k], y);
        const std::vector<double> expected = forward(t, params, x.data() + k * B * t.in, B);
        if (!check_close(benchmark_name("infer", t, B, "eigen").c_str(), y.data(), expected, inference_atol,
                         inference_rtol))
            std::exit(1);
    }

    benchmark::RegisterBenchmark(benchmark_name("infer", t, B, "eigen").c_str(), [net, inputs](benchmark::State& state) {
        const auto& in = *inputs;
        std::size_t k = 0;
        Mat<Net::out, B> y;
        for (auto _ : state) {
            net->forward(in[k], y);
            benchmark::DoNotOptimize(y.data());
            benchmark::ClobberMemory();
            if (++k == in.size()) k = 0;
        }
        state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * B));
    });
}

template <int K, int B>
void register_training() {
    using Net = typename Select<K, B>::type;
    const bench::Topology t = bench::topology(K);
    const std::size_t count = rotation(B);
    const std::vector<double> x = make_inputs(count * B, t.in, 200 + K);
    const std::vector<double> target = make_targets(t, count * B, 300 + K);
    auto initial = std::make_shared<Net>();
    initial->read(make_parameters(t));
    auto inputs = std::make_shared<const std::vector<Mat<Net::in, B>>>(batches<Net::in, B>(x, count));
    using Target = std::conditional_t<K == 4, Eigen::Matrix<int, 1, B>, Mat<Net::out, B>>;
    auto goals = std::make_shared<std::vector<Target>>(count);
    for (std::size_t k = 0; k < count; ++k) {
        if constexpr (K == 4) {
            for (int b = 0; b < B; ++b) (*goals)[k](b) = static_cast<int>(target[k * B + b]);
        } else {
            for (int j = 0; j < Net::out * B; ++j) (*goals)[k](j) = static_cast<float>(target[k * B * Net::out + j]);
        }
    }

    {
        auto net = std::make_unique<Net>(*initial);
        const float loss = net->train((*inputs)[0], (*goals)[0], static_cast<float>(learning_rate));
        const StepResult expected = train_step(t, make_parameters(t), x.data(), target.data(), B, learning_rate);
        std::vector<float> flat;
        net->write(flat);
        const std::string name = benchmark_name("train", t, B, "eigen");
        const float losses[1] = {loss};
        if (!check_close((name + " loss").c_str(), losses, {expected.loss}, training_atol, training_rtol) ||
            !check_close((name + " parameters").c_str(), flat.data(), expected.parameters, training_atol, training_rtol))
            std::exit(1);
    }

    benchmark::RegisterBenchmark(
        benchmark_name("train", t, B, "eigen").c_str(), [initial, inputs, goals](benchmark::State& state) {
            auto net = std::make_unique<Net>(*initial);
            const auto& in = *inputs;
            const auto& goal = *goals;
            std::size_t k = 0;
            float last = 0;
            for (auto _ : state) {
                last = net->train(in[k], goal[k], static_cast<float>(learning_rate));
                benchmark::DoNotOptimize(last);
                benchmark::ClobberMemory();
                if (++k == in.size()) k = 0;
            }
            if (!std::isfinite(last)) state.SkipWithError("the loss became non-finite");
            state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * B));
        });
}

}  // namespace bench::eigen_nets
