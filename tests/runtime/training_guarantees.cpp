// The guarantees of training, checked at run time:
//  (a) forward, backward and train_step (SGD and Adam, batch 1 and 8) never touch the heap;
//  (b) train_step refuses non-finite inputs, targets, losses and gradients and invalid optimizer
//      settings with the documented Status, leaving the parameters and the optimizer state
//      byte for byte as they were;
//  (c) load() refuses a wrong length or a non-finite value, changing nothing (save() likewise);
//  (d) every initialisation scheme draws from the distribution it documents, deterministically
//      per seed, and an initialised network is a constant expression.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <span>
#include <type_traits>
#include <vector>

#include <ctnet/ctnet.hpp>

#include "support/counting_new.hpp"

namespace {

using ctnet::Dense;
using ctnet::Input;
using ctnet::Matrix;
using ctnet::Network;
using ctnet::Status;

template <class T>
using SeedModel = Network<T, Input<10>, Dense<20>, ctnet::ReLU, Dense<1>>;

template <class T, std::size_t R, std::size_t C>
Matrix<T, R, C> random_matrix(std::uint64_t seed, T low = T(-1), T high = T(1)) {
    ctnet::Random rng(seed);
    Matrix<T, R, C> m{};
    for (T& v : m) v = rng.uniform(low, high);
    return m;
}

/// The object representation of a trivially copyable value, appended to `out`.
template <class V>
void append_bytes(std::vector<unsigned char>& out, const V& value) {
    static_assert(std::is_trivially_copyable_v<V>);  // scalars and std::arrays of them: no padding
    // resize + memcpy rather than vector::insert of the range: GCC 12 -O3 warns about the
    // latter's inlined move of the old contents (-Wstringop-overflow, a false positive).
    const std::size_t old_size = out.size();
    out.resize(old_size + sizeof(V));
    std::memcpy(out.data() + old_size, &value, sizeof(V));
}

/// The state a refusal must leave alone: the parameters (state_dict order, byte for byte) and the
/// optimizer's buffers and counters. Hyper-parameters are not part of it (the invalid_argument
/// tests change them on purpose).
template <class Net, class Optimizer>
std::vector<unsigned char> training_state(const Net& net, const Optimizer& optimizer) {
    std::vector<unsigned char> bytes;
    append_bytes(bytes, net.to_flat());
    if constexpr (requires { optimizer.velocity; }) {
        append_bytes(bytes, Net::gradients_to_flat(optimizer.velocity));
    } else {
        append_bytes(bytes, Net::gradients_to_flat(optimizer.first_moment));
        append_bytes(bytes, Net::gradients_to_flat(optimizer.second_moment));
        append_bytes(bytes, optimizer.beta1_power);
        append_bytes(bytes, optimizer.beta2_power);
    }
    append_bytes(bytes, optimizer.steps);
    return bytes;
}

template <class Net>
bool any_nonzero(const typename Net::Parameters& p) {
    for (const auto v : Net::gradients_to_flat(p))
        if (v != 0) return true;
    return false;
}

}  // namespace

// ---- (a) no heap --------------------------------------------------------------------------------

TEST_CASE("no heap: the allocation counter sees an allocation (positive control)", "[no_heap][training]") {
    // tests/runtime/no_heap_harness.cpp checks every form of new; this repeats the simplest one so
    // the zeros below are never read from a counter that is not linked in.
    CHECK(ctnet_test::count_allocations([] {
              std::vector<float> v(64);
              ctnet_test::escape(v.data());
          }) == 1);
}

