// The runner of the USB tests. umockdev redirects /sys and /dev/bus/usb only in processes that preload
// libumockdev-preload.so, so the runner re-executes itself under it (as umockdev-wrapper would) before Catch2 starts.
#include "tests/catch_runner.h"  // Catch2 itself is compiled once, in tests/catch_impl.cpp

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
    const char* old = std::getenv("LD_PRELOAD");
    if (!old || !std::strstr(old, "libumockdev-preload")) {
        std::string preload = "libumockdev-preload.so.0";
        if (old && *old) preload += std::string(":") + old;
        setenv("LD_PRELOAD", preload.c_str(), 1);
        execv("/proc/self/exe", argv);
        std::perror("usb_tests: cannot re-execute under libumockdev-preload.so");
        return 1;
    }
    return runCatch(argc, argv);
}
