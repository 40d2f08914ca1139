#!/usr/bin/env bash
# CI entry point: installs what is missing (tools/install_deps.sh), then runs the CMake workflows
# gcc (Debug), gcc-release (-O2), gcc-native (-O3 -march=native), clang and asan (configure,
# build, test) in sequence, stopping at the first failure.
# Usage: tools/ci.sh [preset...]   (default: gcc gcc-release gcc-native clang asan; works from any directory)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

presets=("$@")
if [ ${#presets[@]} -eq 0 ]; then presets=(gcc gcc-release gcc-native clang asan); fi

started=$SECONDS
tools/install_deps.sh

summary=()
print_summary() {
    echo
    echo "==== ctnet CI summary"
    printf '  %s\n' "${summary[@]}"
    echo "  total: $((SECONDS - started)) s"
}
for preset in "${presets[@]}"; do
    echo
    echo "==== workflow ${preset}"
    step_started=$SECONDS
    if cmake --workflow --preset "$preset"; then
        summary+=("${preset}: passed ($((SECONDS - step_started)) s)")
    else
        summary+=("${preset}: FAILED ($((SECONDS - step_started)) s); log: build/${preset}/Testing/Temporary/LastTest.log")
        print_summary
        exit 1
    fi
done
print_summary