TEMPLATE_TEST_CASE_SIG("no heap: forward, backward and train_step allocate nothing", "[no_heap][training]",
                       ((std::size_t B), B), 1, 8) {
    using Net = SeedModel<float>;
    Net net = ctnet::initialized<Net>(ctnet::init::TorchDefault{}, 1);
    const auto x = random_matrix<float, B, Net::in_size>(2);
    const auto target = random_matrix<float, B, Net::out_size>(3);
    typename Net::template Workspace<B> ws{};
    typename Net::Gradients grads{};
    Matrix<float, B, Net::out_size> y{}, dy{};
    Matrix<float, B, Net::in_size> dx{};

    CHECK(ctnet_test::count_allocations([&] {
              y = net.forward(x);
              ctnet_test::escape(&y);
          }) == 0);
    CHECK(ctnet_test::count_allocations([&] {
              y = net.forward(x, ws);
              ctnet_test::escape(&ws);
          }) == 0);
    CHECK(ctnet_test::count_allocations([&] {
              (void)ctnet::MSE{}.gradient(y, target, dy);
              net.backward(ws, dy, grads);
              ctnet_test::escape(&grads);
          }) == 0);
    CHECK(ctnet_test::count_allocations([&] {
              dx = net.backward_with_input_gradient(ws, dy, grads);
              ctnet_test::escape(&dx);
          }) == 0);

    ctnet::SGD<Net> sgd{.learning_rate = 0.01, .momentum = 0.9, .weight_decay = 1e-4, .nesterov = true};
    ctnet::Adam<Net> adam{.learning_rate = 1e-3};
    ctnet::AdamW<Net> adamw{.learning_rate = 1e-3};
    ctnet::StepResult<float> result{};
    CHECK(ctnet_test::count_allocations([&] {
              for (int i = 0; i < 3; ++i) result = ctnet::train_step(net, sgd, ctnet::MSE{}, x, target);
              ctnet_test::escape(&net);
          }) == 0);
    CHECK(result.status == Status::ok);
    CHECK(ctnet_test::count_allocations([&] {
              for (int i = 0; i < 3; ++i)
                  result = ctnet::train_step(net, adam, ctnet::Huber{}, x, target, ctnet::ClipByNorm{0.5});
              ctnet_test::escape(&net);
          }) == 0);
    CHECK(result.status == Status::ok);
    CHECK(ctnet_test::count_allocations([&] {
              for (int i = 0; i < 3; ++i)
                  result = ctnet::train_step(net, adamw, ctnet::MSE{}, x, target, ctnet::ClipByValue{0.1});
              ctnet_test::escape(&net);
          }) == 0);
    CHECK(result.status == Status::ok);
    CHECK(adam.steps == 3);
}

// ---- (b) refusals change nothing ----------------------------------------------------------------

namespace {

/// A seed model and an optimizer after three successful steps, so the velocity or moments and
/// the step counters are not zero: a refusal that reset or touched them would show.
template <class Optimizer>
struct TrainedSeed {
    using Net = SeedModel<float>;
    static constexpr std::size_t B = 4;
    Net net = ctnet::initialized<Net>(ctnet::init::TorchDefault{}, 7);
    Optimizer optimizer{};
    Matrix<float, B, Net::in_size> x = random_matrix<float, B, Net::in_size>(8);
    Matrix<float, B, Net::out_size> target = random_matrix<float, B, Net::out_size>(9);

