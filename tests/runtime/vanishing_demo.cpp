// The flagship demo at a small size: the measured gradient ratios are ordered as the theory says.
#include <catch2/catch.hpp>

#include "../../examples/vanishing_gradients.hpp"

TEST_CASE("vanishing-gradient demo: measured first/last gradient ratios are ordered as the document says",
          "[demo][diagnostics]") {
    constexpr std::size_t depth = 8;
    const auto o = vanishing::run_all<depth>(96, /*verbose=*/false);
    const auto& sigmoid = o[0];
    const auto& tanh = o[1];
    const auto& relu = o[2];
    const auto& batch_norm = o[3];
    const auto& residual = o[4];
    const auto& exploding = o[5];
    const auto& clipped = o[6];
    INFO("ratios: sigmoid " << sigmoid.ratio << ", tanh " << tanh.ratio << ", relu " << relu.ratio << ", batchnorm "
                            << batch_norm.ratio << ", residual " << residual.ratio);

    // Sigmoid's first-layer gradient is orders of magnitude below ReLU's (0.25 per layer at best).
    CHECK(sigmoid.ratio < relu.ratio * 1e-3);
    CHECK(sigmoid.first_norm < relu.first_norm * 1e-3);
    // Tanh (f' up to 1) vanishes far less than sigmoid.
    CHECK(tanh.ratio > sigmoid.ratio * 1e3);
    // BatchNorm and residual connections restore the flow through the same sigmoid stack.
    CHECK(batch_norm.ratio > sigmoid.ratio * 1e3);
    CHECK(residual.ratio > sigmoid.ratio * 1e3);
    // The over-scaled ReLU stack explodes: its gradients dwarf the He-initialised one's.
    CHECK(exploding.first_norm > relu.first_norm * 10);
    CHECK(exploding.last_norm > relu.last_norm * 10);
    // Clipping bounds what reaches the optimizer, and keeps every step finite.
    CHECK(clipped.largest_update_norm <= vanishing::clip_max_norm * (1 + 1e-5));
    CHECK(exploding.largest_update_norm > 10 * vanishing::clip_max_norm);
    CHECK(clipped.refused_steps == 0);
    CHECK(clipped.final_loss < clipped.initial_loss);
}
