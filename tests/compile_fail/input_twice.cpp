// Rule: a topology has exactly one Input (detail/topology.hpp, reject_missing_input). The
// failing build puts a second Input<20> where ReLU was.
// expect: ctnet: a topology starts with exactly one ctnet::Input<width>; put Input<width> first
#include <ctnet/ctnet.hpp>

#ifdef CTNET_FAIL
using Middle = ctnet::Input<20>;
#else
using Middle = ctnet::ReLU;
#endif

using Model = ctnet::Network<float, ctnet::Input<10>, ctnet::Dense<20>, Middle, ctnet::Dense<1>>;

inline auto predict(const Model& model, const ctnet::Vector<float, 10>& x) { return model.forward(x); }
