// Rule: a topology starts with an Input<width> (detail/topology.hpp, reject_missing_input).
// The failing build starts with the first layer instead.
// expect: ctnet: a topology starts with exactly one ctnet::Input<width>; put Input<width> first
#include <ctnet/ctnet.hpp>

#ifdef CTNET_FAIL
using First = ctnet::Dense<20>;
#else
using First = ctnet::Input<10>;
#endif

using Model = ctnet::Network<float, First, ctnet::Dense<20>, ctnet::ReLU, ctnet::Dense<1>>;

inline auto predict(const Model& model, const ctnet::Vector<float, 10>& x) { return model.forward(x); }
