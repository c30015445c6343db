# Every dependency is a Debian 12 package; scripts/install-deps.sh installs them.
find_package(Threads REQUIRED)
find_package(ZLIB REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(OpenCV REQUIRED COMPONENTS core imgproc imgcodecs dnn)
find_package(Torch REQUIRED)
# ONNX export writes the ONNX protobuf (libonnx-dev); only core/export/onnx_export.cpp sees its headers.
find_package(Protobuf REQUIRED)
find_package(ONNX REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBUSB REQUIRED IMPORTED_TARGET libusb-1.0)
pkg_check_modules(LIBSSH REQUIRED IMPORTED_TARGET libssh)
# Boards' serial ports (a UART through the ST-Link's virtual COM port, QEMU's pty): Qt Serial Port, non-GUI, so the
# headless build needs it too (qt6-serialport-dev).
find_package(Qt6 6.4 REQUIRED COMPONENTS Core Gui Svg SerialPort)

if(TINYFORGE_BUILD_GUI)
  find_package(Qt6 6.4 COMPONENTS Core Gui Widgets Concurrent PrintSupport Test)
  find_package(QCustomPlotQt6)
  if(NOT Qt6Widgets_FOUND OR NOT QCustomPlotQt6_FOUND)
    message(WARNING "Qt 6 Widgets or QCustomPlotQt6 not found: building headless (core, devices, CLI)")
    set(TINYFORGE_BUILD_GUI OFF)
  endif()
endif()

if(TINYFORGE_BUILD_TESTS)
  find_package(Catch2 2 REQUIRED)
  include(Catch)
  # USB devices emulated behind real /dev/bus/usb nodes, for the flashing tests
  pkg_check_modules(UMOCKDEV REQUIRED IMPORTED_TARGET umockdev-1.0)
endif()
