#pragma once
// What a path given to the studio from outside holds (`tinyforge FILE...`, the desktop's Open With, a file dropped on
// the window), decided from the files themselves so each opens where it belongs.

#include <filesystem>

namespace tinyforge::ui {

enum class OpenTarget {
    Project,  ///< a .tfproj file: opened as the project
    Run,      ///< a run folder (summary.json): shown in Compare, Export and Devices
    Sweep,    ///< a sweep folder (plan.json and points/): shown on the Sweep page
    Dataset,  ///< anything else that exists: loaded on the Data page, whose loaders say what they cannot read
};

/// Classifies `path`; throws Error naming it when nothing is there.
OpenTarget classifyOpenTarget(const std::filesystem::path& path);

}  // namespace tinyforge::ui
