#!/usr/bin/env bash
# Installs what is missing, builds the examples with the gcc preset and runs the flagship demo.
# Usage: tools/demo.sh [arguments for the demo]   (works from any directory)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

demo="${CTNET_DEMO:-seed_model}"  # examples/<demo>.cpp

tools/install_deps.sh
cmake --preset gcc
cmake --build --preset gcc --target ctnet_examples
echo "==== examples/${demo}.cpp"
exec "build/gcc/examples/${demo}" "$@"
