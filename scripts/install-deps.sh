#!/usr/bin/env bash
# Installs the Debian 12 packages TinyForge Studio builds, runs and tests with.
# Idempotent: installs only what is missing, and runs apt-get update only then.
# Needs root (or sudo). Nothing is downloaded from anywhere but Debian's archive.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git
  clang libclang-rt-14-dev
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
  # Raspberry Pi and Linux boards: the runner's cross compilers, an sshd and qemu-user for the tests' board
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross gcc-arm-linux-gnueabihf libc6-dev-armhf-cross openssh-server openssh-client qemu-user-static
  # ONNX export (protobuf) and its check in the tools users have
  libonnx-dev libprotobuf-dev protobuf-compiler python3-onnx
  # the JSON Schemas (tinyforge-cli schema) checked by an independent validator in the tests
  python3-jsonschema
  # reports: the HTML rendered in a real browser, the PDF read back by poppler, in the tests
  chromium poppler-utils fonts-dejavu-core
  # sweeps on a cluster: the tests start a one-machine Slurm (slurmctld + slurmd on localhost, auth/none)
  slurm-wlm
  # the desktop entry and the project MIME type checked with the freedesktop tools
  desktop-file-utils shared-mime-info
)

# Runs aarch64 and armhf Linux programs through qemu-user (the tests' stand-in for a Raspberry Pi), as
# systemd-binfmt would at boot; a machine without it (a container) gets binfmt_misc mounted and the two formats
# registered from qemu-user-static's own definitions. Needs root; skipped, with a note, without it.
enable_qemu_user() {
  local dir=/proc/sys/fs/binfmt_misc
  [ -e "$dir/qemu-aarch64" ] && [ -e "$dir/qemu-arm" ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: run as root once to let aarch64/armhf programs run through qemu-user (binfmt_misc)"
    return 0
  fi
  [ -e "$dir/register" ] || mount -t binfmt_misc binfmt_misc "$dir" 2>/dev/null || {
    echo "install-deps: cannot mount binfmt_misc; the Raspberry Pi tests cannot run aarch64 programs"
    return 0
  }
  for arch in aarch64 arm; do
    [ -e "$dir/qemu-$arch" ] || cat "/usr/lib/binfmt.d/qemu-$arch.conf" > "$dir/register"
  done
  echo "install-deps: qemu-user registered for aarch64 and arm programs"
}

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  enable_qemu_user
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
enable_qemu_user
