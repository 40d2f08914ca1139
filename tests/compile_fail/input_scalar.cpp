// Rule: the input's scalar type is the network's (network.hpp, reject_input_scalar); ctnet does
// not convert silently. The failing build passes doubles to a float network.
// expect: ctnet: the input's scalar type is not the network's; convert the input to the network scalar
#include <ctnet/ctnet.hpp>

using Model = ctnet::Network<float, ctnet::Input<10>, ctnet::Dense<20>, ctnet::ReLU, ctnet::Dense<1>>;

#ifdef CTNET_FAIL
using InputScalar = double;
#else
using InputScalar = float;
#endif

inline auto predict(const Model& model, const ctnet::Vector<InputScalar, 10>& x) { return model.forward(x); }
