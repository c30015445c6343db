#pragma once
// Reads the members of a (possibly gzip-compressed) POSIX tar archive held in memory.
// Enough of ustar and GNU tar for dataset tarballs such as cifar-10-binary.tar.gz.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tinyforge::core::io {

/// One regular file inside an archive: its path in the archive and where its bytes lie.
struct TarMember {
    std::string name;
    std::size_t offset = 0;
    std::size_t size = 0;
};

class TarArchive {
public:
    /// Reads and indexes the archive at `path`. Throws DataError naming the archive and the member or
    /// offset at fault when a header checksum is wrong or a member runs past the end of the file.
    explicit TarArchive(const std::filesystem::path& path);

    const std::filesystem::path& path() const noexcept { return path_; }
    const std::vector<TarMember>& members() const noexcept { return members_; }

    /// The member whose file name (last path component) is `fileName`, if any.
    std::optional<TarMember> findByFileName(const std::string& fileName) const;

    /// A copy of a member's bytes.
    std::vector<std::uint8_t> read(const TarMember& member) const;

private:
    std::filesystem::path path_;
    std::vector<std::uint8_t> bytes_;
    std::vector<TarMember> members_;
};

}  // namespace tinyforge::core::io
