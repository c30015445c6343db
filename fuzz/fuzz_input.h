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

}  // namespace tinyforge::fuzz
