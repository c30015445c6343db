#!/usr/bin/env bash
# Installs the Debian 12 packages TinyForge Studio builds, runs and tests with.
# Idempotent: installs only what is missing, and runs apt-get update only then.
# Needs root (or sudo). Nothing is downloaded from anywhere but Debian's archive.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git
  # core
  libtorch-dev libopencv-dev nlohmann-json3-dev libcli11-dev zlib1g-dev
  # devices
  libusb-1.0-0-dev libssh-dev
  # ui
  qt6-base-dev qt6-base-dev-tools qt6-serialport-dev qt6-svg-dev libqcustomplot-dev libgl-dev
  # tests: Catch2 v2, the real Fashion-MNIST, a virtual display for GUI runs
  catch2 dataset-fashion-mnist xvfb xauth
  # tests and benchmarks: models traced in PyTorch, and the Python loop the engine is compared with
  python3-torch
  # export: Cortex-M cross compiler and C library, the STM32F405 board emulator
  gcc-arm-none-eabi picolibc-arm-none-eabi qemu-system-arm
  # USB devices emulated for the flashing tests (umockdev); ST-Link tools the stlink backend drives
  umockdev libumockdev-dev stlink-tools openocd
  # ONNX export (protobuf) and its check in the tools users have
  libonnx-dev libprotobuf-dev protobuf-compiler python3-onnx
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
