// The layers inside a Residual must give back their input width (else: ProjectedResidual).
// expect: ctnet: the layers inside Residual must give back their input width
#include <ctnet/ctnet.hpp>

#ifdef CTNET_FAIL
constexpr std::size_t inner_width = 15;
#else
constexpr std::size_t inner_width = 16;
#endif

using Net = ctnet::Network<float, ctnet::Input<16>, ctnet::Residual<ctnet::Dense<32>, ctnet::ReLU, ctnet::Dense<inner_width>>,
                           ctnet::Dense<1>>;
static_assert(Net::in_size == 16);
