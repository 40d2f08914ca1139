// ctnet::Status: the result of every run-time operation that can refuse its input.
#pragma once

namespace ctnet {

/// What a run-time operation did. Anything but `ok` means the operation changed nothing: the
/// network, its gradients and its optimizer state are exactly as they were before the call.
enum class Status : unsigned char {
    ok = 0,
    size_mismatch,        ///< a flat array or byte span has the wrong length for this network
    non_finite_input,     ///< NaN or infinity in the data handed in (weights, inputs, targets)
    non_finite_loss,      ///< the loss came out NaN or infinite; no update was made
    non_finite_gradient,  ///< a gradient was NaN or infinite; no update was made
    invalid_argument,     ///< a hyper-parameter outside its domain (negative learning rate, ...)
};

/// A short, stable English name for a Status value.
[[nodiscard]] constexpr const char* to_string(Status status) noexcept {
    switch (status) {
        case Status::ok: return "ok";
        case Status::size_mismatch: return "size mismatch";
        case Status::non_finite_input: return "non-finite input";
        case Status::non_finite_loss: return "non-finite loss";
        case Status::non_finite_gradient: return "non-finite gradient";
        case Status::invalid_argument: return "invalid argument";
    }
    return "unknown status";
}

}  // namespace ctnet
