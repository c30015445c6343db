#include "core/export/c_runtime_files.h"

namespace tinyforge::core::exporting {

const std::vector<std::string>& runtimeFiles() {
    static const std::vector<std::string> files{"tf_kernels.h",          "tf_kernels_internal.h", "tf_kernels.c",
                                                "tf_kernels_optimised.c", "tf_kernels_dense.c",    "tf_kernels_sparse.c"};
    return files;
}

const std::vector<std::string>& runtimeSources() {
    static const std::vector<std::string> files{"tf_kernels.c", "tf_kernels_optimised.c", "tf_kernels_dense.c", "tf_kernels_sparse.c"};
    return files;
}

}  // namespace tinyforge::core::exporting
