// Rule: forward takes exactly in_size values per sample (network.hpp, reject_input_width).
// The failing build passes a Vector<float, 9> to a network whose Input is 10 wide.
// expect: ctnet: the input passed to forward has the wrong width; pass Vector<T, in_size>
#include <cstddef>

#include <ctnet/ctnet.hpp>

using Model = ctnet::Network<float, ctnet::Input<10>, ctnet::Dense<20>, ctnet::ReLU, ctnet::Dense<1>>;

#ifdef CTNET_FAIL
inline constexpr std::size_t width = 9;
#else
inline constexpr std::size_t width = 10;
#endif

inline auto predict(const Model& model, const ctnet::Vector<float, width>& x) { return model.forward(x); }
