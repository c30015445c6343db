#pragma once
// The checks of an exported C model (resources/c_runtime/Makefile: host-check, qemu-check), run and read.

#include <filesystem>
#include <string>

#include "tests/support/process.h"

namespace tinyforge::test {

struct CCheck {
    ProcessResult process;
    std::string output;  ///< stdout and stderr together: QEMU's semihosting console may use either
    long samples = -1, identical = -1, correct = -1;  ///< -1 when the "samples N identical I correct C" line is missing
};

/// Runs `make -s -f resources/c_runtime/Makefile EXPORT=exportDir target` and reads its summary line.
CCheck runCCheck(const std::filesystem::path& exportDir, const std::string& target);

/// Compiles `program` (C99, -Wall -Werror) with the runtime kernels (resources/c_runtime/tf_kernels.c) by the host
/// compiler in `dir`, and runs it. A failed build comes back as the compiler's result (its exit code and messages).
ProcessResult compileAndRunWithKernels(const std::filesystem::path& dir, const std::string& program);

}  // namespace tinyforge::test
