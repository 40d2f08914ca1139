// seed_model.hpp: a ctnet model exported from PyTorch by tools/export_torch.py. Do not edit.
// Source: examples/firmware/model/seed.pt (TorchScript; torch 1.13.0a0).
// check_output: PyTorch's forward pass of the source on check_input, in float.
// Regenerate: /usr/bin/python3 tools/export_torch.py examples/firmware/model/seed.pt -o examples/firmware/model/seed_model.hpp
#pragma once

#include <cstddef>

#include <ctnet/ctnet.hpp>

namespace seed_model {

// PyTorch: Sequential(Linear(10, 20), ReLU(), Linear(20, 1))
using Model = ctnet::Network<float, ctnet::Input<10>, ctnet::Dense<20>, ctnet::ReLU, ctnet::Dense<1>>;

// The 241 parameters in PyTorch state_dict order (per layer: weight [out][in] row-major, then bias).
inline constexpr float parameters[241] = {
    -0x1.36517ap-9f, 0x1.5b6b5ap-3f, -0x1.0a8426p-2f, -0x1.dc9e96p-3f, -0x1.f2e0e4p-4f,
    0x1.5b55fep-4f, -0x1.9a9d46p-8f, 0x1.00c054p-2f, -0x1.cbca24p-6f, 0x1.56be92p-4f,
    -0x1.87727cp-4f, -0x1.fd35c8p-5f, -0x1.355bbap-2f, -0x1.aceaaep-3f, -0x1.0af84ap-3f,
    0x1.7fd9e2p-7f, 0x1.00085ep-3f, 0x1.84986ep-3f, -0x1.b70edap-3f, -0x1.1a054ep-3f,
    0x1.d676bep-4f, 0x1.0ce4d8p-2f, -0x1.0a910ap-4f, 0x1.e4a1eap-3f, -0x1.a18d34p-5f,
    0x1.121d8cp-5f, 0x1.253574p-2f, -0x1.2c654ap-2f, -0x1.97b5ep-3f, -0x1.47eac6p-4f,
    -0x1.f8e55p-4f, 0x1.17c742p-2f, -0x1.a3c892p-3f, -0x1.2a20ap-3f, -0x1.c476b2p-3f,
    -0x1.2f464cp-2f, -0x1.7a0ceap-3f, 0x1.165a48p-2f, 0x1.20fc84p-3f, 0x1.39e402p-3f,
    0x1.107b1ap-6f, -0x1.4c081p-3f, 0x1.b64782p-5f, -0x1.2e58bp-2f, -0x1.d3f574p-3f,
    -0x1.4dep-3f, 0x1.989dfep-3f, 0x1.7bb8cap-3f, -0x1.1f39p-3f, -0x1.75e422p-7f,
    0x1.9e3398p-3f, 0x1.41eadcp-2f, 0x1.0108dap-3f, 0x1.5df692p-5f, 0x1.b23ae4p-3f,
    -0x1.7d5424p-3f, 0x1.e2bb34p-5f, -0x1.f61d54p-3f, -0x1.c0ddd2p-3f, -0x1.4e8eacp-3f,
    0x1.250982p-3f, 0x1.0473f4p-3f, -0x1.7fa0bep-3f, 0x1.874f58p-4f, 0x1.63888p-3f,
    -0x1.46f88ap-5f, 0x1.8ba498p-7f, 0x1.2c1eb2p-4f, 0x1.91c6fap-3f, 0x1.36ed6ap-2f,
    -0x1.f31516p-3f, -0x1.daad48p-4f, 0x1.fd0db2p-4f, 0x1.0c4c6ep-2f, 0x1.19c9c2p-2f,
    0x1.1db8eap-2f, 0x1.01c7p-4f, -0x1.1995fap-2f, 0x1.dc9ebep-6f, -0x1.9529ep-3f,
    -0x1.2dc866p-2f, 0x1.1fb58cp-2f, 0x1.ec6f68p-3f, -0x1.43044ap-2f, 0x1.e4e054p-5f,
    -0x1.b466ecp-5f, -0x1.aa4d48p-5f, -0x1.28758ap-3f, 0x1.f21a8ap-4f, -0x1.7f989ep-3f,
    0x1.dad598p-4f, 0x1.478394p-3f, 0x1.cf9f84p-3f, 0x1.e450c4p-4f, -0x1.407e4ap-2f,
    -0x1.a41e54p-3f, 0x1.435fa6p-3f, 0x1.0f19fep-4f, -0x1.f93594p-3f, -0x1.74eba8p-3f,
    0x1.30a17ep-2f, 0x1.b4633ep-3f, -0x1.1a628ap-3f, -0x1.45ffdep-4f, -0x1.3477bap-2f,
    -0x1.748062p-8f, -0x1.e7b4f8p-3f, -0x1.f38ea4p-3f, -0x1.1d79a8p-6f, 0x1.84f4dap-5f,
    -0x1.0939d6p-3f, 0x1.804ab2p-3f, -0x1.8a1c64p-3f, 0x1.25d274p-2f, 0x1.bbd2e6p-3f,
    -0x1.1111cep-2f, -0x1.425f44p-4f, 0x1.d39144p-7f, 0x1.79f658p-5f, 0x1.333458p-4f,
    0x1.fc4cd6p-4f, 0x1.3658e8p-6f, -0x1.3bffdep-3f, 0x1.327418p-3f, -0x1.369f0ep-2f,
    -0x1.7fdb76p-3f, -0x1.443e96p-4f, -0x1.3b78aep-3f, -0x1.c520d8p-4f, -0x1.09685ap-2f,
    -0x1.1385f8p-4f, 0x1.14df4p-4f, -0x1.a5e964p-3f, -0x1.09e3b6p-6f, 0x1.cf9c14p-3f,
    -0x1.0a4ed6p-5f, 0x1.1ffcb6p-7f, -0x1.bef738p-6f, 0x1.062368p-4f, 0x1.9bcaa2p-3f,
    0x1.32bc12p-2f, 0x1.9b48bap-3f, 0x1.336fbcp-2f, -0x1.76b436p-6f, -0x1.22e458p-2f,
    -0x1.33075cp-3f, 0x1.b8fa4ap-3f, -0x1.0cb09ap-9f, -0x1.41e784p-3f, -0x1.f04a38p-3f,
    -0x1.2f0b86p-2f, -0x1.114deep-2f, -0x1.06ba68p-4f, 0x1.632aa8p-3f, 0x1.5e2346p-3f,
    -0x1.384cb6p-2f, 0x1.93fb96p-3f, -0x1.fac7b4p-3f, -0x1.11d54ap-4f, -0x1.06991ap-3f,
    -0x1.f2fa26p-5f, -0x1.fca21ap-5f, -0x1.2293cep-2f, -0x1.179898p-2f, -0x1.955db2p-5f,
    0x1.0c02acp-8f, -0x1.26343ep-3f, 0x1.e7ed42p-4f, -0x1.237454p-2f, -0x1.5da81p-6f,
    0x1.1cc56cp-2f, -0x1.082a38p-3f, 0x1.24687p-2f, 0x1.d51626p-4f, -0x1.243b7ep-2f,
    0x1.99c1bp-3f, -0x1.2aef0ap-5f, -0x1.211bc4p-3f, 0x1.02f108p-2f, -0x1.05acd6p-2f,
    0x1.15fa3cp-5f, -0x1.0f3054p-4f, 0x1.ce7be4p-3f, 0x1.699136p-4f, 0x1.37311cp-3f,
    0x1.c96f92p-4f, -0x1.377abap-4f, -0x1.1066f2p-4f, -0x1.0ada0ep-2f, 0x1.5eeabcp-3f,
    0x1.011a92p-2f, 0x1.bb20aap-3f, -0x1.c8d3cap-3f, 0x1.ce269cp-7f, -0x1.c88a26p-3f,
    -0x1.648334p-3f, -0x1.796152p-3f, 0x1.baa6d6p-4f, -0x1.81ef14p-3f, -0x1.c4257cp-8f,
    0x1.b3ea9p-7f, 0x1.a17ae8p-3f, -0x1.e98f54p-3f, -0x1.bc9be6p-3f, -0x1.780e72p-3f,
    0x1.c54d0ep-3f, -0x1.d19a96p-4f, 0x1.1122dcp-2f, 0x1.d46108p-4f, 0x1.48078cp-5f,
    -0x1.348b5ep-9f, -0x1.000cfep-4f, 0x1.45067cp-5f, -0x1.27c48cp-4f, -0x1.233c64p-9f,
    0x1.4a88dcp-5f, -0x1.fa953ep-3f, -0x1.53721p-3f, 0x1.057ae6p-2f, -0x1.06caf4p-2f,
    -0x1.07113ap-6f, 0x1.c504c6p-3f, 0x1.4adacap-4f, 0x1.9ee85cp-8f, -0x1.8cdc76p-3f,
    0x1.c5b69ep-4f, -0x1.462fc8p-3f, -0x1.03fd4ap-4f, -0x1.334c16p-4f, -0x1.0f43b8p-5f,
    0x1.4095f4p-9f, 0x1.79b7c8p-3f, 0x1.c95b34p-6f, 0x1.9a2dfap-3f, 0x1.1821b8p-3f,
    -0x1.218532p-3f, 0x1.9ac82ep-4f, -0x1.43b882p-3f, -0x1.842dbep-4f, 0x1.0d6292p-4f,
    0x1.2e6bb8p-4f,
};

// The model, a constant: its parameters live in read-only memory (.rodata, flash).
inline constexpr Model model = Model::from_flat(parameters);

// A known answer, checked when this header compiles: model.forward(check_input) must equal
// check_output within check_tolerance, relative to max(1, |check_output[i]|).
inline constexpr ctnet::Vector<float, 10> check_input = {{
    -0x1.d6dfdcp+0f, -0x1.c9d78cp-7f, 0x1.280e52p+1f, -0x1.65a25ep-1f, 0x1.ad5112p-2f,
    -0x1.90dd96p-2f, 0x1.de7052p-1f, -0x1.bbf24ap+0f, 0x1.67a83cp-3f, -0x1.6a342cp+1f,
}};
inline constexpr ctnet::Vector<float, 1> check_output = {{
    -0x1.2db55ep-2f,
}};
inline constexpr float check_tolerance = 1e-5f;

[[nodiscard]] constexpr bool reproduces_check_output() noexcept {
    const auto y = model.forward(check_input);
    for (std::size_t i = 0; i < Model::out_size; ++i) {
        const auto error = y[i] > check_output[i] ? y[i] - check_output[i] : check_output[i] - y[i];
        const auto magnitude = check_output[i] < 0 ? -check_output[i] : check_output[i];
        if (!(error <= check_tolerance * (magnitude > 1 ? magnitude : 1))) return false;
    }
    return true;
}
static_assert(reproduces_check_output(),
              "ctnet: the exported model does not reproduce check_output; the export is wrong, "
              "re-export the model");

}  // namespace seed_model
