#!/usr/bin/env bash
# Installs what is missing, builds the examples with the gcc preset and runs the flagship demo
# (examples/vanishing_gradients.cpp), which writes gradient_norms.csv and gradient_norms.svg into
# build/gcc/ (or the directory given as its first argument).
# Usage: tools/demo.sh [arguments for the demo]   (works from any directory)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

demo="${CTNET_DEMO:-vanishing_gradients}"  # examples/<demo>.cpp; the flagship demo by default

tools/install_deps.sh
cmake --preset gcc
cmake --build --preset gcc --target ctnet_examples
echo "==== examples/${demo}.cpp"
if [ $# -eq 0 ] && [ "$demo" = vanishing_gradients ]; then set -- "$PWD/build/gcc"; fi
exec "build/gcc/examples/${demo}" "$@"
