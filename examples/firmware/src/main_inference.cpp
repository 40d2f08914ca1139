// Inference-only firmware, the one the footprint table measures: read a sensor vector, run the
// model, write the result; no printing, no C library beyond what the compiler emits.
#include <cstddef>

#include "model.hpp"

// Memory-mapped in a real device (an ADC's DMA buffer, a PWM register); volatile here so the
// compiler cannot fold the constant model and a known input into a constant result.
volatile float sensor[firmware::Model::in_size];
volatile float actuator[firmware::Model::out_size];

extern "C" int firmware_main() noexcept {
    firmware::Input x;
    for (std::size_t i = 0; i < firmware::Model::in_size; ++i) x[i] = sensor[i];
    firmware::Output y;
    firmware::run_model(x, y);
    for (std::size_t o = 0; o < firmware::Model::out_size; ++o) actuator[o] = y[o];
    return 0;
}
