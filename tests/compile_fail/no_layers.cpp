// Rule: a network has at least one layer after Input (detail/topology.hpp, reject_no_layers).
// The failing build leaves only Input<10>.
// expect: ctnet: the network has no layers; add at least one layer after Input, e.g. Dense<1>
#include <ctnet/ctnet.hpp>

template <class... Layers>
using Model = ctnet::Network<float, ctnet::Input<10>, Layers...>;

#ifdef CTNET_FAIL
using Net = Model<>;
#else
using Net = Model<ctnet::Dense<1>>;
#endif

inline auto predict(const Net& model, const ctnet::Vector<float, 10>& x) { return model.forward(x); }
