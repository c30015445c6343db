#include "ui/open_target.h"

#include <algorithm>
#include <cctype>

#include "core/error.h"
#include "report/sweep_table.h"

namespace tinyforge::ui {

OpenTarget classifyOpenTarget(const std::filesystem::path& path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status)) throw Error(path.string() + ": no such file or folder");
    if (std::filesystem::is_directory(status)) {
        if (std::filesystem::exists(path / "summary.json", ec)) return OpenTarget::Run;
        if (report::isSweepFolder(path)) return OpenTarget::Sweep;
        return OpenTarget::Dataset;
    }
    std::string extension = path.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return extension == ".tfproj" ? OpenTarget::Project : OpenTarget::Dataset;
}

}  // namespace tinyforge::ui
