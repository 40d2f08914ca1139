// The model this firmware runs, chosen by the build: CTNET_FIRMWARE_MODEL_HEADER names a header
// written by tools/export_torch.py or ctnet::write_header, CTNET_FIRMWARE_MODEL_NAMESPACE its
// namespace (examples/firmware/CMakeLists.txt sets both).
#pragma once

#include <cstddef>
#include <type_traits>

#include <ctnet/stack.hpp>

#include CTNET_FIRMWARE_MODEL_HEADER

namespace firmware {

namespace exported = CTNET_FIRMWARE_MODEL_NAMESPACE;
using Model = exported::Model;
using Scalar = Model::scalar;
using Input = ctnet::Vector<Scalar, Model::in_size>;
using Output = ctnet::Vector<Scalar, Model::out_size>;

// The Cortex-M4's FPU is single precision: a double model would run in software.
static_assert(std::is_same_v<Scalar, float>, "ctnet: the firmware example runs float models; export with --scalar float");

/// The stack bytes run_model may use, known at compile time (ctnet::forward_stack_bound).
inline constexpr std::size_t stack_bound = ctnet::forward_stack_bound<Model>;

/// y = model(x): the whole inference, on the caller's stack, reading the parameters from flash.
/// Defined in inference.cpp and never inlined, so its stack use is measured alone.
void run_model(const Input& x, Output& y) noexcept;

}  // namespace firmware
