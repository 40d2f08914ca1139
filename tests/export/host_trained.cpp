// Trains a small network on the host with ctnet (XOR, plain SGD on MSE), then ships it the way
// PyTorch models ship: ctnet::write_header writes it as a header, to the path in argv[1].
// tests/export/host_trained_consumer.cpp then compiles that header (its static_assert re-checks
// the model) and static_asserts at compile time that it learned XOR.
#include <cstddef>
#include <cstdio>

#include <ctnet/ctnet.hpp>
#include <ctnet/export.hpp>

namespace {

using Net = ctnet::Network<float, ctnet::Input<2>, ctnet::Dense<8>, ctnet::Tanh, ctnet::Dense<1>, ctnet::Sigmoid>;

constexpr ctnet::Matrix<float, 4, 2> inputs{{0, 0, 0, 1, 1, 0, 1, 1}};
constexpr ctnet::Matrix<float, 4, 1> targets{{0, 1, 1, 0}};

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s OUTPUT.hpp\n", argv[0]);
        return 2;
    }
    Net net = ctnet::initialized<Net>(ctnet::init::XavierUniform{}, 7);
    ctnet::SGD<Net> sgd{.learning_rate = 0.5, .momentum = 0.9};
    float loss = 1.0f;
    for (int step = 0; step < 2000; ++step) {
        const auto result = ctnet::train_step(net, sgd, ctnet::MSE{}, inputs, targets);
        if (result.status != ctnet::Status::ok) {
            std::fprintf(stderr, "host_trained: step %d refused: %s\n", step, ctnet::to_string(result.status));
            return 1;
        }
        loss = result.loss;
    }
    std::printf("host_trained: final MSE %g\n", static_cast<double>(loss));
    if (!(loss < 0.01f)) {
        std::fprintf(stderr, "host_trained: XOR not learned (MSE %g)\n", static_cast<double>(loss));
        return 1;
    }

    std::FILE* file = std::fopen(argv[1], "wb");
    if (file == nullptr) {
        std::perror(argv[1]);
        return 1;
    }
    const ctnet::Status status = ctnet::write_header(
        [file](const char* text, std::size_t length) { std::fwrite(text, 1, length, file); }, net,
        {.name_space = "xor_model",
         .comment = "xor_model.hpp: a ctnet model trained on the host (tests/export/host_trained.cpp). Do not edit.\n"
                    "check_output is ctnet's own forward pass at export time."});
    const bool closed = std::fclose(file) == 0;
    if (status != ctnet::Status::ok || !closed) {
        std::fprintf(stderr, "host_trained: write_header: %s\n", ctnet::to_string(status));
        return 1;
    }
    std::printf("host_trained: wrote %s\n", argv[1]);
    return 0;
}
