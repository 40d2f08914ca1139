// Rule: a Matrix has at least one row and one column (matrix.hpp). Its static_assert is the only
// error: without a storage of one element, GCC's -Wpedantic -Werror also rejected the zero-length
// array. (A use of a member would add Clang's "no member named ...": the class is invalid.)
// expect: ctnet: a Matrix needs at least one row and one column; check the sizes
#include <cstddef>

#include <ctnet/matrix.hpp>

#ifdef CTNET_FAIL
inline constexpr std::size_t rows = 0;
#else
inline constexpr std::size_t rows = 2;
#endif

inline ctnet::Matrix<float, rows, 3> zeros{};
