// Under -fno-exceptions -fno-rtti: a Matrix keeps what is written into it, copies exactly, and
// neither costs a heap allocation. Exit status 0 = pass.
#include <ctnet/ctnet.hpp>

#include <cstddef>
#include <cstdio>

#include "support/counting_new.hpp"

#if defined(__cpp_exceptions) || defined(__cpp_rtti)
#error "tests/nothrow must be built with -fno-exceptions -fno-rtti; check tests/CMakeLists.txt"
#endif

int main() {
    bool ok = true;
    const std::size_t allocations = ctnet_test::count_allocations([&] {
        ctnet::Matrix<float, 2, 3> m{};
        for (std::size_t row = 0; row < 2; ++row) {
            for (std::size_t col = 0; col < 3; ++col) m(row, col) = static_cast<float>(10 * row + col);
        }
        const ctnet::Matrix<float, 2, 3> copy = m;
        ctnet_test::escape(&copy);
        ok = copy == m && copy(1, 2) == 12.0f && copy[3] == 10.0f && copy.data[5] == 12.0f;

        ctnet::Vector<double, 4> v = ctnet::Vector<double, 4>::filled(0.5);
        v[2] = -1.0;
        ctnet_test::escape(&v);
        ok = ok && v(0, 0) == 0.5 && v(0, 2) == -1.0 && v.size == 4;
    });
    if (!ok || allocations != 0) {
        std::fprintf(stderr, "matrix_round_trip: values %s, %zu allocation(s)\n", ok ? "ok" : "WRONG", allocations);
        return 1;
    }
    return 0;
}
