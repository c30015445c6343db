#include "core/error.h"

namespace tinyforge {

namespace {
std::string composeDataMessage(const std::filesystem::path& file, const std::string& location,
                               const std::string& problem) {
    std::string message = file.string();
    if (!location.empty()) message += ": " + location;
    return message + ": " + problem;
}
}  // namespace

DataError::DataError(const std::filesystem::path& file, const std::string& location, const std::string& problem)
    : Error(composeDataMessage(file, location, problem)), file_(file), location_(location), problem_(problem) {}

}  // namespace tinyforge
