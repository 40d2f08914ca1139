// A network is a type: its shapes, sizes and layout are compile-time facts, and a constexpr
// model's forward pass is a constant expression. Everything here is a static_assert.
#include <array>
#include <cstddef>
#include <ratio>
#include <type_traits>

#include <ctnet/ctnet.hpp>

#include "static_helpers.hpp"

#include "data/forward.hpp"

namespace {

using ctnet::Bias;
using ctnet::Dense;
using ctnet::Input;
using ctnet::Matrix;
using ctnet::Network;
using ctnet::Vector;

// ---- Matrix storage: the alignment rule of include/ctnet/matrix.hpp ----------------------------
// alignof = the largest power of two <= the byte size, capped at 64, at least alignof(T);
// sizeof = the byte size rounded up to that alignment. Sizes 1, 15, 16, 17, 33 straddle the
// widths of 16-float (AVX-512) and 8-double registers.
//   float : 4 B -> 4/4;   60 B -> 32/64;   64 B -> 64/64;   68 B -> 64/128;  132 B -> 64/192
//   double: 8 B -> 8/8;  120 B -> 64/128; 128 B -> 64/128; 136 B -> 64/192;  264 B -> 64/320
// (A target with a vector unit, as every host build here; scalar_storage_static.cpp has the
// layout without one.)
static_assert(ctnet::detail::native_simd_bytes != 0);
using ctnet_test::layout_is;
static_assert(layout_is<Vector<float, 1>, 4, 4>());
static_assert(layout_is<Vector<float, 15>, 64, 32>());
static_assert(layout_is<Vector<float, 16>, 64, 64>());
static_assert(layout_is<Vector<float, 17>, 128, 64>());
static_assert(layout_is<Vector<float, 33>, 192, 64>());
static_assert(layout_is<Vector<double, 1>, 8, 8>());
static_assert(layout_is<Vector<double, 15>, 128, 64>());
static_assert(layout_is<Vector<double, 16>, 128, 64>());
static_assert(layout_is<Vector<double, 17>, 192, 64>());
static_assert(layout_is<Vector<double, 33>, 320, 64>());
// Only the element count matters, not the shape: a column and a 3 x 5 block follow the same rule.
static_assert(layout_is<Matrix<float, 17, 1>, 128, 64>());
static_assert(layout_is<Matrix<float, 3, 5>, 64, 32>());   // 60 B
// Small blocks are not padded to a cache line: 12 B -> 8-aligned, 16 B; 24 B -> 16-aligned, 32 B.
static_assert(layout_is<Vector<float, 3>, 16, 8>());
static_assert(layout_is<Vector<double, 3>, 32, 16>());

// Matrix is a plain aggregate: trivially copyable, standard layout, usable as a constant.
template <class M>
constexpr bool plain_storage() noexcept {
    return std::is_trivially_copyable_v<M> && std::is_standard_layout_v<M> && std::is_aggregate_v<M>;
}
static_assert(plain_storage<Matrix<float, 3, 5>>() && plain_storage<Vector<double, 17>>() && plain_storage<Vector<float, 1>>());
static_assert(Matrix<float, 2, 3>{{1, 2, 3, 4, 5, 6}}(1, 0) == 4);  // row-major

// ---- the seed model -------------------------------------------------------------------------
// Linear(10,20) -> ReLU -> Linear(20,1), the source document's example.
using Seed = Network<float, Input<10>, Dense<20>, ctnet::ReLU, Dense<1>>;
static_assert(Seed::in_size == 10 && Seed::out_size == 1 && Seed::layer_count == 3);
static_assert(Seed::parameter_count == 241);  // 10*20 + 20 + 20*1 + 1
static_assert(std::is_same_v<Seed::scalar, float>);

// An object is its parameters and nothing else; all of it copies as bytes and is an aggregate.
static_assert(sizeof(Seed) == sizeof(Seed::Parameters) && Seed::parameter_bytes == sizeof(Seed::Parameters));
static_assert(std::is_trivially_copyable_v<Seed> && std::is_aggregate_v<Seed>);
static_assert(std::is_trivially_copyable_v<Seed::Parameters> && std::is_aggregate_v<Seed::Parameters>);
static_assert(std::is_trivially_copyable_v<Seed::Gradients>);
static_assert(std::is_trivially_copyable_v<Seed::Workspace<1>> && std::is_trivially_copyable_v<Seed::Workspace<3>>);
// Dense's own parameters (weight, bias) are standard layout too.
static_assert(std::is_standard_layout_v<Seed::Chain::layer<0>::Parameters>);

// Parameter bytes, from the Matrix rule (weights stored transposed, input-major):
//   layer 0: weight_t Matrix<float,10,20> 800 B -> 832 (64-aligned) + bias Vector<float,20> 128
//            = 960;
//   layer 1 (ReLU): nothing;
//   layer 2: weight_t Matrix<float,20,1> 80 B -> 128 + bias Vector<float,1> 4 = 132 -> 192
//            (the struct takes its member's 64-byte alignment).
// 1152 bytes for 241 floats (964 B): the price of aligned rows, paid once per model.
static_assert(Seed::parameter_bytes == 960 + 192);
static_assert(alignof(Seed) == 64);

// Workspace: what backward reads, only that. Dense needs its input (dL/dW = x^T dy); ReLU takes
// its derivative from its output (y > 0), so the pre-activation is not kept; the last Dense needs
// nothing after it. So: the network input (Vector<float,10>: 40 B -> 64) and the ReLU output
// (Vector<float,20>: 80 B -> 128) = 192 bytes; B = 3: Matrix<float,3,10> 120 B -> 128 and
// Matrix<float,3,20> 240 B -> 256 = 384.
static_assert(Seed::workspace_bytes == sizeof(Vector<float, 10>) + sizeof(Vector<float, 20>));
static_assert(Seed::workspace_bytes == 192 && sizeof(Seed::Workspace<1>) == 192);
static_assert(Seed::workspace_bytes_for<3> == sizeof(Matrix<float, 3, 10>) + sizeof(Matrix<float, 3, 20>));
static_assert(Seed::workspace_bytes_for<3> == 384);

// Sigmoid, like ReLU, differentiates from its output: same workspace as the seed model. GELU
// differentiates from its input, so its pre-activation is kept as well: one more Vector<float,20>.
using SigmoidNet = Network<float, Input<10>, Dense<20>, ctnet::Sigmoid, Dense<1>>;
using GeluNet = Network<float, Input<10>, Dense<20>, ctnet::GELU, Dense<1>>;
static_assert(SigmoidNet::workspace_bytes == Seed::workspace_bytes);
static_assert(GeluNet::workspace_bytes == Seed::workspace_bytes + sizeof(Vector<float, 20>));
// A network ending in Sigmoid keeps its output (sigma' = y (1 - y)): input + output.
using SigmoidLast = Network<float, Input<10>, Dense<20>, ctnet::Sigmoid>;
static_assert(SigmoidLast::workspace_bytes == sizeof(Vector<float, 10>) + sizeof(Vector<float, 20>));
// Tanh then Sigmoid: kept are the input (for Dense), Tanh's output (read by tanh' = 1 - y^2) and
// the network's output (sigma' = y (1 - y)); the Dense output before Tanh is not. Widths 8 so
// every slot is a 64-byte Vector<double, 8> and no alignment padding enters the sum.
using TanhSigmoid = Network<double, Input<8>, Dense<8>, ctnet::Tanh, ctnet::Sigmoid>;
static_assert(TanhSigmoid::workspace_bytes == 3 * sizeof(Vector<double, 8>));
// Identity's derivative reads nothing: nothing is kept, the workspace is empty.
using IdentityNet = Network<float, Input<4>, ctnet::Identity>;
static_assert(std::is_empty_v<IdentityNet::Workspace<1>> && std::is_empty_v<IdentityNet::Workspace<8>>);
// A network without parameters holds nothing: one byte, the least any object takes.
static_assert(sizeof(Network<double, Input<4>, ctnet::Softmax>) == 1 && sizeof(IdentityNet) == 1);

// ---- Dense without bias ----------------------------------------------------------------------
static_assert(Network<float, Input<10>, Dense<20, Bias::none>>::parameter_count == 200);
static_assert(Network<float, Input<10>, Dense<20, Bias::none>, ctnet::ReLU, Dense<1>>::parameter_count == 221);
static_assert(Network<float, Input<10>, Dense<20>, ctnet::ReLU, Dense<1, Bias::none>>::parameter_count == 240);
static_assert(Network<float, Input<1>, Dense<1>>::parameter_count == 2);
static_assert(Network<float, Input<1>, Dense<1, Bias::none>>::parameter_count == 1);
// No bias, no bytes for it: the parameters are the weight matrix alone.
static_assert(Network<float, Input<10>, Dense<20, Bias::none>>::parameter_bytes == sizeof(Matrix<float, 10, 20>));

// ---- shape inference through long chains -----------------------------------------------------
// Each layer's input width is the previous layer's output width; activations keep the width.
using Long = Network<double, Input<3>, Dense<7>, ctnet::Tanh, Dense<5>, ctnet::ReLU, Dense<5, Bias::none>,
                     ctnet::Sigmoid, Dense<9>, ctnet::Softmax, Dense<2>, ctnet::Identity, ctnet::LeakyReLU<>,
                     Dense<4>, ctnet::GELU>;
template <class Net, std::size_t K, std::size_t In, std::size_t Out>
constexpr bool layer_is() noexcept {
    using L = typename Net::Chain::template layer<K>;
    return L::in_size == In && L::out_size == Out;
}
static_assert(Long::layer_count == 13 && Long::in_size == 3 && Long::out_size == 4);
static_assert(layer_is<Long, 0, 3, 7>() && layer_is<Long, 1, 7, 7>() && layer_is<Long, 2, 7, 5>());
static_assert(layer_is<Long, 3, 5, 5>() && layer_is<Long, 4, 5, 5>() && layer_is<Long, 5, 5, 5>());
static_assert(layer_is<Long, 6, 5, 9>() && layer_is<Long, 7, 9, 9>() && layer_is<Long, 8, 9, 2>());
static_assert(layer_is<Long, 9, 2, 2>() && layer_is<Long, 10, 2, 2>() && layer_is<Long, 11, 2, 4>());
static_assert(layer_is<Long, 12, 4, 4>());
// (3*7 + 7) + (7*5 + 5) + 5*5 + (5*9 + 9) + (9*2 + 2) + (2*4 + 4)
static_assert(Long::parameter_count == 28 + 40 + 25 + 54 + 20 + 12);
// forward's result type carries the inferred output width, per sample and per batch.
static_assert(std::is_same_v<decltype(Long{}.forward(Vector<double, 3>{})), Vector<double, 4>>);
static_assert(std::is_same_v<decltype(Long{}.forward(Matrix<double, 5, 3>{})), Matrix<double, 5, 4>>);
static_assert(std::is_same_v<decltype(Long{}.forward(std::array<double, 3>{})), std::array<double, 4>>);

// Twenty layers of Dense<3> and Tanh: 10 * (3*3 + 3) parameters, width 3 throughout.
using Deep = Network<float, Input<3>, Dense<3>, ctnet::Tanh, Dense<3>, ctnet::Tanh, Dense<3>, ctnet::Tanh,
                     Dense<3>, ctnet::Tanh, Dense<3>, ctnet::Tanh, Dense<3>, ctnet::Tanh, Dense<3>, ctnet::Tanh,
                     Dense<3>, ctnet::Tanh, Dense<3>, ctnet::Tanh, Dense<3>, ctnet::Tanh>;
static_assert(Deep::layer_count == 20 && Deep::in_size == 3 && Deep::out_size == 3 && Deep::parameter_count == 120);

// ---- a constexpr model: from_flat, forward in a constant expression ---------------------------
// Dyadic weights and inputs, so every product and sum is exact and == is the right test.
// PyTorch state_dict order: W1 [2][2] row-major, b1 [2], W2 [1][2], b2 [1].
constexpr double tiny_flat[] = {1.0, -2.0, 0.5, 0.25,   // W1 = [[1, -2], [0.5, 0.25]]
                                0.5, -1.0,              // b1
                                2.0, -0.5,              // W2 = [[2, -0.5]]
                                0.125};                 // b2
using Tiny = Network<double, Input<2>, Dense<2>, ctnet::ReLU, Dense<1>>;
static_assert(Tiny::parameter_count == 9);
constexpr Tiny tiny = Tiny::from_flat(tiny_flat);

// x = (3, 1):    h = (3 - 2 + 0.5, 1.5 + 0.25 - 1) = (1.5, 0.75), relu = h,
//                y = 2 * 1.5 - 0.5 * 0.75 + 0.125 = 2.75
// x = (1, 2):    h = (1 - 4 + 0.5, 0.5 + 0.5 - 1) = (-2.5, 0) -> relu (0, 0), y = b2 = 0.125
// x = (-1, -0.5): h = (-1 + 1 + 0.5, -0.5 - 0.125 - 1) = (0.5, -1.625) -> (0.5, 0), y = 1.125
static_assert(tiny.forward(Vector<double, 2>{{3.0, 1.0}})[0] == 2.75);
static_assert(tiny.forward(Vector<double, 2>{{1.0, 2.0}})[0] == 0.125);
static_assert(tiny.forward(Vector<double, 2>{{-1.0, -0.5}})[0] == 1.125);
static_assert(tiny.forward(std::array<double, 2>{-1.0, -0.5})[0] == 1.125);

// The same with LeakyReLU slope 1/4: the negative pre-activations now pass at a quarter.
// x = (1, 2): (-2.5, 0) -> (-0.625, 0), y = 2 * -0.625 + 0.125 = -1.125
// x = (-1, -0.5): (0.5, -1.625) -> (0.5, -0.40625), y = 1 + 0.203125 + 0.125 = 1.328125
using TinyLeaky = Network<double, Input<2>, Dense<2>, ctnet::LeakyReLU<std::ratio<1, 4>>, Dense<1>>;
constexpr TinyLeaky tiny_leaky = TinyLeaky::from_flat(tiny_flat);
static_assert(tiny_leaky.forward(Vector<double, 2>{{3.0, 1.0}})[0] == 2.75);
static_assert(tiny_leaky.forward(Vector<double, 2>{{1.0, 2.0}})[0] == -1.125);
static_assert(tiny_leaky.forward(Vector<double, 2>{{-1.0, -0.5}})[0] == 1.328125);

// In float, from a double array (from_flat converts each value).
using TinyFloat = Network<float, Input<2>, Dense<2>, ctnet::ReLU, Dense<1>>;
constexpr TinyFloat tiny_float = TinyFloat::from_flat(tiny_flat);
static_assert(tiny_float.forward(Vector<float, 2>{{3.0f, 1.0f}})[0] == 2.75f);
static_assert(tiny_float.forward(Vector<float, 2>{{-1.0f, -0.5f}})[0] == 1.125f);

// from_flat reads PyTorch's weight[out][in]: a bias-free linear layer maps the unit vector e_i
// to column i of W, i.e. flat[o * in + i] for each output o.
using Linear3to2 = Network<double, Input<3>, Dense<2, Bias::none>>;
constexpr double linear_flat[] = {1, 2, 3,    // W row 0
                                  4, 5, 6};   // W row 1
constexpr Linear3to2 linear = Linear3to2::from_flat(linear_flat);
static_assert(linear.forward(Vector<double, 3>{{0, 1, 0}}) == Vector<double, 2>{{2, 5}});
static_assert(linear.forward(Vector<double, 3>{{0, 0, 1}}) == Vector<double, 2>{{3, 6}});

// ---- to_flat(from_flat(a)) == a, with and without bias ----------------------------------------
template <class Net, std::size_t N>
constexpr bool round_trips(const std::array<typename Net::scalar, N>& flat) noexcept {
    return Net::from_flat(flat).to_flat() == flat;
}
template <class T, std::size_t N>
constexpr std::array<T, N> distinct_values() noexcept {  // 1, -2, 3, -4, ...: a permutation would show
    std::array<T, N> a{};
    for (std::size_t k = 0; k < N; ++k) a[k] = static_cast<T>(k % 2 == 0 ? int(k + 1) : -int(k + 1));
    return a;
}
static_assert(round_trips<Tiny>(distinct_values<double, 9>()));
using NoBias = Network<float, Input<3>, Dense<2, Bias::none>, ctnet::Sigmoid, Dense<4, Bias::none>>;
static_assert(NoBias::parameter_count == 3 * 2 + 2 * 4);
static_assert(round_trips<NoBias>(distinct_values<float, 14>()));
static_assert(round_trips<Long>(distinct_values<double, Long::parameter_count>()));
static_assert(round_trips<Seed>(distinct_values<float, 241>()));

// ---- batch forward == one forward per sample ------------------------------------------------
// In a constant expression the kernels run plain loops that treat each row of a batch exactly as
// a single sample, in the same order, so the results are equal, not just close. (At run time the
// SIMD kernels block batch 1 and batch B differently and may differ in the last bits.)
template <class Net, std::size_t B>
constexpr bool batch_matches_singles(const Net& net, const Matrix<typename Net::scalar, B, Net::in_size>& x) noexcept {
    const auto batch = net.forward(x);
    for (std::size_t b = 0; b < B; ++b) {
        Vector<typename Net::scalar, Net::in_size> row{};
        for (std::size_t i = 0; i < Net::in_size; ++i) row[i] = x(b, i);
        const auto single = net.forward(row);
        for (std::size_t o = 0; o < Net::out_size; ++o)
            if (!(single[o] == batch(b, o))) return false;
    }
    return true;
}
constexpr Matrix<double, 3, 2> tiny_batch{{3.0, 1.0, 1.0, 2.0, -1.0, -0.5}};
static_assert(batch_matches_singles(tiny, tiny_batch));
static_assert(batch_matches_singles(tiny_leaky, tiny_batch));
static_assert(tiny.forward(tiny_batch) == Matrix<double, 3, 1>{{2.75, 0.125, 1.125}});

// The seed model with PyTorch's weights (tests/data/forward.hpp), at compile time: B = 3 and
// B = 4 batches match single forwards exactly, and the outputs match torch's float32 forward
// within 1e-6 (the parity tolerance of tests/runtime/forward_parity.cpp).
namespace seed_ref = ctnet_ref::forward::seed;
constexpr Seed seed_model = Seed::from_flat(seed_ref::params);
template <std::size_t B>
constexpr Matrix<float, B, 10> seed_inputs() noexcept {
    Matrix<float, B, 10> x{};
    for (std::size_t b = 0; b < B; ++b)
        for (std::size_t i = 0; i < 10; ++i) x(b, i) = seed_ref::input[b][i];
    return x;
}
static_assert(batch_matches_singles(seed_model, seed_inputs<3>()));
static_assert(batch_matches_singles(seed_model, seed_inputs<4>()));
constexpr bool seed_matches_torch() noexcept {
    const auto y = seed_model.forward(seed_inputs<4>());
    for (std::size_t b = 0; b < 4; ++b) {
        const float diff = y(b, 0) - seed_ref::output_f32[b][0];
        if (!(diff <= 1e-6f && -diff <= 1e-6f)) return false;
    }
    return true;
}
static_assert(seed_matches_torch());

}  // namespace
