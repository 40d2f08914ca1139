// write_header refuses a layer it cannot spell inside a residual block too, with the same one
// message, and its note names the layer inside the block (MyReLU), not the block.
// expect: ctnet: write_header cannot spell this layer in a header; specialise ctnet::layer_name<Layer>
#include <cstddef>

#include <ctnet/export.hpp>

namespace {

/// A user's own activation: a ReLU under another name, unknown to the exporter.
struct MyReLU {
    template <class T, std::size_t In>
    using bind = ctnet::detail::ActivationLayer<ctnet::ReLU, T, In>;
};

#ifdef CTNET_FAIL
using Activation = MyReLU;
#else
using Activation = ctnet::ReLU;
#endif
using Net = ctnet::Network<float, ctnet::Input<2>, ctnet::Dense<3>, ctnet::BatchNorm<>,
                           ctnet::ProjectedResidual<ctnet::Residual<ctnet::Dense<3>, Activation>, ctnet::Dense<1>>>;

constexpr std::size_t header_length() {
    std::size_t length = 0;
    const Net net{};
    (void)ctnet::write_header([&length](const char*, std::size_t n) { length += n; }, net);
    return length;
}

}  // namespace

int main() { return header_length() > 0 ? 0 : 1; }
