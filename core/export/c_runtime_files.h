#pragma once
// The C runtime's files (resources/c_runtime) an export carries, by name: what the exporter copies and what a build
// of the exported model compiles. Kept apart from the exporter so tools that only build an export (the Linux runner,
// the firmware project) need nothing else of it.

#include <string>
#include <vector>

namespace tinyforge::core::exporting {

/// Every runtime file: its header, the private header both sources share, the reference kernels, the optimised ones.
const std::vector<std::string>& runtimeFiles();
/// The runtime's .c files, which a build compiles besides the model's own source.
const std::vector<std::string>& runtimeSources();

}  // namespace tinyforge::core::exporting
