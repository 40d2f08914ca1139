// ctnet::forward_target: which code a batch-1 Network::forward runs (see kernels/dispatch.hpp).
#pragma once

#include <ctnet/kernels/dispatch.hpp>

namespace ctnet {

/// The code a batch-1 Network::forward can run.
enum class ForwardTarget {
    compiled,   ///< the code of the compiler's target (no dispatch, or a processor without AVX2 and FMA)
    avx2_fma    ///< the dispatched copy for AVX2 and FMA (kernels/dispatch.hpp)
};

/// Which code a batch-1 Network::forward runs on this processor in this program.
[[nodiscard]] inline ForwardTarget forward_target() noexcept {
    return kernels::dispatch_available() ? ForwardTarget::avx2_fma : ForwardTarget::compiled;
}

}  // namespace ctnet