    explicit TrainedSeed(const Optimizer& o) : optimizer(o) {
        for (int i = 0; i < 3; ++i) REQUIRE(ctnet::train_step(net, optimizer, ctnet::MSE{}, x, target).status == Status::ok);
        REQUIRE(optimizer.steps == 3);
        if constexpr (requires { optimizer.velocity; }) {
            REQUIRE(any_nonzero<Net>(optimizer.velocity));
        } else {
            REQUIRE(any_nonzero<Net>(optimizer.first_moment));
            REQUIRE(any_nonzero<Net>(optimizer.second_moment));
        }
    }
};

using SeedNet = SeedModel<float>;
constexpr float nan_f = std::numeric_limits<float>::quiet_NaN();
constexpr float inf_f = std::numeric_limits<float>::infinity();

/// Runs `refused_step(state)` and checks its status and that nothing changed; then checks that a
/// valid step afterwards succeeds and does change the state (so the comparison can see a change).
template <class Optimizer, class Step>
void check_refusal(const Optimizer& optimizer, Status expected, Step refused_step) {
    TrainedSeed<Optimizer> s(optimizer);
    const std::vector<unsigned char> before = training_state(s.net, s.optimizer);
    const ctnet::StepResult<float> result = refused_step(s);
    CHECK(result.status == expected);
    CHECK(training_state(s.net, s.optimizer) == before);

    REQUIRE(ctnet::train_step(s.net, s.optimizer, ctnet::MSE{}, s.x, s.target).status == Status::ok);
    CHECK(training_state(s.net, s.optimizer) != before);
}

template <class Optimizer>
void check_data_refusals(const Optimizer& optimizer) {
    using State = TrainedSeed<Optimizer>;

    SECTION("NaN in the input: non_finite_input") {
        check_refusal(optimizer, Status::non_finite_input, [](State& s) {
            auto x = s.x;
            x(2, 7) = nan_f;
            return ctnet::train_step(s.net, s.optimizer, ctnet::MSE{}, x, s.target);
        });
    }
    SECTION("infinity in the input: non_finite_input") {
        check_refusal(optimizer, Status::non_finite_input, [](State& s) {
            auto x = s.x;
            x(0, 0) = -inf_f;
            return ctnet::train_step(s.net, s.optimizer, ctnet::MSE{}, x, s.target, ctnet::ClipByNorm{1.0});
        });
    }
    SECTION("NaN in the target: non_finite_input") {
        check_refusal(optimizer, Status::non_finite_input, [](State& s) {
            auto target = s.target;
            target(3, 0) = nan_f;
            return ctnet::train_step(s.net, s.optimizer, ctnet::MSE{}, s.x, target);
        });
    }
    SECTION("a finite target whose squared error overflows float: non_finite_loss") {
        check_refusal(optimizer, Status::non_finite_loss, [](State& s) {
            auto target = s.target;
            target(1, 0) = 1e30f;  // (y - 1e30)^2 = 1e60 > FLT_MAX
            const auto result = ctnet::train_step(s.net, s.optimizer, ctnet::MSE{}, s.x, target);
            CHECK(std::isinf(result.loss));
            return result;
        });
    }
    SECTION("huge weights: the forward pass overflows, the step is refused") {
        // Weights of 1e30 make the hidden layer ~1e30 and the output ~1e61 = inf in float: the loss
        // is inf (or NaN), so non_finite_loss; were it finite, the gradient would not be.
        TrainedSeed<Optimizer> s(optimizer);
        auto flat = s.net.to_flat();
        for (auto& w : flat) w = w > 0 ? 1e30f : -1e30f;
        REQUIRE(s.net.load(flat) == Status::ok);
        const std::vector<unsigned char> before = training_state(s.net, s.optimizer);
        const auto result = ctnet::train_step(s.net, s.optimizer, ctnet::MSE{}, s.x, s.target);
        CHECK((result.status == Status::non_finite_loss || result.status == Status::non_finite_gradient));
        CHECK(training_state(s.net, s.optimizer) == before);
    }
}

}  // namespace

TEST_CASE("refusal: bad data leaves SGD training untouched", "[refusal][training]") {
    check_data_refusals(ctnet::SGD<SeedNet>{.learning_rate = 0.05, .momentum = 0.9});
}

TEST_CASE("refusal: bad data leaves Adam training untouched", "[refusal][training]") {
    check_data_refusals(ctnet::Adam<SeedNet>{.learning_rate = 0.01});
}

TEST_CASE("refusal: a class index out of range gives a NaN loss: non_finite_loss", "[refusal][training]") {
    using Net = Network<float, Input<4>, Dense<4>, ctnet::ReLU, Dense<3>>;
    Net net = ctnet::initialized<Net>(ctnet::init::TorchDefault{}, 3);
    ctnet::Adam<Net> optimizer{.learning_rate = 0.01};
    const auto x = random_matrix<float, 2, 4>(4);
    REQUIRE(ctnet::train_step(net, optimizer, ctnet::SoftmaxCrossEntropy{}, x, ctnet::Labels<2>{{0, 2}}).status ==
            Status::ok);
    const auto before = training_state(net, optimizer);
    const auto result = ctnet::train_step(net, optimizer, ctnet::SoftmaxCrossEntropy{}, x, ctnet::Labels<2>{{0, 3}});
    CHECK(result.status == Status::non_finite_loss);
    CHECK(std::isnan(result.loss));
    CHECK(training_state(net, optimizer) == before);
}

