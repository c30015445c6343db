#include "core/io/byte_stream.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/error.h"

namespace tinyforge::core::io {

namespace fs = std::filesystem;

namespace {
constexpr std::size_t kPiece = 1 << 20;
}

// zlib reads plain files unchanged ("transparent" mode), so one handle serves both kinds.
struct ByteStream::Handle {
    gzFile file = nullptr;
    ~Handle() {
        if (file) gzclose_r(file);
    }
};

ByteStream::ByteStream(const fs::path& path) : path_(path), handle_(std::make_unique<Handle>()) {
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) throw DataError(path, "", "file not found");
    if (fs::is_directory(status)) throw DataError(path, "", "is a folder, expected a file");
    handle_->file = gzopen(path.c_str(), "rb");
    if (handle_->file == nullptr) throw DataError(path, "", std::string("cannot open: ") + std::strerror(errno));
    gzbuffer(handle_->file, 256 << 10);
}

ByteStream::~ByteStream() = default;

std::size_t ByteStream::read(void* out, std::size_t size) {
    auto* bytes = static_cast<std::uint8_t*>(out);
    std::size_t got = 0;
    if (size > 0 && peeked_ >= 0) {
        bytes[got++] = static_cast<std::uint8_t>(peeked_);
        peeked_ = -1;
    }
    while (got < size) {
        const auto want = static_cast<unsigned>(std::min<std::size_t>(size - got, kPiece));
        const int n = gzread(handle_->file, bytes + got, want);
        if (n < 0) {
            int code = 0;
            const char* message = gzerror(handle_->file, &code);
            throw DataError(path_, "byte " + std::to_string(position_ + got), std::string("corrupt gzip stream: ") + message);
        }
        if (n == 0) {
            // zlib reports a gzip stream cut short only as an end of data with an error state.
            int code = 0;
            const char* message = gzerror(handle_->file, &code);
            if (code == Z_BUF_ERROR) throw DataError(path_, "byte " + std::to_string(position_ + got), "truncated gzip stream");
            if (code != Z_OK) throw DataError(path_, "byte " + std::to_string(position_ + got), std::string("corrupt gzip stream: ") + message);
            break;
        }
        got += static_cast<std::size_t>(n);
    }
    position_ += got;
    return got;
}

std::vector<std::uint8_t> ByteStream::readExactly(std::uint64_t size, const std::string& what) {
    std::vector<std::uint8_t> out;
    while (out.size() < size) {
        const std::size_t used = out.size();
        const auto piece = static_cast<std::size_t>(std::min<std::uint64_t>(size - used, kPiece * 4));
        out.resize(used + piece);
        const std::size_t got = read(out.data() + used, piece);
        out.resize(used + got);
        if (got < piece) {
            throw DataError(path_, "byte " + std::to_string(position_), "truncated: " + what + " needs " + std::to_string(size) + " bytes, the file holds " +
                                                                           std::to_string(out.size()));
        }
    }
    return out;
}

void ByteStream::skip(std::uint64_t size, const std::string& what) {
    std::vector<std::uint8_t> piece(static_cast<std::size_t>(std::min<std::uint64_t>(size, kPiece)));
    std::uint64_t left = size;
    while (left > 0) {
        const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(left, piece.size()));
        const std::size_t got = read(piece.data(), want);
        left -= got;
        if (got < want) {
            throw DataError(path_, "byte " + std::to_string(position_), "truncated: " + what + " needs " + std::to_string(size) + " bytes, the file holds " +
                                                                           std::to_string(size - left));
        }
    }
}

bool ByteStream::atEnd() {
    if (peeked_ >= 0) return false;
    std::uint8_t byte = 0;
    if (read(&byte, 1) == 0) return true;
    peeked_ = byte;
    --position_;
    return false;
}

}  // namespace tinyforge::core::io
