#pragma once
// What every fuzz target shares: the input as a file (most parsers read files), and the rule that a parser may
// refuse input only with the studio's own errors; anything else escaping is a finding.

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

namespace tinyforge::fuzz {

/// A file in /dev/shm (or the temp folder) holding the input, removed when this goes away.
class InputFile {
public:
    InputFile(const std::uint8_t* data, std::size_t size, const std::string& name = "input") {
        const std::filesystem::path shm = "/dev/shm";
        folder_ = (std::filesystem::is_directory(shm) ? shm : std::filesystem::temp_directory_path()) /
                  ("tinyforge-fuzz-" + std::to_string(getpid()));
        std::filesystem::create_directories(folder_);
        path_ = folder_ / name;
        std::FILE* f = std::fopen(path_.c_str(), "wb");
        if (f) {
            if (size) std::fwrite(data, 1, size, f);
            std::fclose(f);
        }
    }
    ~InputFile() {
        std::error_code ec;
        std::filesystem::remove(path_, ec);
    }
    const std::filesystem::path& path() const { return path_; }
    const std::filesystem::path& folder() const { return folder_; }

private:
    std::filesystem::path folder_, path_;
};

/// A fresh folder in /dev/shm (or the temp folder) for inputs of several files, removed with everything in it.
class InputFolder {
public:
    explicit InputFolder(const std::string& name) {
        const std::filesystem::path shm = "/dev/shm";
        path_ = (std::filesystem::is_directory(shm) ? shm : std::filesystem::temp_directory_path()) /
                ("tinyforge-fuzz-" + std::to_string(getpid()) + "-" + name);
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
        const auto file = path_ / name;
        std::filesystem::create_directories(file.parent_path());
        if (std::FILE* f = std::fopen(file.c_str(), "wb")) {
            if (size) std::fwrite(data, 1, size, f);
            std::fclose(f);
        }
        return file;
    }

private:
    std::filesystem::path path_;
};

/// True when the bytes start with gzip's magic number: such inputs are written with a .gz name.
inline bool looksGzipped(const std::uint8_t* data, std::size_t size) { return size >= 2 && data[0] == 0x1f && data[1] == 0x8b; }

}  // namespace tinyforge::fuzz