TEST_CASE("refusal: a finite loss with an overflowing gradient: non_finite_gradient", "[refusal][training]") {
    // x = 100, w1 = 1e36, w2 = 1e-37: hidden h = 1e38 (finite, FLT_MAX = 3.4e38), output y = 10,
    // MSE against 0 is 100 (finite), dL/dy = 20, and dL/dw2 = h dL/dy = 2e39: inf in float.
    using Net = Network<float, Input<1>, Dense<1, ctnet::Bias::none>, Dense<1, ctnet::Bias::none>>;
    const Matrix<float, 1, 1> x{{100.0f}};
    const Matrix<float, 1, 1> target{{0.0f}};
    const Matrix<float, 1, 1> x_ok{{1.0f}};

    const auto run = [&](const auto& settings) {
        auto optimizer = settings;
        Net net = Net::from_flat(std::array<float, 2>{1.0f, 1.0f});
        REQUIRE(ctnet::train_step(net, optimizer, ctnet::MSE{}, x_ok, target).status == Status::ok);
        REQUIRE(net.load(std::array<float, 2>{1e36f, 1e-37f}) == Status::ok);
        const auto before = training_state(net, optimizer);
        const auto result = ctnet::train_step(net, optimizer, ctnet::MSE{}, x, target, ctnet::ClipByNorm{1.0});
        CHECK(result.status == Status::non_finite_gradient);
        CHECK(result.loss == Approx(100.0f).epsilon(1e-5));
        CHECK(training_state(net, optimizer) == before);
    };
    run(ctnet::SGD<Net>{.learning_rate = 0.1, .momentum = 0.5});
    run(ctnet::Adam<Net>{});
    run(ctnet::AdamW<Net>{});
}

TEST_CASE("refusal: invalid SGD settings: invalid_argument, nothing changes", "[refusal][training]") {
    using Opt = ctnet::SGD<SeedNet>;
    const Opt valid{.learning_rate = 0.05, .momentum = 0.9};
    struct Case {
        const char* what;
        void (*spoil)(Opt&);
    };
    const Case cases[] = {
        {"negative learning rate", [](Opt& o) { o.learning_rate = -0.1; }},
        {"NaN learning rate", [](Opt& o) { o.learning_rate = std::numeric_limits<double>::quiet_NaN(); }},
        {"infinite learning rate", [](Opt& o) { o.learning_rate = std::numeric_limits<double>::infinity(); }},
        {"negative momentum", [](Opt& o) { o.momentum = -0.5; }},
        {"infinite momentum", [](Opt& o) { o.momentum = std::numeric_limits<double>::infinity(); }},
        {"negative weight decay", [](Opt& o) { o.weight_decay = -1e-4; }},
        {"infinite weight decay", [](Opt& o) { o.weight_decay = std::numeric_limits<double>::infinity(); }},
        {"NaN dampening", [](Opt& o) { o.dampening = std::numeric_limits<double>::quiet_NaN(); }},
        {"Nesterov without momentum",
         [](Opt& o) {
             o.nesterov = true;
             o.momentum = 0.0;
         }},
        {"Nesterov with dampening",
         [](Opt& o) {
             o.nesterov = true;
             o.dampening = 0.1;
         }},
    };
    for (const Case& c : cases) {
        DYNAMIC_SECTION(c.what) {  // one section each: a failing case does not hide the next
            check_refusal(valid, Status::invalid_argument, [&](TrainedSeed<Opt>& s) {
                const Opt saved = s.optimizer;
                c.spoil(s.optimizer);
                const auto result = ctnet::train_step(s.net, s.optimizer, ctnet::MSE{}, s.x, s.target);
                // optimizer.step on its own refuses too, and changes nothing either
                typename SeedNet::Gradients grads{};
                grads.template get<0>().bias[0] = 1.0f;
                CHECK(s.optimizer.step(s.net.parameters, grads) == Status::invalid_argument);
                // restore the hyper-parameters only, for the control step of check_refusal
                s.optimizer.learning_rate = saved.learning_rate;
                s.optimizer.momentum = saved.momentum;
                s.optimizer.dampening = saved.dampening;
                s.optimizer.weight_decay = saved.weight_decay;
                s.optimizer.nesterov = saved.nesterov;
                return result;
            });
        }
    }
}

