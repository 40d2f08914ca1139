// Rule: a Matrix has at least one row and one column (matrix.hpp). Its static_assert is the only
// error: without a storage of one element, -Wpedantic -Werror also rejected the zero-length array.
// expect: ctnet: a Matrix needs at least one row and one column; check the sizes
// reject: zero-size array|zero-length array|flexible array
#include <cstddef>

#include <ctnet/matrix.hpp>

#ifdef CTNET_FAIL
inline constexpr std::size_t rows = 0;
#else
inline constexpr std::size_t rows = 2;
#endif

inline ctnet::Matrix<float, rows, 3> zeros() { return ctnet::Matrix<float, rows, 3>::filled(0.0f); }
