// Rule: Input has a width of at least 1 (detail/topology.hpp, reject_zero_input).
// expect: ctnet: Input<0> has no inputs; give Input a width of at least 1
#include <cstddef>

#include <ctnet/ctnet.hpp>

#ifdef CTNET_FAIL
inline constexpr std::size_t width = 0;
#else
inline constexpr std::size_t width = 10;
#endif

using Model = ctnet::Network<float, ctnet::Input<width>, ctnet::Dense<20>, ctnet::ReLU, ctnet::Dense<1>>;

inline auto predict(const Model& model, const ctnet::Vector<float, 10>& x) { return model.forward(x); }