TEST_CASE("refusal: invalid Adam and AdamW settings: invalid_argument, nothing changes", "[refusal][training]") {
    const auto check_all = [](const char* name, const auto& valid) {
        using Opt = std::remove_cvref_t<decltype(valid)>;
        struct Case {
            const char* what;
            void (*spoil)(Opt&);
        };
        const Case cases[] = {
            {"negative learning rate", [](Opt& o) { o.learning_rate = -1e-3; }},
            {"NaN learning rate", [](Opt& o) { o.learning_rate = std::numeric_limits<double>::quiet_NaN(); }},
            {"beta1 = 1", [](Opt& o) { o.beta1 = 1.0; }},
            {"negative beta2", [](Opt& o) { o.beta2 = -0.1; }},
            {"negative epsilon", [](Opt& o) { o.epsilon = -1e-8; }},
            {"infinite epsilon", [](Opt& o) { o.epsilon = std::numeric_limits<double>::infinity(); }},
            {"negative weight decay", [](Opt& o) { o.weight_decay = -0.01; }},
            {"infinite weight decay", [](Opt& o) { o.weight_decay = std::numeric_limits<double>::infinity(); }},
        };
        for (const Case& c : cases) {
            DYNAMIC_SECTION(name << ", " << c.what) {
                check_refusal(valid, Status::invalid_argument, [&](TrainedSeed<Opt>& s) {
                    const Opt saved = s.optimizer;
                    c.spoil(s.optimizer);
                    const auto result = ctnet::train_step(s.net, s.optimizer, ctnet::MSE{}, s.x, s.target);
                    typename SeedNet::Gradients grads{};
                    grads.template get<0>().bias[0] = 1.0f;
                    CHECK(s.optimizer.step(s.net.parameters, grads) == Status::invalid_argument);
                    s.optimizer.learning_rate = saved.learning_rate;
                    s.optimizer.beta1 = saved.beta1;
                    s.optimizer.beta2 = saved.beta2;
                    s.optimizer.epsilon = saved.epsilon;
                    s.optimizer.weight_decay = saved.weight_decay;
                    return result;
                });
            }
        }
    };
    check_all("Adam", ctnet::Adam<SeedNet>{.learning_rate = 0.01});
    check_all("AdamW", ctnet::AdamW<SeedNet>{.learning_rate = 0.01});
}

TEST_CASE("refusal: a negative or NaN clipping bound: invalid_argument, nothing changes", "[refusal][training]") {
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    const auto check_all = [](const char* name, const auto& valid) {
        using Opt = std::remove_cvref_t<decltype(valid)>;
        for (const double bound : {-0.5, -std::numeric_limits<double>::infinity(), nan}) {
            DYNAMIC_SECTION(name << ", bound " << bound) {
                check_refusal(valid, Status::invalid_argument, [&](TrainedSeed<Opt>& s) {
                    const ctnet::ClipByValue clipping{bound};
                    return ctnet::train_step(s.net, s.optimizer, ctnet::MSE{}, s.x, s.target, clipping);
                });
                check_refusal(valid, Status::invalid_argument, [&](TrainedSeed<Opt>& s) {
                    const ctnet::ClipByNorm clipping{bound};
                    return ctnet::train_step(s.net, s.optimizer, ctnet::MSE{}, s.x, s.target, clipping);
                });
            }
        }
    };
    check_all("SGD", ctnet::SGD<SeedNet>{.learning_rate = 0.05, .momentum = 0.9});
    check_all("Adam", ctnet::Adam<SeedNet>{.learning_rate = 0.01});

    // The free functions refuse too, leaving the gradients as they were; 0 and +inf are valid
    // bounds (every gradient 0; nothing clipped).
    typename SeedNet::Gradients grads{};
    for (std::size_t k = 0; k < grads.template get<0>().bias.size; ++k)
        grads.template get<0>().bias[k] = 0.25f * static_cast<float>(k) - 1.0f;
    const auto before = SeedNet::gradients_to_flat(grads);
    const float norm = ctnet::gradient_norm<SeedNet>(grads);
    REQUIRE(norm > 1.0f);
    for (const double bound : {-0.5, nan}) {
        CHECK(ctnet::clip_gradient_value<SeedNet>(grads, bound) == Status::invalid_argument);
        const auto clipped = ctnet::clip_gradient_norm<SeedNet>(grads, bound);
        CHECK(clipped.status == Status::invalid_argument);
        CHECK(clipped.total_norm == norm);
        CHECK(SeedNet::gradients_to_flat(grads) == before);
    }
    CHECK(ctnet::clip_gradient_value<SeedNet>(grads, std::numeric_limits<double>::infinity()) == Status::ok);
    CHECK(ctnet::clip_gradient_norm<SeedNet>(grads, std::numeric_limits<double>::infinity()).status == Status::ok);
    CHECK(SeedNet::gradients_to_flat(grads) == before);
    const auto to_one = ctnet::clip_gradient_norm<SeedNet>(grads, 1.0);
    CHECK((to_one.status == Status::ok && to_one.total_norm == norm));
    CHECK(ctnet::gradient_norm<SeedNet>(grads) == Approx(1.0f).epsilon(1e-5));
    CHECK(ctnet::clip_gradient_value<SeedNet>(grads, 0.0) == Status::ok);
    CHECK(ctnet::gradient_norm<SeedNet>(grads) == 0.0f);
}

