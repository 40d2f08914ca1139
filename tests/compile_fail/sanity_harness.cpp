// Harness self-test: its CTNET_FAIL build must fail, and the compile_fail harness must see it.
// The static_assert sits in a class template reached only through a function template's body,
// instantiated at the end of the TU: this proves the checks' -fsyntax-only still instantiates.
// expect: ctnet: sanity; the harness sees failures
#include <cstddef>

template <std::size_t Width>
struct CheckedWidth {
    static_assert(Width > 0, "ctnet: sanity; the harness sees failures");
    static constexpr std::size_t value = Width;
};

template <std::size_t Width>
std::size_t checked_width() {
    return CheckedWidth<Width>::value;
}

#ifdef CTNET_FAIL
inline constexpr std::size_t width = 0;
#else
inline constexpr std::size_t width = 1;
#endif

inline std::size_t use_checked_width() { return checked_width<width>(); }
