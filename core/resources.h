#pragma once
// Where the studio's bundled data lives: the Iris CSV, board files, recipes.

#include <filesystem>

namespace tinyforge::core {

/// The resources folder: $TINYFORGE_RESOURCES if set, else ../share/tinyforge beside the running executable
/// (an installed studio), else the source tree's resources/ (a build-tree run).
std::filesystem::path resourceDir();

}  // namespace tinyforge::core