// ---- (c) load() and save() ------------------------------------------------------------------------

TEST_CASE("load refuses a wrong length or a non-finite value and changes nothing", "[load][training]") {
    using Net = SeedModel<float>;
    constexpr std::size_t P = Net::parameter_count;
    Net net = ctnet::initialized<Net>(ctnet::init::HeUniform{}, 11);
    const auto original = net.to_flat();
    const auto unchanged = [&] { return std::memcmp(net.to_flat().data(), original.data(), sizeof(original)) == 0; };

    std::vector<float> values(P + 1);
    ctnet::Random rng(12);
    for (float& v : values) v = rng.uniform(-1.0f, 1.0f);

    SECTION("too short, too long, empty: size_mismatch") {
        CHECK(net.load(std::span<const float>(values.data(), P - 1)) == Status::size_mismatch);
        CHECK(unchanged());
        CHECK(net.load(std::span<const float>(values.data(), P + 1)) == Status::size_mismatch);
        CHECK(unchanged());
        CHECK(net.load(std::span<const float>()) == Status::size_mismatch);
        CHECK(unchanged());
    }
    SECTION("a NaN or an infinity anywhere, last position included: non_finite_input") {
        for (const std::size_t where : {std::size_t{0}, P / 2, P - 1}) {
            for (const float bad : {nan_f, inf_f, -inf_f}) {
                std::vector<float> spoilt(values.begin(), values.begin() + P);
                spoilt[where] = bad;
                INFO("value " << bad << " at " << where);
                CHECK(net.load(std::span<const float>(spoilt)) == Status::non_finite_input);
                CHECK(unchanged());
            }
        }
    }
    SECTION("a double that overflows float is non-finite once converted: non_finite_input") {
        std::vector<double> wide(values.begin(), values.begin() + P);
        wide[P - 1] = 1e300;
        CHECK(net.load(std::span<const double>(wide)) == Status::non_finite_input);
        CHECK(unchanged());
    }
    SECTION("control: a valid span is loaded exactly") {
        REQUIRE(net.load(std::span<const float>(values.data(), P)) == Status::ok);
        const auto loaded = net.to_flat();
        CHECK(std::memcmp(loaded.data(), values.data(), sizeof(loaded)) == 0);
        CHECK_FALSE(unchanged());
    }
    SECTION("save refuses a wrong length and writes nothing") {
        std::vector<float> out(P + 1, 42.0f);
        CHECK(net.save(std::span<float>(out.data(), P + 1)) == Status::size_mismatch);
        CHECK(net.save(std::span<float>(out.data(), P - 1)) == Status::size_mismatch);
        for (const float v : out) CHECK(v == 42.0f);
        CHECK(net.save(std::span<float>(out.data(), P)) == Status::ok);
        CHECK(std::memcmp(out.data(), original.data(), sizeof(original)) == 0);
        CHECK(out[P] == 42.0f);
    }
}

// ---- (d) initialisation ---------------------------------------------------------------------------

