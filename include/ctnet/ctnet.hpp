// The ctnet umbrella header: includes every public header and defines nothing.
#pragma once

#include <ctnet/input.hpp>
#include <ctnet/layer.hpp>
#include <ctnet/layers/activation.hpp>
#include <ctnet/layers/activations.hpp>
#include <ctnet/layers/dense.hpp>
#include <ctnet/layers/softmax.hpp>
#include <ctnet/math.hpp>
#include <ctnet/matrix.hpp>
#include <ctnet/network.hpp>
#include <ctnet/status.hpp>
