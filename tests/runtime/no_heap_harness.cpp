// Positive control of the no-heap tests: the counting operator new sees every kind of allocation,
// and sees none where there is none. A zero from count_allocations means something only because
// these pass.
#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <new>
#include <vector>

#include "support/counting_new.hpp"

namespace {

struct alignas(64) CacheLine {
    float values[16];
};

bool aligned_to(const void* p, std::size_t alignment) {
    return reinterpret_cast<std::uintptr_t>(p) % alignment == 0;
}

}  // namespace

TEST_CASE("no-heap harness: std::vector<int>(100) is counted", "[no_heap]") {
    const std::size_t before_frees = ctnet_test::deallocation_count();
    const std::size_t allocations = ctnet_test::count_allocations([] {
        std::vector<int> v(100);
        ctnet_test::escape(v.data());
    });
    CHECK(allocations == 1);
    CHECK(ctnet_test::deallocation_count() - before_frees == 1);
}

TEST_CASE("no-heap harness: new int and new int[] are counted", "[no_heap]") {
    CHECK(ctnet_test::count_allocations([] {
              int* p = new int(7);
              ctnet_test::escape(p);
              delete p;
          }) == 1);
    CHECK(ctnet_test::count_allocations([] {
              int* p = new int[5]{};
              ctnet_test::escape(p);
              delete[] p;
          }) == 1);
}

TEST_CASE("no-heap harness: aligned new is counted and aligned", "[no_heap]") {
    CHECK(ctnet_test::count_allocations([] {
              void* p = new (std::align_val_t{64}) int(3);  // operator new(size_t, align_val_t)
              ctnet_test::escape(p);
              CHECK(aligned_to(p, 64));
              ::operator delete(p, std::align_val_t{64});
          }) == 1);
    CHECK(ctnet_test::count_allocations([] {
              auto* p = new CacheLine{};  // over-aligned type: the aligned form is chosen implicitly
              ctnet_test::escape(p);
              CHECK(aligned_to(p, 64));
              delete p;
          }) == 1);
    CHECK(ctnet_test::count_allocations([] {
              auto* p = new CacheLine[3]{};
              ctnet_test::escape(p);
              CHECK(aligned_to(p, 64));
              delete[] p;
          }) == 1);
}

TEST_CASE("no-heap harness: nothrow new is counted", "[no_heap]") {
    CHECK(ctnet_test::count_allocations([] {
              int* p = new (std::nothrow) int(1);
              ctnet_test::escape(p);
              delete p;
          }) == 1);
    CHECK(ctnet_test::count_allocations([] {
              void* p = ::operator new(100, std::align_val_t{128}, std::nothrow);
              ctnet_test::escape(p);
              CHECK(aligned_to(p, 128));
              ::operator delete(p, std::align_val_t{128}, std::nothrow);
          }) == 1);
}

TEST_CASE("no-heap harness: a stack array is not an allocation", "[no_heap]") {
    CHECK(ctnet_test::count_allocations([] {
              int values[256];
              for (int i = 0; i < 256; ++i) values[i] = i;
              ctnet_test::escape(values);
          }) == 0);
    ctnet_test::NoAllocationScope scope;
    alignas(64) float block[64] = {};
    ctnet_test::escape(block);
    CHECK(scope.allocations() == 0);
}
