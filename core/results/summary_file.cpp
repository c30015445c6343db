#include "core/results/summary_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"
#include "core/io/file_bytes.h"
#include "core/io/json_text.h"

namespace tinyforge::core::results {

namespace fs = std::filesystem;

namespace {

// An exclusive flock held for the object's life. Each holder opens the lock file itself, so two threads of one
// process exclude each other as two processes do.
class SummaryLock {
public:
    explicit SummaryLock(const fs::path& runDir) {
        const fs::path file = runDir / "summary.json.lock";
        fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd_ < 0) throw Error(file.string() + ": cannot open the summary's lock: " + std::strerror(errno));
        while (::flock(fd_, LOCK_EX) != 0) {
            if (errno != EINTR) {
                ::close(fd_);
                throw Error(file.string() + ": cannot lock the summary: " + std::strerror(errno));
            }
        }
    }
    ~SummaryLock() { ::close(fd_); }  // closing releases the lock
    SummaryLock(const SummaryLock&) = delete;
    SummaryLock& operator=(const SummaryLock&) = delete;

private:
    int fd_ = -1;
};

RunSummary parseSummaryFile(const fs::path& file) {
    const auto json = io::readJsonFile(file, 64ull << 20);
    try {
        return summaryFromJson(json);
    } catch (const contract::ContractError& e) {
        throw DataError(file, e.path(), e.problem());
    }
}

void writeUnlocked(const fs::path& runDir, const RunSummary& summary) {
    const std::string text = toJson(summary).dump(2) + "\n";
    io::writeFileAtomically(summaryPath(runDir), text.data(), text.size());
}

}  // namespace

fs::path summaryPath(const fs::path& runDir) { return runDir / "summary.json"; }

RunSummary readSummary(const fs::path& runDir) {
    const fs::path file = summaryPath(runDir);
    if (!fs::is_regular_file(file)) throw DataError(file, "", "no run summary here (runs are made by tinyforge-cli run)");
    return parseSummaryFile(file);
}

std::optional<RunSummary> readSummaryIfPresent(const fs::path& runDir) {
    if (!fs::exists(summaryPath(runDir))) return std::nullopt;
    return readSummary(runDir);
}

void writeSummary(const fs::path& runDir, const RunSummary& summary) {
    const SummaryLock lock(runDir);
    writeUnlocked(runDir, summary);
}

RunSummary updateSummary(const fs::path& runDir, const std::function<void(RunSummary&)>& change) {
    const SummaryLock lock(runDir);
    RunSummary summary = readSummary(runDir);
    change(summary);
    writeUnlocked(runDir, summary);
    return summary;
}

}  // namespace tinyforge::core::results
