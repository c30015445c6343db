#pragma once
// A file read front to back, plain or gzip-compressed alike, in bounded pieces: parsers read and check a header
// first, then read only as many bytes as it declares. A small file that claims gigabytes, or a gzip bomb, costs
// no more memory than the bytes actually read, capped at the declared size.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace tinyforge::core::io {

class ByteStream {
public:
    /// Opens `path`; throws DataError naming it when it is missing, a folder or unreadable.
    explicit ByteStream(const std::filesystem::path& path);
    ~ByteStream();
    ByteStream(const ByteStream&) = delete;
    ByteStream& operator=(const ByteStream&) = delete;

    /// Up to `size` bytes into `out`; fewer only at the end of the data. Throws DataError for a corrupt or
    /// truncated gzip stream, naming the file and the offset.
    std::size_t read(void* out, std::size_t size);

    /// `size` bytes, read in pieces into a buffer that grows only as data arrives. Throws DataError ("truncated")
    /// naming `what` and how much was there when the data ends first.
    std::vector<std::uint8_t> readExactly(std::uint64_t size, const std::string& what);

    /// Reads and drops `size` bytes, in pieces; throws DataError as readExactly when the data ends first.
    void skip(std::uint64_t size, const std::string& what);

    /// True when no byte is left (reads one byte ahead, kept for the next read).
    bool atEnd();

    /// Bytes consumed so far (of the inflated data for gzip).
    std::uint64_t position() const { return position_; }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    struct Handle;
    std::unique_ptr<Handle> handle_;
    std::uint64_t position_ = 0;
    int peeked_ = -1;  ///< a byte read ahead by atEnd(), or -1
};

}  // namespace tinyforge::core::io
