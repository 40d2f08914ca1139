// Compiles the header tests/export/host_trained.cpp wrote (test export.host_trained.write): the
// header's own static_assert re-checks the model, and the asserts below check, at compile time,
// that the shipped model still computes XOR.
#include "xor_model.hpp"

namespace {

constexpr float predict(float a, float b) { return xor_model::model.forward(ctnet::Vector<float, 2>{{a, b}})[0]; }

static_assert(predict(0, 0) < 0.5f);
static_assert(predict(0, 1) > 0.5f);
static_assert(predict(1, 0) > 0.5f);
static_assert(predict(1, 1) < 0.5f);

}  // namespace
