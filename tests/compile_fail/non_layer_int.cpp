// Rule: every type after Input is a layer description (detail/topology.hpp, reject_non_layer).
// The failing build puts `int` where ReLU was.
// expect: ctnet: a type in the topology is not a layer; use ctnet layers such as Dense<N> or ReLU
#include <ctnet/ctnet.hpp>

#ifdef CTNET_FAIL
using Activation = int;
#else
using Activation = ctnet::ReLU;
#endif

using Model = ctnet::Network<float, ctnet::Input<10>, ctnet::Dense<20>, Activation, ctnet::Dense<1>>;

inline auto predict(const Model& model, const ctnet::Vector<float, 10>& x) { return model.forward(x); }
