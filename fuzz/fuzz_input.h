#pragma once
// What every fuzz target shares: the input as a file (most parsers read files), and the rule that a parser may
// refuse input only with the studio's own errors; anything else escaping is a finding.

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

namespace tinyforge::fuzz {

/// This process's scratch folder for inputs: in /dev/shm when there is one (no disk writes), else the temp folder.
inline std::filesystem::path scratchFolder(const std::string& suffix = "") {
    const std::filesystem::path shm = "/dev/shm";
    return (std::filesystem::is_directory(shm) ? shm : std::filesystem::temp_directory_path()) /
           ("tinyforge-fuzz-" + std::to_string(getpid()) + suffix);
}

/// Writes `size` bytes to `file`, creating its folders.
inline void writeInput(const std::filesystem::path& file, const void* data, std::size_t size) {
    std::filesystem::create_directories(file.parent_path());
    if (std::FILE* f = std::fopen(file.c_str(), "wb")) {
        if (size) std::fwrite(data, 1, size, f);
        std::fclose(f);
    }
}

/// A file in the scratch folder holding the input, removed when this goes away.
class InputFile {
public:
    InputFile(const std::uint8_t* data, std::size_t size, const std::string& name = "input")
        : folder_(scratchFolder()), path_(folder_ / name) {
        writeInput(path_, data, size);
    }
    ~InputFile() {
        std::error_code ec;
        std::filesystem::remove(path_, ec);
    }
    InputFile(const InputFile&) = delete;
    InputFile& operator=(const InputFile&) = delete;
    const std::filesystem::path& path() const { return path_; }
    const std::filesystem::path& folder() const { return folder_; }

private:
    std::filesystem::path folder_, path_;
};

/// A fresh folder in the scratch folder for inputs of several files, removed with everything in it.
class InputFolder {
public:
    explicit InputFolder(const std::string& name) : path_(scratchFolder("-" + name)) {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
        std::filesystem::create_directories(path_);
    }
    ~InputFolder() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    InputFolder(const InputFolder&) = delete;
    InputFolder& operator=(const InputFolder&) = delete;
    const std::filesystem::path& path() const { return path_; }

    /// Writes `size` bytes to `name` below the folder, creating sub-folders.
    std::filesystem::path write(const std::string& name, const void* data, std::size_t size) const {
        writeInput(path_ / name, data, size);
        return path_ / name;
    }

private:
    std::filesystem::path path_;
};

/// True when the bytes start with gzip's magic number: such inputs are written with a .gz name.
inline bool looksGzipped(const std::uint8_t* data, std::size_t size) { return size >= 2 && data[0] == 0x1f && data[1] == 0x8b; }

}  // namespace tinyforge::fuzz
