// ctnet::detail::Pack: a trivially copyable aggregate holding one value per index.
#pragma once

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

namespace ctnet::detail {

/// One stored value of a Pack: slot J of its storage.
template <std::size_t J, class T>
struct PackLeaf {
    T value;
    friend constexpr bool operator==(const PackLeaf&, const PackLeaf&) noexcept = default;
};

/// The non-empty values of a Pack, one base per value. A value is reached with one cast to its
/// base, not by recursing through nested members: the old nested layout instantiated one
/// accessor per level for every (Pack, index), hundreds per network, all compiled and inlined
/// away again.
template <class Seq, class... Ts>
struct PackStore;
template <std::size_t... J, class... Ts>
struct PackStore<std::index_sequence<J...>, Ts...> : PackLeaf<J, Ts>... {
    friend constexpr bool operator==(const PackStore&, const PackStore&) noexcept = default;
};

/// PackStore of the non-empty types among Ts (accumulated in Acc).
template <class... Ts>
struct TypeList {};
template <class Acc, class... Ts>
struct NonEmptyStore;
template <class... Acc>
struct NonEmptyStore<TypeList<Acc...>> {
    using type = PackStore<std::index_sequence_for<Acc...>, Acc...>;
};
template <class... Acc, class T, class... Ts>
struct NonEmptyStore<TypeList<Acc...>, T, Ts...> {
    using type = typename NonEmptyStore<std::conditional_t<std::is_empty_v<T>, TypeList<Acc...>, TypeList<Acc..., T>>,
                                        Ts...>::type;
};

/// The one instance handed out for every empty slot of type T: an empty type has no state, so
/// sharing it is unobservable, and it can be named in constant expressions.
template <class T>
struct EmptyInstance {
    inline static T value{};
};

/// A heterogeneous, fixed-size record: `Pack<A, B, C>` holds an A, a B and a C contiguously.
/// Unlike std::tuple it is an aggregate and trivially copyable whenever its members are, so a
/// Pack of parameters can be a `constexpr` object in read-only memory and be copied as bytes.
///
/// Empty values (an activation's parameters, a boundary backward does not read) take no
/// storage, and a Pack of only empty values is itself empty. This is done by leaving them out of
/// the store (one non-empty base per stored value), not with empty bases or
/// [[no_unique_address]]: GCC 12 crashes (internal compiler error in verify_ctor_sanity)
/// evaluating constant expressions over either; revisit without GCC 12.
template <bool HasData, class... Ts>
struct PackImpl;

template <class... Ts>
using Pack = PackImpl<(!std::is_empty_v<Ts> || ...), Ts...>;

template <class... Ts>
struct PackImpl<true, Ts...> {
    static constexpr std::size_t count = sizeof...(Ts);
    typename NonEmptyStore<TypeList<>, Ts...>::type store;

    template <std::size_t Index>
    [[nodiscard]] constexpr auto& get() noexcept {
        using T = std::tuple_element_t<Index, std::tuple<Ts...>>;
        if constexpr (std::is_empty_v<T>) {
            return EmptyInstance<T>::value;
        } else {
            return static_cast<PackLeaf<storage_index<Index>(), T>&>(store).value;
        }
    }
    template <std::size_t Index>
    [[nodiscard]] constexpr const auto& get() const noexcept {
        using T = std::tuple_element_t<Index, std::tuple<Ts...>>;
        if constexpr (std::is_empty_v<T>) {
            return std::as_const(EmptyInstance<T>::value);
        } else {
            return static_cast<const PackLeaf<storage_index<Index>(), T>&>(store).value;
        }
    }

    friend constexpr bool operator==(const PackImpl&, const PackImpl&) noexcept = default;

private:
    /// Position of slot Index among the non-empty slots.
    template <std::size_t Index>
    static constexpr std::size_t storage_index() noexcept {
        constexpr bool empty[] = {std::is_empty_v<Ts>...};
        std::size_t position = 0;
        for (std::size_t k = 0; k < Index; ++k) position += empty[k] ? 0 : 1;
        return position;
    }
};

template <class... Ts>
struct PackImpl<false, Ts...> {
    static constexpr std::size_t count = sizeof...(Ts);

    template <std::size_t Index>
    [[nodiscard]] constexpr auto& get() noexcept {
        return EmptyInstance<std::tuple_element_t<Index, std::tuple<Ts...>>>::value;
    }
    template <std::size_t Index>
    [[nodiscard]] constexpr const auto& get() const noexcept {
        return std::as_const(EmptyInstance<std::tuple_element_t<Index, std::tuple<Ts...>>>::value);
    }

    friend constexpr bool operator==(const PackImpl&, const PackImpl&) noexcept = default;
};

}  // namespace ctnet::detail
