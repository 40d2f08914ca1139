// ctnet_test::allocation_count and helpers: observe every global operator new of the test binary.
//
// tests/support/counting_new.cpp replaces all replaceable global operator new/delete forms
// (plain, array, nothrow, aligned, sized) with versions that count calls; it is linked into the
// Catch2 executable ctnet_tests and into every tests/nothrow program. Use:
//
//     #include "support/counting_new.hpp"
//     CHECK(ctnet_test::count_allocations([&] { y = net.forward(params, x, workspace); }) == 0);
//
// runtime/no_heap_harness.cpp proves the counter sees allocations before anyone trusts a zero.
#pragma once

#include <cstddef>
#include <utility>

namespace ctnet_test {

/// Calls of any global operator new (every form, including nothrow ones that returned null)
/// since the program started, from any thread.
[[nodiscard]] std::size_t allocation_count() noexcept;

/// Calls of any global operator delete with a non-null pointer since the program started.
[[nodiscard]] std::size_t deallocation_count() noexcept;

/// Counts the allocations made while it lives; check `allocations() == 0` before it ends.
///
///     ctnet_test::NoAllocationScope scope;
///     net.train_step(...);
///     CHECK(scope.allocations() == 0);
class NoAllocationScope {
public:
    NoAllocationScope() noexcept : start_(allocation_count()) {}
    NoAllocationScope(const NoAllocationScope&) = delete;
    NoAllocationScope& operator=(const NoAllocationScope&) = delete;
    ~NoAllocationScope() = default;

    /// Allocations since construction.
    [[nodiscard]] std::size_t allocations() const noexcept { return allocation_count() - start_; }

private:
    std::size_t start_;
};

/// Runs `f()` and returns how many allocations it made.
template <class F>
[[nodiscard]] std::size_t count_allocations(F&& f) {
    const NoAllocationScope scope;
    std::forward<F>(f)();
    return scope.allocations();
}

/// Makes `p` (and what it points to) observable, so the optimiser can neither drop the code that
/// produced it nor elide a new/delete pair around it (C++14 [expr.new] allows that elision).
inline void escape(const void* p) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    asm volatile("" : : "g"(p) : "memory");
#else
    static const void* volatile sink;
    sink = p;
#endif
}

}  // namespace ctnet_test
