// Rule: the network scalar is a floating-point type (detail/topology.hpp, reject_scalar).
// expect: ctnet: the network scalar must be a floating-point type; use float or double
#include <ctnet/ctnet.hpp>

#ifdef CTNET_FAIL
using Scalar = int;
#else
using Scalar = float;
#endif

using Model = ctnet::Network<Scalar, ctnet::Input<10>, ctnet::Dense<20>, ctnet::ReLU, ctnet::Dense<1>>;

inline auto predict(const Model& model, const ctnet::Vector<float, 10>& x) { return model.forward(x); }
