// Rule: from_flat takes exactly parameter_count values (network.hpp, reject_flat_size). The
// failing build passes 240 values to the 241-parameter seed model.
// expect: ctnet: the flat parameter array has the wrong length; pass parameter_count values in PyTorch state_dict order
#include <array>
#include <cstddef>

#include <ctnet/ctnet.hpp>

using Model = ctnet::Network<float, ctnet::Input<10>, ctnet::Dense<20>, ctnet::ReLU, ctnet::Dense<1>>;

#ifdef CTNET_FAIL
inline constexpr std::size_t count = 240;
#else
inline constexpr std::size_t count = 241;
#endif

inline Model load(const std::array<float, count>& flat) { return Model::from_flat(flat); }
