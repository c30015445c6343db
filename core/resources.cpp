#include "core/resources.h"

#include <cstdlib>

namespace tinyforge::core {

namespace fs = std::filesystem;

fs::path resourceDir() {
    if (const char* overridden = std::getenv("TINYFORGE_RESOURCES"); overridden != nullptr && *overridden != '\0') {
        return overridden;
    }
    std::error_code ec;
    const fs::path executable = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const fs::path installed = executable.parent_path().parent_path() / "share" / "tinyforge";
        if (fs::is_directory(installed / "data")) return installed;
    }
    return TINYFORGE_SOURCE_RESOURCE_DIR;
}

}  // namespace tinyforge::core
