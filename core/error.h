#pragma once
// The studio's error types. Core and devices throw these; the CLI and GUI catch them at their boundary.
// Each carries what a user needs to act: the file or board, the place in it, and what was expected.

#include <filesystem>
#include <stdexcept>
#include <string>

namespace tinyforge {

/// Base of every error the studio reports to a user. what() is the full, printable message.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

/// Bad input data: a dataset file or folder that is missing, truncated, malformed or inconsistent.
class DataError : public Error {
public:
    /// `location` is where in the file (row 12, offset 16, an image path); empty when the whole file is at fault.
    DataError(const std::filesystem::path& file, const std::string& location, const std::string& problem);
    const std::filesystem::path& file() const noexcept { return file_; }
    const std::string& location() const noexcept { return location_; }
    const std::string& problem() const noexcept { return problem_; }

protected:
    /// For subclasses that word the message themselves; the parts stay available as fields.
    DataError(const std::filesystem::path& file, const std::string& location, const std::string& problem, const std::string& message)
        : Error(message), file_(file), location_(location), problem_(problem) {}

private:
    std::filesystem::path file_;
    std::string location_;
    std::string problem_;
};

/// A setting that cannot work: an unknown format id, a fraction outside [0, 1), a missing recipe field.
class SettingsError : public Error {
public:
    using Error::Error;
};

/// A recipe that cannot run: a wrong type, an unknown key or architecture, an impossible value.
/// The message starts with the recipe file and the field's dotted path (train.lr, distill.temperature).
class RecipeError : public Error {
public:
    using Error::Error;
};

/// The user (or an observer) asked the running job to stop.
class Cancelled : public Error {
public:
    Cancelled() : Error("cancelled") {}
};

}  // namespace tinyforge
