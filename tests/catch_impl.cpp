// Catch2's implementation, compiled once for every test executable (it is the slowest file of the suite to compile).
// Runners: tests/main.cpp (the default), tests/ui/main.cpp and tests/devices/usb_main.cpp (their own set-up first).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "tests/catch_runner.h"

int runCatch(int argc, char** argv) { return Catch::Session().run(argc, argv); }
