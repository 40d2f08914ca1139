// Rule: Input comes first (detail/topology.hpp, reject_missing_input). The failing build
// swaps Input<10> and the first Dense.
// expect: ctnet: a topology starts with exactly one ctnet::Input<width>; put Input<width> first
#include <ctnet/ctnet.hpp>

#ifdef CTNET_FAIL
using Model = ctnet::Network<float, ctnet::Dense<20>, ctnet::Input<10>, ctnet::ReLU, ctnet::Dense<1>>;
#else
using Model = ctnet::Network<float, ctnet::Input<10>, ctnet::Dense<20>, ctnet::ReLU, ctnet::Dense<1>>;
#endif

inline auto predict(const Model& model, const ctnet::Vector<float, 10>& x) { return model.forward(x); }