namespace {

// fan_in 512, fan_out 128: unequal fans, so a scheme that used the wrong fan (or their sum where it
// should use fan_in) gets a variance 4x or 1.25x off, far outside the bounds below.
constexpr std::size_t fan_in = 512;
constexpr std::size_t fan_out = 128;
using WideLayer = Network<double, Input<fan_in>, Dense<fan_out>>;

enum class Shape { uniform, normal };

struct Moments {
    double mean = 0;
    double variance = 0;       // population variance (divides by n)
    double max_abs = 0;
    double within_one_sd = 0;  // fraction of |w - 0| < expected standard deviation
};

Moments moments_of(const double* values, std::size_t n, double expected_sd) {
    Moments m;
    for (std::size_t k = 0; k < n; ++k) m.mean += values[k];
    m.mean /= static_cast<double>(n);
    std::size_t within = 0;
    for (std::size_t k = 0; k < n; ++k) {
        m.variance += (values[k] - m.mean) * (values[k] - m.mean);
        m.max_abs = std::max(m.max_abs, std::abs(values[k]));
        within += std::abs(values[k]) < expected_sd ? 1 : 0;
    }
    m.variance /= static_cast<double>(n);
    m.within_one_sd = static_cast<double>(within) / static_cast<double>(n);
    return m;
}

/// Checks the weights of one scheme against a zero-mean distribution of variance `variance`.
/// Bounds are 5 standard errors (a fixed seed makes each check deterministic; 5 SE is what a
/// correct scheme would exceed with probability 6e-7 for a new seed):
///   mean: sd / sqrt(n);  variance: variance sqrt((kurtosis - 1) / n), kurtosis 9/5 (uniform) or
///   3 (normal);  P(|w| < sd): sqrt(p (1 - p) / n) around 1/sqrt(3) (uniform) or 0.6827 (normal),
///   which tells the two shapes apart.
/// A uniform scheme must also stay inside its bound a = sqrt(3 variance) and reach close to it.
template <class Scheme>
void check_scheme(const char* name, const Scheme& scheme, double variance, Shape shape, bool zero_bias = true) {
    INFO(name);
    auto net = std::make_unique<WideLayer>();
    ctnet::initialize(*net, scheme, 2024);
    const auto& weights = net->parameters.get<0>().weight_t;
    const auto& bias = net->parameters.get<0>().bias;
    const double n = static_cast<double>(weights.size);
    const double sd = std::sqrt(variance);
    const Moments m = moments_of(weights.data, weights.size, sd);
    INFO("mean " << m.mean << ", variance " << m.variance << " (expected " << variance << "), max |w| " << m.max_abs
                 << ", P(|w| < sd) " << m.within_one_sd);

    CHECK(std::abs(m.mean) <= 5 * sd / std::sqrt(n));
    const double kurtosis = shape == Shape::uniform ? 1.8 : 3.0;
    CHECK(std::abs(m.variance - variance) <= 5 * variance * std::sqrt((kurtosis - 1) / n));
    const double p = shape == Shape::uniform ? 1.0 / std::sqrt(3.0) : 0.682689492137086;
    CHECK(std::abs(m.within_one_sd - p) <= 5 * std::sqrt(p * (1 - p) / n));
    if (shape == Shape::uniform) {
        const double bound = std::sqrt(3 * variance);
        CHECK(m.max_abs <= bound);
        CHECK(m.max_abs >= bound * (1 - 20 / n));  // P(max below that) = (1 - 20/n)^n ~ e^-20
    }
    if (zero_bias) {
        for (const double b : bias) CHECK(b == 0.0);
    }
}

}  // namespace

TEST_CASE("init: every scheme draws from its documented distribution", "[init]") {
    constexpr double in = fan_in, out = fan_out;
    check_scheme("XavierUniform", ctnet::init::XavierUniform{}, 2 / (in + out), Shape::uniform);
    check_scheme("XavierUniform gain 2", ctnet::init::XavierUniform{.gain = 2.0}, 4 * 2 / (in + out), Shape::uniform);
    check_scheme("XavierNormal", ctnet::init::XavierNormal{}, 2 / (in + out), Shape::normal);
    check_scheme("HeUniform", ctnet::init::HeUniform{}, 2 / in, Shape::uniform);
    check_scheme("HeNormal", ctnet::init::HeNormal{}, 2 / in, Shape::normal);
    check_scheme("HeNormal gain 1", ctnet::init::HeNormal{.gain = 1.0}, 1 / in, Shape::normal);
    check_scheme("LeCunNormal", ctnet::init::LeCunNormal{}, 1 / in, Shape::normal);
    check_scheme("LeCunUniform", ctnet::init::LeCunUniform{}, 1 / in, Shape::uniform);
    check_scheme("TorchDefault", ctnet::init::TorchDefault{}, 1 / (3 * in), Shape::uniform, false);
    check_scheme("Normal 0.3", ctnet::init::Normal{.stddev = 0.3}, 0.09, Shape::normal);
}

