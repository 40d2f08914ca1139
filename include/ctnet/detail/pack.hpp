// ctnet::detail::Pack: a trivially copyable aggregate holding one value per index.
#pragma once

#include <cstddef>
#include <utility>

namespace ctnet::detail {

/// One slot of a Pack. The index keeps two slots of the same type distinct; empty slots (the
/// parameters of an activation, a boundary the backward pass does not need) take no storage.
template <std::size_t Index, class T>
struct PackSlot {
    [[no_unique_address]] T value;
};

template <class Indices, class... Ts>
struct PackBase;

template <std::size_t... Indices, class... Ts>
struct PackBase<std::index_sequence<Indices...>, Ts...> : PackSlot<Indices, Ts>... {};

/// A heterogeneous, fixed-size record: `Pack<A, B, C>` holds an A, a B and a C contiguously.
/// Unlike std::tuple it is an aggregate and trivially copyable whenever its members are, so a
/// Pack of parameters can be a `constexpr` object in read-only memory and be copied as bytes.
template <class... Ts>
struct Pack : PackBase<std::index_sequence_for<Ts...>, Ts...> {
    static constexpr std::size_t count = sizeof...(Ts);

    template <std::size_t Index>
    [[nodiscard]] constexpr auto& get() noexcept {
        return slot<Index>(*this).value;
    }
    template <std::size_t Index>
    [[nodiscard]] constexpr const auto& get() const noexcept {
        return slot<Index>(*this).value;
    }

    friend constexpr bool operator==(const Pack&, const Pack&) noexcept = default;

private:
    template <std::size_t Index, class T>
    static constexpr PackSlot<Index, T>& slot(PackSlot<Index, T>& s) noexcept {
        return s;
    }
    template <std::size_t Index, class T>
    static constexpr const PackSlot<Index, T>& slot(const PackSlot<Index, T>& s) noexcept {
        return s;
    }
};

}  // namespace ctnet::detail
