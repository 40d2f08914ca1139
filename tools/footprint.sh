#!/usr/bin/env bash
# Prints the firmware footprint table of docs/firmware.md (and the README): cross-builds
# examples/firmware for the committed models and measures each inference-only firmware: section
# sizes, where the model lives, and the forward pass's stack (GCC's call graph, measured under
# QEMU, and ctnet::forward_stack_bound). Progress goes to stderr, the Markdown table to stdout.
# Usage: tools/footprint.sh [build-dir]   (default build/firmware; needs gcc-arm-none-eabi,
#        libstdc++-arm-none-eabi-newlib, qemu-system-arm: tools/install_deps.sh)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build="${1:-build/firmware}"
models=(examples/firmware/model/seed_model.hpp tests/export/data/activations_model.hpp tests/export/data/residual_model.hpp)
model_arguments=()
for model in "${models[@]}"; do model_arguments+=(--model "$model"); done
python3 examples/firmware/firmware.py build --build-dir "$build" "${model_arguments[@]}" >&2

echo "Inference-only firmware (\`examples/firmware/src/main_inference.cpp\`), $(arm-none-eabi-g++ --version | head -n 1),"
echo "\`-std=c++20 -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -fno-exceptions -fno-rtti -Os\`,"
echo "\`-ffunction-sections -fdata-sections -Wl,--gc-sections\`, newlib-nano. Sizes in bytes; \`.text\` includes"
echo "the vector table; \`.bss\` is the application's sensor and actuator buffers (the stack is apart)."
echo
echo "| model | .text | .rodata | .data | .bss | the model object | forward-pass stack: call graph | measured under QEMU | \`ctnet::forward_stack_bound\` |"
echo "|---|---:|---:|---:|---:|---|---:|---:|---:|"
for model in "${models[@]}"; do
    name="$(basename "$model" .hpp)"
    python3 examples/firmware/firmware.py footprint --manifest "$build/${name}_firmware.json" --run --markdown
done
