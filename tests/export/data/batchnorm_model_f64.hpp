// batchnorm_model_f64.hpp: a ctnet model exported from PyTorch by tools/export_torch.py. Do not edit.
// Source: tests/export/models/batchnorm.pt (state_dict, --arch 'tests/export/models/batchnorm.arch'; torch 1.13.0a0).
// check_output: PyTorch's forward pass of the source on check_input, in double.
// Regenerate: /usr/bin/python3 tools/export_torch.py tests/export/models/batchnorm.pt --arch tests/export/models/batchnorm.arch --scalar double -o tests/export/data/batchnorm_model_f64.hpp
#pragma once

#include <cstddef>

#include <ctnet/ctnet.hpp>

namespace batchnorm_model_f64 {

// PyTorch: Sequential(Linear(6, 16), BatchNorm1d(16, eps=1/100000, momentum=1/10), ReLU(), Linear(16, 8), BatchNorm1d(8, eps=1/1000, momentum=1/4), Tanh(), Linear(8, 3))
using Model = ctnet::Network<double, ctnet::Input<6>, ctnet::Dense<16>, ctnet::BatchNorm<std::ratio<1, 100000>, std::ratio<1, 10>>, ctnet::ReLU, ctnet::Dense<8>, ctnet::BatchNorm<std::ratio<1, 1000>, std::ratio<1, 4>>, ctnet::Tanh, ctnet::Dense<3>>;

// The 371 parameters in PyTorch state_dict order (per layer: weight [out][in] row-major, then bias).
inline constexpr double parameters[371] = {
    -0x1.256fp-2, -0x1.67c53ap-7, 0x1.960ed6p-2, -0x1.153f42p-2, 0x1.18bce6p-4,
    0x1.43bbdp-3, 0x1.15dddap-4, -0x1.36a91p-2, 0x1.e268d8p-5, 0x1.63348p-2,
    -0x1.81b5bep-3, 0x1.d851f6p-3, -0x1.7d7236p-3, -0x1.ebdda8p-6, 0x1.beb136p-3,
    0x1.03a076p-9, -0x1.4c582cp-2, 0x1.b2c37p-3, 0x1.fb9406p-3, 0x1.bba012p-3,
    0x1.361c04p-2, 0x1.74fd4p-3, 0x1.194a42p-2, 0x1.12514ap-4, 0x1.1bd358p-2,
    -0x1.704a06p-2, -0x1.ca435cp-5, -0x1.80e2d4p-5, -0x1.8db074p-3, 0x1.b30136p-4,
    0x1.3ba1aap-2, -0x1.1a144ap-2, -0x1.ac6808p-3, -0x1.0e9a68p-3, 0x1.41ad7p-2,
    -0x1.624ad2p-2, 0x1.99b612p-2, -0x1.fefceap-3, -0x1.f1f76ap-5, -0x1.9d465ep-5,
    -0x1.507c78p-3, 0x1.226becp-2, -0x1.1fbd0ep-6, -0x1.0039c8p-2, -0x1.cdbd28p-3,
    0x1.ab5cap-5, 0x1.7837f4p-4, -0x1.c98214p-3, 0x1.1d306p-4, -0x1.074c56p-2,
    -0x1.abc214p-8, 0x1.6b038p-3, -0x1.1a007cp-5, -0x1.df7596p-4, -0x1.c3eb72p-7,
    0x1.24f64p-3, -0x1.9dee2ep-3, 0x1.6b4a3ap-6, 0x1.125362p-2, -0x1.d3235cp-9,
    0x1.133978p-2, -0x1.79b82ap-2, -0x1.5cf6f2p-2, -0x1.7ba85cp-3, 0x1.c27812p-3,
    0x1.f89394p-3, -0x1.36b19p-2, 0x1.39f73p-3, -0x1.2c2096p-4, 0x1.e49748p-4,
    0x1.89247p-2, -0x1.94b87cp-2, 0x1.278c4p-4, 0x1.f60386p-3, 0x1.17d5e2p-5,
    -0x1.f48e82p-3, -0x1.33f53ep-4, -0x1.f272cep-4, 0x1.44079p-2, 0x1.756fbp-2,
    -0x1.483448p-3, -0x1.9a99d2p-2, -0x1.08dd6cp-3, -0x1.cd69e6p-3, 0x1.640ap-2,
    0x1.8aa524p-2, 0x1.afa5d2p-3, -0x1.1d5932p-5, -0x1.930adp-2, 0x1.e0818p-6,
    -0x1.41e626p-3, 0x1.29a518p-8, -0x1.877adcp-3, -0x1.5c99a6p-5, 0x1.d85bf6p-3,
    0x1.9ccfb8p-2, 0x1.57b23p-2, -0x1.c6c326p-3, 0x1.1038dap-2, 0x1.0ff08ep-2,
    0x1.4f9e54p-3, 0x1.8c756p-2, 0x1.0a1e22p-5, -0x1.91f91cp-5, -0x1.d8d89cp-3,
    -0x1.743d38p-4, 0x1.291c22p-3, -0x1.27299ep-2, 0x1.596c38p-4, -0x1.c3b5c2p-4,
    -0x1.4f147ep-2, -0x1.98ee18p-5, 0x1.236508p+0, 0x1.1ebacp+0, 0x1.08e6ap-1,
    0x1.401cbp+0, 0x1.2bee8p+0, 0x1.e3a19cp-1, 0x1.6fcebp+0, 0x1.214ac2p+0,
    0x1.257242p+0, 0x1.7217b8p+0, 0x1.310f4p+0, 0x1.c13fb8p-1, 0x1.317c7ap+0,
    0x1.04bcf6p+0, 0x1.95ac46p-1, 0x1.05d72p+0, -0x1.a77fap-4, 0x1.7e5cd6p-9,
    -0x1.3b3da6p-4, -0x1.add4b4p-3, 0x1.d632cp-2, -0x1.8513a4p-3, 0x1.a5ae9cp-3,
    -0x1.024d7ap-4, -0x1.be0d4ep-4, -0x1.033ad2p-1, 0x1.d2afccp-1, 0x1.2ade7p+0,
    0x1.5f67e6p-1, -0x1.050604p-3, -0x1.0caa76p-1, -0x1.633b4cp+0, 0x1.f14bd4p-2,
    0x1.cf0a36p-5, 0x1.2bdc94p-2, 0x1.519f04p+0, -0x1.ca58d2p-4, -0x1.01b748p-3,
    0x1.e436e4p-4, -0x1.317178p-1, -0x1.63ced6p-2, 0x1.f2b886p-7, -0x1.31973cp-3,
    -0x1.8f41a6p-2, -0x1.dbeafp-6, -0x1.ba6eap-2, 0x1.89d6bcp-3, 0x1.347c94p-3,
    0x1.8339e6p+1, 0x1.12e61p+1, 0x1.e974ccp+0, 0x1.894fcep+1, 0x1.2bd2e8p+1,
    0x1.d49086p+1, 0x1.6e952ep+1, 0x1.8d3432p+0, 0x1.0ff33cp+0, 0x1.35eabp+0,
    0x1.e22274p+1, 0x1.cb9036p+1, 0x1.0d4cf8p+0, 0x1.c780dcp+1, 0x1.fc053p+1,
    0x1.26531ap+1, -0x1.89f228p-4, 0x1.c907b4p-3, -0x1.eae5cp-4, 0x1.f41098p-3,
    0x1.269e9cp-3, 0x1.f57888p-3, -0x1.fe24p-11, -0x1.0c228p-7, -0x1.b34384p-3,
    0x1.8c57ap-4, 0x1.4b59d8p-3, -0x1.7a938p-6, -0x1.04dfp-7, -0x1.208c8p-6,
    0x1.0a5a34p-3, -0x1.285d1cp-3, -0x1.35afcp-7, 0x1.806fcp-5, 0x1.ad82dp-4,
    0x1.bbdf54p-3, -0x1.b8f628p-3, 0x1.98e94p-5, 0x1.b816ap-5, -0x1.af3b78p-4,
    -0x1.7ce91p-5, -0x1.d822fp-5, -0x1.93c908p-3, -0x1.9c45fp-3, -0x1.cd2d8p-7,
    0x1.4ebfb8p-3, 0x1.f87e9cp-3, 0x1.1f7a3p-5, -0x1.5ee5acp-3, -0x1.4361e8p-4,
    0x1.8e3a3p-5, 0x1.e29d1p-5, 0x1.3ea06p-5, -0x1.8e042p-4, 0x1.c8f68p-5,
    0x1.bc1bc4p-3, -0x1.61fb18p-3, -0x1.228df8p-4, -0x1.32ad64p-3, -0x1.a5dcep-4,
    0x1.cebf2p-3, 0x1.cce828p-4, -0x1.e736cp-7, -0x1.13694p-7, 0x1.a01974p-3,
    0x1.4647ep-4, -0x1.be69cp-6, 0x1.3273e8p-4, -0x1.28991p-5, 0x1.48faap-6,
    -0x1.49e4a4p-3, -0x1.9ebfbp-4, -0x1.8f3fp-3, 0x1.28eec4p-3, -0x1.d4398p-4,
    0x1.adeeap-6, -0x1.131ca4p-3, 0x1.7cc56p-6, -0x1.f07bap-4, 0x1.bdbc2p-4,
    0x1.d587e8p-3, -0x1.339228p-3, -0x1.b2c778p-3, 0x1.59908p-6, 0x1.9c1bbp-3,
    0x1.f19688p-3, -0x1.3a6d9p-3, 0x1.bcc55cp-3, -0x1.65defp-5, -0x1.f7f878p-4,
    0x1.c5ea8p-8, -0x1.235aap-4, 0x1.9d384p-7, -0x1.8489ap-6, -0x1.879f74p-3,
    -0x1.4dc2c8p-3, 0x1.0bd7fp-4, -0x1.b9c7cp-6, -0x1.245b4p-7, 0x1.40593p-5,
    0x1.007e9p-4, -0x1.06854p-3, -0x1.419038p-4, -0x1.7f5654p-3, -0x1.69144p-6,
    -0x1.d2c1cp-6, 0x1.3c46ccp-3, 0x1.168078p-4, -0x1.90dfp-4, 0x1.3db26p-3,
    -0x1.2aaea8p-4, -0x1.1bcedp-5, -0x1.4314a4p-3, 0x1.2e0cc8p-3, -0x1.90db7p-5,
    0x1.22f41cp-3, -0x1.cc1dccp-3, 0x1.cf2e88p-3, 0x1.c0613p-3, -0x1.88b804p-3,
    0x1.f661f4p-3, 0x1.0647b4p-3, 0x1.4c072p-5, 0x1.216fd8p-3, -0x1.502128p-4,
    0x1.5392e4p-3, -0x1.c50f58p-3, -0x1.e62f58p-3, 0x1.c44eecp-3, -0x1.8e5fbcp-3,
    -0x1.87ba04p-3, 0x1.aa351p-5, 0x1.76e6p-8, 0x1.c293bp-4, -0x1.1071a8p-4,
    0x1.839b54p-3, 0x1.015958p-4, 0x1.1d5bcp-6, -0x1.02ec3cp-3, 0x1.e0d7ep-3,
    -0x1.0c6978p-4, 0x1.382d8p-8, -0x1.171b2p-3, -0x1.5915ap-5, 0x1.76c3fp-3,
    0x1.ac8f48p-3, -0x1.693428p-3, -0x1.bf3f8p-8, -0x1.6e031p-4, -0x1.eea2dp-4,
    -0x1.dd5c4p-6, 0x1.f3cp-12, 0x1.7c5328p-1, 0x1.4e2d8p+0, 0x1.195182p-1,
    0x1.fd8e12p-1, 0x1.9fdf2ap-1, 0x1.665fa6p+0, 0x1.03fbe8p+0, 0x1.0d01dep+0,
    0x1.83732cp-6, 0x1.c8801cp-2, -0x1.b0cac4p-2, -0x1.0ec4p-1, -0x1.1ea758p-2,
    -0x1.6346fep-1, -0x1.75c88ep-6, 0x1.c012fp-1, 0x1.311218p-1, -0x1.eb46bp-3,
    -0x1.0eaf84p-2, -0x1.1d75b6p-2, -0x1.76e75cp-5, -0x1.0cfc26p-5, 0x1.3c86ecp-2,
    0x1.5b769ap-3, 0x1.4e90dcp-3, 0x1.7ab214p-3, 0x1.02eb8ap-3, 0x1.77fde6p-3,
    0x1.b22ef4p-4, 0x1.8f4838p-6, 0x1.f80c2p-4, 0x1.bcde2p-3, -0x1.982fd8p-4,
    -0x1.9adaf4p-6, -0x1.354412p-2, 0x1.b8fc4p-5, 0x1.76d478p-4, 0x1.22ccb8p-2,
    0x1.4fc20ep-2, -0x1.5d7d32p-2, 0x1.5e072ep-4, -0x1.69e2fp-3, 0x1.1e9b42p-3,
    -0x1.90019cp-6, -0x1.9c0ac4p-3, 0x1.40fe56p-2, 0x1.1a239ap-6, 0x1.1f7b2cp-2,
    -0x1.627b14p-6, -0x1.59454cp-2, 0x1.ba375ap-3, -0x1.1fb73ap-3, -0x1.d177c6p-5,
    0x1.f58976p-3, -0x1.1eee6ep-3, -0x1.0e073p-2, -0x1.444694p-3, 0x1.2587p-5,
    -0x1.5e0492p-2,
};

// The model, a constant: its parameters live in read-only memory (.rodata, flash).
inline constexpr Model model = Model::from_flat(parameters);

// A known answer, checked when this header compiles: model.forward(check_input) must equal
// check_output within check_tolerance, relative to max(1, |check_output[i]|).
inline constexpr ctnet::Vector<double, 6> check_input = {{
    -0x1.d6dfdcp+0, -0x1.c9d78cp-7, 0x1.280e52p+1, -0x1.65a25ep-1, 0x1.ad5112p-2,
    -0x1.90dd96p-2,
}};
inline constexpr ctnet::Vector<double, 3> check_output = {{
    -0x1.53f0c5755891p-1, -0x1.a11d968131148p-5, -0x1.a906041f37228p-1,
}};
inline constexpr double check_tolerance = 1e-12;

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

}  // namespace batchnorm_model_f64
