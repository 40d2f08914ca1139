// Rule: every type after Input is a layer description (detail/topology.hpp, reject_non_layer):
// an empty struct that is not a layer (no bind<T, In>) is refused too.
// expect: ctnet: a type in the topology is not a layer; use ctnet layers such as Dense<N> or ReLU
#include <ctnet/ctnet.hpp>

struct MyActivation {};  // a user's type that does not follow the layer protocol

#ifdef CTNET_FAIL
using Activation = MyActivation;
#else
using Activation = ctnet::ReLU;
#endif

using Model = ctnet::Network<float, ctnet::Input<10>, ctnet::Dense<20>, Activation, ctnet::Dense<1>>;

inline auto predict(const Model& model, const ctnet::Vector<float, 10>& x) { return model.forward(x); }
