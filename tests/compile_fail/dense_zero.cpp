// Rule: a Dense layer has at least one output (layers/dense.hpp). The network then stops
// checking (Dense<0>::valid is false), so this is the only error.
// expect: ctnet: Dense<0> has no outputs; give Dense a width of at least 1
#include <cstddef>

#include <ctnet/ctnet.hpp>

#ifdef CTNET_FAIL
inline constexpr std::size_t hidden = 0;
#else
inline constexpr std::size_t hidden = 20;
#endif

using Model = ctnet::Network<float, ctnet::Input<10>, ctnet::Dense<hidden>, ctnet::ReLU, ctnet::Dense<1>>;

inline auto predict(const Model& model, const ctnet::Vector<float, 10>& x) { return model.forward(x); }
