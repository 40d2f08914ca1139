// The firmware's host twin: the same model, inference code and report, compiled for the build
// machine; it also prints PyTorch's outputs from the reference header. firmware.py compares the
// three: firmware (QEMU), host, PyTorch.
#include <cstddef>
#include <cstdio>

#include <ctnet/export.hpp>

#include "model.hpp"
#include "report.hpp"

int main() {
    auto sink = [](const char* text, std::size_t length) { std::fwrite(text, 1, length, stdout); };
    ctnet::TextWriter out(sink);
    firmware::print_banner(out, CTNET_FIRMWARE_MODEL_NAME);
    for (std::size_t s = 0; s < firmware::reference::samples; ++s) {
        firmware::Output y{};
        firmware::run_model(firmware::reference_input(s), y);
        for (std::size_t o = 0; o < firmware::Model::out_size; ++o) {
            firmware::print_value(out, "y", s, o, y[o]);
            firmware::print_value(out, "torch", s, o, firmware::reference::output_torch[s][o]);
            firmware::print_value(out, "torch_f64", s, o, firmware::reference::output_f64[s][o]);
        }
    }
    out.text("ctnet-firmware: end\n");
    return std::fflush(stdout) == 0 ? 0 : 1;
}
