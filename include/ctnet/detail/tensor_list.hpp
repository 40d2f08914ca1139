// A network's trainable tensors as a list built at run time: what the passes over all of them
// (the gradient norm, the finiteness test, clipping, the optimizers' updates) loop over.
#pragma once

#include <array>
#include <cstddef>
#include <type_traits>

#include <ctnet/kernels/elementwise.hpp>

namespace ctnet::detail {

/// The number of trainable tensors of Net. Called with no Parameters objects, for_each_tensor
/// calls f() once per tensor: each layer's `f(ps.tensor...)` expands to `f()` (the layer
/// concept's rule, layer.hpp). The lists below never write past this count.
template <class Net>
inline constexpr std::size_t tensor_count = [] {
    std::size_t n = 0;
    Net::for_each_tensor([&n]() noexcept { ++n; });
    return n;
}();

/// The tensors of `tensors` (a Parameters or Gradients object of Net, const or not) in
/// for_each_tensor's order, each as its values and their count.
///
/// Why a list: a pass written as a for_each_tensor visitor is code per tensor in every network,
/// and the shape-generic loop it calls is one call per tensor. Over a list each pass is one
/// function per scalar type, called once per network, and each network contributes only the
/// few stores that fill its list. Counted with cachegrind on bench/compile_cost/topologies.cpp,
/// g++ -O3: the norm, the finiteness test and the SGD update as visitors were about a tenth of
/// the compiler's instructions.
template <class Net, class G>
[[nodiscard]] constexpr auto tensor_refs(G& tensors) noexcept {
    using T = std::conditional_t<std::is_const_v<G>, const typename Net::scalar, typename Net::scalar>;
    std::array<kernels::TensorRef<T>, tensor_count<Net>> list{};
    std::size_t i = 0;
    Net::for_each_tensor(
        [&](auto& tensor) noexcept {
            if (i < list.size()) list[i] = {tensor.data, std::remove_cvref_t<decltype(tensor)>::size};
            ++i;
        },
        tensors);
    return list;
}

/// A parameter tensor with its gradient and up to two tensors of an optimizer's state of the
/// same shape (SGD's velocity, Adam's two moments; null where unused): one update's operands.
template <class T>
struct UpdateRef {
    T* parameter;
    const T* gradient;
    T* state1;
    T* state2;
    std::size_t size;
};

/// The tensors of `params`, `grads` and zero to two optimizer states (each a Parameters object of
/// Net) side by side, in for_each_tensor's order.
template <class Net, class... States>
[[nodiscard]] constexpr std::array<UpdateRef<typename Net::scalar>, tensor_count<Net>> update_refs(
    typename Net::Parameters& params, const typename Net::Gradients& grads, States&... states) noexcept {
    static_assert(sizeof...(States) <= 2, "ctnet: an update takes at most two state tensors per parameter");
    std::array<UpdateRef<typename Net::scalar>, tensor_count<Net>> list{};
    std::size_t i = 0;
    Net::for_each_tensor(
        [&](auto& p, const auto& g, auto&... s) noexcept {
            typename Net::scalar* state[] = {s.data..., nullptr, nullptr};
            if (i < list.size()) list[i] = {p.data, g.data, state[0], state[1], std::remove_cvref_t<decltype(p)>::size};
            ++i;
        },
        params, grads, states...);
    return list;
}

}  // namespace ctnet::detail
