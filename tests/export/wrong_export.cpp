// A wrong export does not compile: the committed seed header with one number changed (its last
// parameter, the output bias, negated by tests/export/CMakeLists.txt at configure time) fails its
// own static_assert against PyTorch's output.
// expect: ctnet: the exported model does not reproduce check_output; the export is wrong
#ifdef CTNET_FAIL
#include "seed_model_corrupted.hpp"
#else
#include "seed_model.hpp"
#endif

int main() { return seed_model::model.forward(seed_model::check_input)[0] > 0.0f ? 1 : 0; }
