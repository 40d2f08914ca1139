// ctnet::detail::check_topology: every cross-layer rule of a topology, one diagnostic each.
#pragma once

#include <concepts>
#include <cstddef>
#include <type_traits>

#include <ctnet/input.hpp>
#include <ctnet/layer.hpp>

namespace ctnet::detail {

template <class...>
inline constexpr bool dependent_false = false;

/// Carriers: each rejects one mistake. They are function templates so the compiler's
/// "in instantiation of ... [with ...]" note names the offending type or number.
template <class Scalar>
constexpr void reject_scalar() noexcept {
    static_assert(dependent_false<Scalar>,
                  "ctnet: the network scalar must be a floating-point type; use float or double");
}
template <class... Topology>
constexpr void reject_missing_input() noexcept {
    static_assert(dependent_false<Topology...>,
                  "ctnet: a topology starts with exactly one ctnet::Input<width>; put Input<width> first");
}
template <class Input>
constexpr void reject_zero_input() noexcept {
    static_assert(dependent_false<Input>, "ctnet: Input<0> has no inputs; give Input a width of at least 1");
}
template <class Input>
constexpr void reject_no_layers() noexcept {
    static_assert(dependent_false<Input>,
                  "ctnet: the network has no layers; add at least one layer after Input, e.g. Dense<1>");
}
template <class NotALayer>
constexpr void reject_non_layer() noexcept {
    static_assert(dependent_false<NotALayer>,
                  "ctnet: a type in the topology is not a layer; use ctnet layers such as Dense<N> or ReLU "
                  "(the note below names the type)");
}

/// A layer description whose own static_assert already rejected it (Dense<0>, a LeakyReLU slope
/// outside [0, 1)) says `valid = false`; the network then stops without adding errors.
template <class D>
constexpr bool description_valid() noexcept {
    if constexpr (requires { D::valid; }) {
        return D::valid;
    } else {
        return true;
    }
}

template <class D, class... Ds>
struct FirstOf {
    using type = D;
};

/// The first description that is not a layer (void if all are).
template <class... Ds>
struct FirstNonLayer {
    using type = void;
};
template <class D, class... Ds>
struct FirstNonLayer<D, Ds...> {
    using type = std::conditional_t<LayerDescription<D>, typename FirstNonLayer<Ds...>::type, D>;
};

/// The rules on the layers after Input.
template <class InputD, class... Layers>
constexpr bool check_layers() noexcept {
    using non_layer = typename FirstNonLayer<Layers...>::type;
    if constexpr (!std::is_void_v<non_layer>) {
        reject_non_layer<non_layer>();
        return false;
    } else {
        return (description_valid<Layers>() && ...);
    }
}

/// True if `Network<T, Ds...>` is well formed. On the first broken rule it instantiates that
/// rule's carrier, which fails with one `ctnet: ...` message, and stops checking.
template <class T, class... Ds>
constexpr bool check_topology() noexcept {
    if constexpr (!std::floating_point<T>) {
        reject_scalar<T>();
        return false;
    } else if constexpr (sizeof...(Ds) == 0) {
        reject_missing_input<T, Ds...>();
        return false;
    } else {
        using first = typename FirstOf<Ds...>::type;
        constexpr std::size_t inputs = (std::size_t{0} + ... + (is_input_v<Ds> ? 1 : 0));
        if constexpr (!is_input_v<first> || inputs != 1) {
            reject_missing_input<Ds...>();
            return false;
        } else if constexpr (first::size == 0) {
            reject_zero_input<first>();
            return false;
        } else if constexpr (sizeof...(Ds) == 1) {
            reject_no_layers<first>();
            return false;
        } else {
            return check_layers<Ds...>();
        }
    }
}

}  // namespace ctnet::detail
