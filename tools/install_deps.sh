#!/usr/bin/env bash
# Installs, on Debian 12 (bookworm), whatever ctnet's build, tests, benchmarks and demo need and
# is missing; does nothing (no apt-get update) when everything is present. Needs root or sudo.
set -euo pipefail

packages=(
    cmake              # 3.25: presets v6, workflows
    ninja-build
    g++                # GCC 12 (with libasan/libubsan for the asan preset)
    clang-16           # the second compiler; uses GCC's libstdc++
    libboost1.81-dev   # Boost.Hana (not libboost-dev, which is 1.74)
    catch2             # 2.13
    libbenchmark-dev   # Google Benchmark 1.7.1
    libeigen3-dev      # benchmark baseline
    python3
    gcc-arm-none-eabi libstdc++-arm-none-eabi-newlib qemu-system-arm  # firmware example (label embedded)
)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${db:Status-Abbrev}' "$package" 2>/dev/null | grep -q '^ii'; then
        missing+=("$package")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "install_deps: all ${#packages[@]} packages present"
    exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
echo "install_deps: installing ${missing[*]}"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
