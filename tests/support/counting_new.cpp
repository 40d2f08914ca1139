// Replacements for every replaceable global operator new/delete that count allocations.
//
// Plain forms use std::malloc, aligned forms std::aligned_alloc with the size rounded up to a
// multiple of the alignment (C11 requires it; ASan reports a violation), and every delete uses
// std::free. Builds with and without exceptions: without them a failed throwing new aborts,
// which is what the -fno-exceptions runtime would do anyway.
#include "counting_new.hpp"

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

namespace {

std::atomic<std::size_t> allocations{0};
std::atomic<std::size_t> deallocations{0};

// One allocation attempt loop as [new.delete.single] specifies: retry while a new_handler exists.
// Returns null when there is no handler left (the caller decides: throw, or return null).
void* allocate(std::size_t size, std::size_t alignment) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    if (size == 0) size = 1;  // new must return a unique non-null pointer for zero bytes
    for (;;) {
        void* p = nullptr;
        if (alignment <= __STDCPP_DEFAULT_NEW_ALIGNMENT__) {
            p = std::malloc(size);
        } else {
            const std::size_t rounded = (size + alignment - 1) / alignment * alignment;
            p = std::aligned_alloc(alignment, rounded);
        }
        if (p != nullptr) return p;
        const std::new_handler handler = std::get_new_handler();
        if (handler == nullptr) return nullptr;
        handler();  // may throw std::bad_alloc, which the throwing forms let through
    }
}

void* allocate_or_throw(std::size_t size, std::size_t alignment) {
    if (void* p = allocate(size, alignment)) return p;
#if defined(__cpp_exceptions)
    throw std::bad_alloc{};
#else
    std::abort();
#endif
}

void* allocate_or_null(std::size_t size, std::size_t alignment) noexcept {
#if defined(__cpp_exceptions)
    try {
        return allocate(size, alignment);
    } catch (...) {  // a new_handler gave up by throwing: the nothrow forms return null instead
        return nullptr;
    }
#else
    return allocate(size, alignment);
#endif
}

void deallocate(void* p) noexcept {
    if (p == nullptr) return;
    deallocations.fetch_add(1, std::memory_order_relaxed);
    std::free(p);
}

constexpr std::size_t plain = __STDCPP_DEFAULT_NEW_ALIGNMENT__;

}  // namespace

namespace ctnet_test {

std::size_t allocation_count() noexcept { return allocations.load(std::memory_order_relaxed); }
std::size_t deallocation_count() noexcept { return deallocations.load(std::memory_order_relaxed); }

}  // namespace ctnet_test

// The replaceable allocation functions, [new.delete.single] and [new.delete.array].
void* operator new(std::size_t size) { return allocate_or_throw(size, plain); }
void* operator new[](std::size_t size) { return allocate_or_throw(size, plain); }
void* operator new(std::size_t size, std::align_val_t alignment) {
    return allocate_or_throw(size, static_cast<std::size_t>(alignment));
}
void* operator new[](std::size_t size, std::align_val_t alignment) {
    return allocate_or_throw(size, static_cast<std::size_t>(alignment));
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return allocate_or_null(size, plain); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return allocate_or_null(size, plain); }
void* operator new(std::size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
    return allocate_or_null(size, static_cast<std::size_t>(alignment));
}
void* operator new[](std::size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
    return allocate_or_null(size, static_cast<std::size_t>(alignment));
}

// The replaceable deallocation functions: every one frees, whatever the size/alignment hints.
void operator delete(void* p) noexcept { deallocate(p); }
void operator delete[](void* p) noexcept { deallocate(p); }
void operator delete(void* p, std::size_t) noexcept { deallocate(p); }
void operator delete[](void* p, std::size_t) noexcept { deallocate(p); }
void operator delete(void* p, std::align_val_t) noexcept { deallocate(p); }
void operator delete[](void* p, std::align_val_t) noexcept { deallocate(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { deallocate(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { deallocate(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { deallocate(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { deallocate(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { deallocate(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { deallocate(p); }
