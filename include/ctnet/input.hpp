// ctnet::Input: the first entry of every topology, giving the input width.
#pragma once

#include <cstddef>

namespace ctnet {

/// The width of a network's input: `Network<float, Input<10>, ...>` takes vectors of 10 values.
template <std::size_t Width>
struct Input {
    static constexpr std::size_t size = Width;
};

template <class D>
inline constexpr bool is_input_v = false;
template <std::size_t Width>
inline constexpr bool is_input_v<Input<Width>> = true;

}  // namespace ctnet
