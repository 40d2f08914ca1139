// Rule: LeakyReLU's slope lies in [0, 1) (layers/activations.hpp). The failing build asks for
// 3/2. The network then stops checking (LeakyReLU::valid is false): one error.
// expect: ctnet: LeakyReLU slope must lie in .0, 1.; use a ratio such as std::ratio<1, 100>
#include <ratio>

#include <ctnet/ctnet.hpp>

#ifdef CTNET_FAIL
using Slope = std::ratio<3, 2>;
#else
using Slope = std::ratio<1, 2>;
#endif

using Model = ctnet::Network<float, ctnet::Input<10>, ctnet::Dense<20>, ctnet::LeakyReLU<Slope>, ctnet::Dense<1>>;

inline auto predict(const Model& model, const ctnet::Vector<float, 10>& x) { return model.forward(x); }
