// Rule: train_step clips with ctnet::NoClipping, ClipByValue or ClipByNorm (train.hpp); any other
// type would silently clip nothing. The failing build passes a look-alike struct of its own.
// expect: ctnet: train_step's clipping is not one of ctnet's; pass ctnet::NoClipping, ctnet::ClipByValue or ctnet::ClipByNorm
#include <ctnet/ctnet.hpp>

using Model = ctnet::Network<float, ctnet::Input<2>, ctnet::Dense<3>, ctnet::Tanh, ctnet::Dense<1>>;

#ifdef CTNET_FAIL
struct ClipByValue {
    double clip_value = 0.5;
};
#else
using ctnet::ClipByValue;
#endif

inline ctnet::Status step(Model& model, ctnet::SGD<Model>& sgd, const ctnet::Vector<float, 2>& x,
                          const ctnet::Vector<float, 1>& target) {
    return ctnet::train_step(model, sgd, ctnet::MSE{}, x, target, ClipByValue{0.5}).status;
}
