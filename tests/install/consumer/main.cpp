// Uses the installed ctnet: exit status 0 iff a Matrix keeps the values written into it.
#include <ctnet/ctnet.hpp>

int main() {
    ctnet::Matrix<float, 2, 3> m{};
    for (unsigned row = 0; row < 2; ++row) {
        for (unsigned col = 0; col < 3; ++col) m(row, col) = static_cast<float>(10 * row + col);
    }
    const ctnet::Matrix<float, 2, 3> copy = m;
    return copy == m && copy(1, 2) == 12.0f && copy[3] == 10.0f ? 0 : 1;
}