TEST_CASE("init: TorchDefault draws the bias from U(-1/sqrt(fan_in), 1/sqrt(fan_in))", "[init]") {
    auto net = std::make_unique<WideLayer>();
    ctnet::initialize(*net, ctnet::init::TorchDefault{}, 5);
    const auto& bias = net->parameters.get<0>().bias;
    const double bound = 1 / std::sqrt(static_cast<double>(fan_in));
    double max_abs = 0, mean = 0;
    for (const double b : bias) {
        CHECK(std::abs(b) <= bound);
        max_abs = std::max(max_abs, std::abs(b));
        mean += b;
    }
    mean /= static_cast<double>(fan_out);
    // 128 draws of U(-a, a): the largest |b| is below 0.9 a with probability 0.9^128 = 1.4e-6, and
    // the mean is within 5 standard errors (a / sqrt(3 * 128)) of 0.
    CHECK(max_abs >= 0.9 * bound);
    CHECK(std::abs(mean) <= 5 * bound / std::sqrt(3.0 * fan_out));
}

TEST_CASE("init: same seed, same parameters; another seed, other parameters", "[init]") {
    using Net = SeedModel<float>;
    const auto check = [](const auto& scheme) {
        const auto a = ctnet::initialized<Net>(scheme, 42).to_flat();
        const auto b = ctnet::initialized<Net>(scheme, 42).to_flat();
        const auto c = ctnet::initialized<Net>(scheme, 43).to_flat();
        CHECK(std::memcmp(a.data(), b.data(), sizeof(a)) == 0);
        std::size_t differing = 0, nonzero = 0;
        for (std::size_t k = 0; k < a.size(); ++k) {
            differing += a[k] != c[k] ? 1 : 0;
            nonzero += a[k] != 0 ? 1 : 0;
        }
        CHECK(nonzero >= Net::parameter_count - 21);  // all weights (the 21 biases may be zero)
        CHECK(differing == nonzero);                   // every weight differs between the seeds
    };
    check(ctnet::init::XavierUniform{});
    check(ctnet::init::HeNormal{});
    check(ctnet::init::TorchDefault{});
}

namespace {
using SmallNet = Network<double, Input<3>, Dense<4>, ctnet::Tanh, Dense<2>>;
constexpr SmallNet constexpr_uniform = ctnet::initialized<SmallNet>(ctnet::init::XavierUniform{}, 99);
constexpr SmallNet constexpr_uniform_again = ctnet::initialized<SmallNet>(ctnet::init::XavierUniform{}, 99);
constexpr SmallNet constexpr_normal = ctnet::initialized<SmallNet>(ctnet::init::HeNormal{}, 99);
static_assert(constexpr_uniform == constexpr_uniform_again, "same seed, same constexpr network");
static_assert(constexpr_uniform.to_flat()[5] == constexpr_uniform_again.to_flat()[5]);
static_assert(constexpr_uniform.to_flat()[5] != 0.0);
static_assert(!(constexpr_uniform == ctnet::initialized<SmallNet>(ctnet::init::XavierUniform{}, 100)));
// A network initialised at compile time is usable in constant expressions, forward included.
static_assert(constexpr_uniform.forward(Matrix<double, 1, 3>{{0.5, -0.25, 1.0}})[0] ==
              constexpr_uniform_again.forward(Matrix<double, 1, 3>{{0.5, -0.25, 1.0}})[0]);
}  // namespace

TEST_CASE("init: compile-time and run-time initialisation agree", "[init]") {
    // Uniform draws use only arithmetic and ctnet::math::sqrt, correctly rounded on both paths:
    // bit for bit the same. Normal draws also take a log, which may differ by an ulp between the
    // constexpr implementation and <cmath> (math.hpp documents both within 1 ulp), so they agree
    // to a few ulps.
    const SmallNet uniform = ctnet::initialized<SmallNet>(ctnet::init::XavierUniform{}, 99);
    CHECK(uniform == constexpr_uniform);
    const SmallNet normal = ctnet::initialized<SmallNet>(ctnet::init::HeNormal{}, 99);
    const auto a = normal.to_flat();
    const auto b = constexpr_normal.to_flat();
    for (std::size_t k = 0; k < a.size(); ++k) {
        INFO("parameter " << k);
        CHECK(ctnet::math::ulp_distance(a[k], b[k]) <= 4);
    }
}
