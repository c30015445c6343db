#include "core/io/file_bytes.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>

#include <fcntl.h>
#include <unistd.h>

#include "core/error.h"

namespace tinyforge::core::io {

namespace fs = std::filesystem;

namespace {

void requireRegularFile(const fs::path& path) {
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) throw DataError(path, "", "file not found");
    if (fs::is_directory(status)) throw DataError(path, "", "is a folder, expected a file");
}

std::string humanBytes(std::uint64_t bytes) {
    return std::to_string(bytes >> 20) + " MiB";
}

std::vector<std::uint8_t> inflateGzip(const fs::path& path, std::uint64_t limit) {
    gzFile gz = gzopen(path.c_str(), "rb");
    if (gz == nullptr) throw DataError(path, "", std::string("cannot open: ") + std::strerror(errno));
    std::unique_ptr<gzFile_s, int (*)(gzFile)> closer(gz, gzclose_r);
    gzbuffer(gz, 1 << 20);

    std::vector<std::uint8_t> out;
    for (;;) {
        const std::size_t used = out.size();
        if (used > limit) {
            throw DataError(path, "", "inflates to more than the " + humanBytes(limit) + " limit");
        }
        // Pieces grow with what has been read (64 KiB to 4 MiB): a small file costs a small buffer.
        const std::size_t piece = std::clamp<std::size_t>(used, 64 << 10, 4 << 20);
        out.resize(used + piece);
        const int got = gzread(gz, out.data() + used, static_cast<unsigned>(piece));
        if (got < 0) {
            int code = 0;
            const char* message = gzerror(gz, &code);
            throw DataError(path, "byte " + std::to_string(used), std::string("corrupt gzip stream: ") + message);
        }
        out.resize(used + static_cast<std::size_t>(got));
        if (got == 0) break;
    }
    // zlib reports a stream cut short only as a short read followed by an error state.
    int code = 0;
    const char* message = gzerror(gz, &code);
    if (code != Z_OK && code != Z_BUF_ERROR) {
        throw DataError(path, "byte " + std::to_string(out.size()), std::string("corrupt gzip stream: ") + message);
    }
    if (code == Z_BUF_ERROR) {
        throw DataError(path, "byte " + std::to_string(out.size()), "truncated gzip stream");
    }
    if (out.size() > limit) throw DataError(path, "", "inflates to more than the " + humanBytes(limit) + " limit");
    return out;
}

std::vector<std::uint8_t> readPlain(const fs::path& path, std::uint64_t limit) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec) throw DataError(path, "", "cannot read size: " + ec.message());
    if (size > limit) throw DataError(path, "", "larger than the " + humanBytes(limit) + " limit");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError(path, "", std::string("cannot open: ") + std::strerror(errno));
    std::vector<std::uint8_t> out(size);
    in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(size));
    if (static_cast<std::uint64_t>(in.gcount()) != size) throw DataError(path, "", "read failed part-way");
    return out;
}

}  // namespace

bool isGzipFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    unsigned char magic[2] = {0, 0};
    in.read(reinterpret_cast<char*>(magic), 2);
    return in.gcount() == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

std::vector<std::uint8_t> readFileBytes(const fs::path& path, std::uint64_t limit) {
    requireRegularFile(path);
    return isGzipFile(path) ? inflateGzip(path, limit) : readPlain(path, limit);
}

std::vector<std::uint8_t> readRawFileBytes(const fs::path& path, std::uint64_t limit) {
    requireRegularFile(path);
    return readPlain(path, limit);
}

std::string readTextFile(const fs::path& path, std::uint64_t limit) {
    const auto bytes = readRawFileBytes(path, limit);
    return std::string(bytes.begin(), bytes.end());
}

void writeFileAtomically(const fs::path& path, const void* bytes, std::size_t size) {
    const fs::path temp = path.string() + ".tmp-" + std::to_string(::getpid());
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw Error(temp.string() + ": cannot create: " + std::strerror(errno));
    const auto* cursor = static_cast<const char*>(bytes);
    std::size_t left = size;
    while (left > 0) {
        const ssize_t wrote = ::write(fd, cursor, left);
        if (wrote < 0 && errno == EINTR) continue;
        if (wrote <= 0) {
            const int saved = errno;
            ::close(fd);
            ::unlink(temp.c_str());
            throw Error(path.string() + ": write failed: " + std::strerror(saved));
        }
        cursor += wrote;
        left -= static_cast<std::size_t>(wrote);
    }
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!synced || std::rename(temp.c_str(), path.c_str()) != 0) {
        const int saved = errno;
        ::unlink(temp.c_str());
        throw Error(path.string() + ": cannot replace atomically: " + std::strerror(saved));
    }
}

std::uint32_t readBigEndian32(const std::vector<std::uint8_t>& bytes, std::size_t offset) {
    return (std::uint32_t{bytes[offset]} << 24) | (std::uint32_t{bytes[offset + 1]} << 16) |
           (std::uint32_t{bytes[offset + 2]} << 8) | std::uint32_t{bytes[offset + 3]};
}

}  // namespace tinyforge::core::io
