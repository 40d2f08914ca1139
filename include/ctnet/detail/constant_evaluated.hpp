// CTNET_CONSTANT_EVALUATED(): whether the code around it is being constant-evaluated, as
// std::is_constant_evaluated() answers; the test between the library's constant-evaluation paths
// and its run-time ones.
#pragma once

// The compilers' builtin rather than the standard function: GCC folds the builtin to false as it
// translates a function for run time, so a constant-evaluation branch never reaches the
// optimiser. std::is_constant_evaluated() is a call GCC folds only once it has inlined it, and by
// then that branch's callees (scalar loops such as SGD's per-element update, one copy per scalar
// type) have been through the early optimisation passes. Cachegrind on
// bench/compile_cost/topologies.cpp, g++ -O3 -march=native (Zen 3): 21.68 -> 21.50 G, its batch-1
// TU 11.40 -> 11.26 G, the same object code. GCC, Clang and MSVC all provide the builtin.
#define CTNET_CONSTANT_EVALUATED() __builtin_is_constant_evaluated()
