// The ctnet umbrella header: includes every public header and defines nothing.
#pragma once

#include <ctnet/clip.hpp>
#include <ctnet/diagnostics.hpp>
#include <ctnet/gradient_check.hpp>
#include <ctnet/init.hpp>
#include <ctnet/input.hpp>
#include <ctnet/layer.hpp>
#include <ctnet/layers/activation.hpp>
#include <ctnet/layers/activations.hpp>
#include <ctnet/layers/batch_norm.hpp>
#include <ctnet/layers/dense.hpp>
#include <ctnet/layers/residual.hpp>
#include <ctnet/layers/softmax.hpp>
#include <ctnet/losses.hpp>
#include <ctnet/math.hpp>
#include <ctnet/matrix.hpp>
#include <ctnet/network.hpp>
#include <ctnet/optimizers.hpp>
#include <ctnet/status.hpp>
#include <ctnet/train.hpp>
