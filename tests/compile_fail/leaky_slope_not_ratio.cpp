// Rule: LeakyReLU takes its slope as a std::ratio (layers/activations.hpp); a plain type is
// refused with a hint, and the network stops checking.
// expect: ctnet: LeakyReLU takes its slope as a std::ratio; write LeakyReLU<std::ratio<1, 100>>
#include <ratio>

#include <ctnet/ctnet.hpp>

#ifdef CTNET_FAIL
using Slope = float;
#else
using Slope = std::ratio<1, 100>;
#endif

using Model = ctnet::Network<float, ctnet::Input<10>, ctnet::Dense<20>, ctnet::LeakyReLU<Slope>, ctnet::Dense<1>>;

inline auto predict(const Model& model, const ctnet::Vector<float, 10>& x) { return model.forward(x); }
