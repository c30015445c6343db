#pragma once
// Reads the members of a (possibly gzip-compressed) POSIX tar archive, streamed: every header is read and checked,
// and only the members the caller keeps are held in memory, each read up to the size its header declares.
// Enough of ustar and GNU tar for dataset tarballs such as cifar-10-binary.tar.gz.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tinyforge::core::io {

/// One regular file inside an archive: its path in the archive and where its bytes lie.
struct TarMember {
    std::string name;
    std::size_t offset = 0;  ///< of its data in the (inflated) archive
    std::size_t size = 0;
};

/// Whether to keep a member's bytes, given its path and declared size; may throw DataError to refuse the archive.
using KeepMember = std::function<bool(const std::string& name, std::uint64_t size)>;

class TarArchive {
public:
    /// Reads and indexes the archive at `path`, keeping the bytes of the members `keep` accepts (all without it).
    /// Throws DataError naming the archive and the member or offset at fault when a header checksum is wrong or a
    /// member runs past the end of the file.
    explicit TarArchive(const std::filesystem::path& path, const KeepMember& keep = {});

    const std::filesystem::path& path() const noexcept { return path_; }
    const std::vector<TarMember>& members() const noexcept { return members_; }

    /// The member whose file name (last path component) is `fileName`, if any.
    std::optional<TarMember> findByFileName(const std::string& fileName) const;

    /// A copy of a kept member's bytes. Throws DataError for a member that was not kept.
    std::vector<std::uint8_t> read(const TarMember& member) const;

private:
    std::filesystem::path path_;
    std::vector<TarMember> members_;
    std::vector<std::vector<std::uint8_t>> kept_;  ///< per member; empty when not kept
    std::vector<bool> isKept_;
};

}  // namespace tinyforge::core::io
