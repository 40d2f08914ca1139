// Training the seed model, Linear(10,20) -> ReLU -> Linear(20,1), on a synthetic regression task
// with mini-batches of 32 and Adam, printing the loss per epoch.
//
// Data (deterministic, from ctnet::Random): x ~ N(0, I_10) and
//     y = <w, x> / sqrt(10) + 0.5 |x_0| + 0.05 noise,   w_i ~ U(-1, 1) fixed, noise ~ N(0, 1):
// a linear part the network can copy, a kink it must build from its ReLUs, and noise it cannot
// learn (MSE floor 0.0025). 2048 training samples, 512 held out for validation.
//
// Exit code 0 if the validation loss after training is below a tenth of the loss before it.
#include <array>
#include <cstddef>
#include <cstdio>
#include <vector>

#include <ctnet/ctnet.hpp>

namespace {

using SeedModel = ctnet::Network<float, ctnet::Input<10>, ctnet::Dense<20>, ctnet::ReLU, ctnet::Dense<1>>;

constexpr std::size_t features = SeedModel::in_size;
constexpr std::size_t batch = 32;
constexpr std::size_t train_size = 2048;  // 64 batches per epoch
constexpr std::size_t validation_size = 512;
constexpr std::size_t epochs = 30;

struct Sample {
    std::array<float, features> x;
    float y;
};

/// `count` samples of the task above, drawn from `rng`; `w` is the fixed linear map.
std::vector<Sample> make_samples(ctnet::Random& rng, const std::array<float, features>& w, std::size_t count) {
    std::vector<Sample> samples(count);  // the data set is the only heap use; training uses none
    for (Sample& s : samples) {
        float linear = 0.0f;
        for (std::size_t i = 0; i < features; ++i) {
            s.x[i] = rng.normal(0.0f, 1.0f);
            linear += w[i] * s.x[i];
        }
        s.y = linear / ctnet::math::sqrt(float(features)) + 0.5f * ctnet::math::abs(s.x[0]) + 0.05f * rng.normal(0.0f, 1.0f);
    }
    return samples;
}

/// The batch of samples order[first .. first + batch).
void fill_batch(const std::vector<Sample>& data, const std::vector<std::size_t>& order, std::size_t first,
                ctnet::Matrix<float, batch, features>& x, ctnet::Matrix<float, batch, 1>& y) {
    for (std::size_t b = 0; b < batch; ++b) {
        const Sample& s = data[order[first + b]];
        for (std::size_t i = 0; i < features; ++i) x(b, i) = s.x[i];
        y(b, 0) = s.y;
    }
}

/// Mean squared error of `net` over `data`, in batches (size a multiple of `batch`).
float mean_loss(const SeedModel& net, const std::vector<Sample>& data) {
    std::vector<std::size_t> order(data.size());
    for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
    ctnet::Matrix<float, batch, features> x{};
    ctnet::Matrix<float, batch, 1> y{};
    double sum = 0.0;
    for (std::size_t first = 0; first < data.size(); first += batch) {
        fill_batch(data, order, first, x, y);
        sum += static_cast<double>(ctnet::MSE{}.value(net.forward(x), y));
    }
    return static_cast<float>(sum / static_cast<double>(data.size() / batch));
}

}  // namespace

int main() {
    ctnet::Random rng(2024);
    std::array<float, features> w{};
    for (float& wi : w) wi = rng.uniform(-1.0f, 1.0f);
    const std::vector<Sample> train = make_samples(rng, w, train_size);
    const std::vector<Sample> validation = make_samples(rng, w, validation_size);

    SeedModel net = ctnet::initialized<SeedModel>(ctnet::init::TorchDefault{}, 1);
    ctnet::Adam<SeedModel> optimizer{.learning_rate = 3e-3};

    const float initial = mean_loss(net, validation);
    std::printf("seed model %zu-20-1 (%zu parameters), Adam(lr 3e-3), batches of %zu, %zu training samples\n",
                features, SeedModel::parameter_count, batch, train_size);
    std::printf("epoch   train loss   validation loss\n");
    std::printf("%5d   %10s   %15.6f\n", 0, "-", static_cast<double>(initial));

    std::vector<std::size_t> order(train_size);
    for (std::size_t k = 0; k < train_size; ++k) order[k] = k;
    ctnet::Matrix<float, batch, features> x{};
    ctnet::Matrix<float, batch, 1> y{};
    float validation_loss = initial;
    for (std::size_t epoch = 1; epoch <= epochs; ++epoch) {
        for (std::size_t k = train_size - 1; k > 0; --k) {  // Fisher-Yates shuffle, deterministic
            const auto j = static_cast<std::size_t>(rng.next() % (k + 1));
            const std::size_t tmp = order[k];
            order[k] = order[j];
            order[j] = tmp;
        }
        double epoch_loss = 0.0;
        for (std::size_t first = 0; first < train_size; first += batch) {
            fill_batch(train, order, first, x, y);
            const auto result = ctnet::train_step(net, optimizer, ctnet::MSE{}, x, y);
            if (result.status != ctnet::Status::ok) {
                std::printf("training step refused: %s\n", ctnet::to_string(result.status));
                return 1;
            }
            epoch_loss += static_cast<double>(result.loss);
        }
        validation_loss = mean_loss(net, validation);
        if (epoch <= 5 || epoch % 5 == 0)
            std::printf("%5zu   %10.6f   %15.6f\n", epoch, epoch_loss / double(train_size / batch),
                        static_cast<double>(validation_loss));
    }

    const bool learnt = validation_loss < 0.1f * initial;  // false for NaN too
    std::printf("validation loss %.6f -> %.6f: %s\n", static_cast<double>(initial),
                static_cast<double>(validation_loss), learnt ? "learnt" : "FAILED to fall below a tenth");
    return learnt ? 0 : 1;
}
