#include "tests/support/c_checks.h"

#include <fstream>
#include <regex>

namespace tinyforge::test {

CCheck runCCheck(const std::filesystem::path& exportDir, const std::string& target) {
    CCheck check;
    check.process = runProcess({"make", "-s", "-f", TINYFORGE_RESOURCE_DIR "/c_runtime/Makefile", "EXPORT=" + exportDir.string(), target});
    check.output = check.process.out + check.process.err;
    std::smatch m;
    if (std::regex_search(check.output, m, std::regex("samples (\\d+) identical (\\d+) correct (\\d+)"))) {
        check.samples = std::stol(m[1]);
        check.identical = std::stol(m[2]);
        check.correct = std::stol(m[3]);
    }
    return check;
}

ProcessResult compileAndRunWithKernels(const std::filesystem::path& dir, const std::string& program) {
    std::ofstream(dir / "program.c") << program;
    const auto build = runProcess({"cc", "-std=c99", "-O1", "-Wall", "-Werror", "-I" TINYFORGE_RESOURCE_DIR "/c_runtime",
                                   (dir / "program.c").string(), TINYFORGE_RESOURCE_DIR "/c_runtime/tf_kernels.c",
                                   TINYFORGE_RESOURCE_DIR "/c_runtime/tf_kernels_optimised.c", TINYFORGE_RESOURCE_DIR "/c_runtime/tf_kernels_dense.c",
                                   TINYFORGE_RESOURCE_DIR "/c_runtime/tf_kernels_sparse.c", "-o",
                                   (dir / "program").string()});
    if (build.exitCode != 0) return build;
    return runProcess({(dir / "program").string()});
}

}  // namespace tinyforge::test
