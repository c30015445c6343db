#pragma once
// SSH to a Linux board through libssh: strict host-key checking against a known_hosts file, key, agent or typed
// password authentication, remote commands whose every argument is quoted, and SFTP uploads in chunks with
// progress. libssh stays out of this header; every error names USER@HOST:PORT and what failed.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tinyforge::devices {

/// "USER@HOST[:PORT]"; the user defaults to the local login name and the port to 22. "[::1]:2222" for IPv6.
struct SshTarget {
    std::string user;
    std::string host;
    int port = 22;
    static SshTarget parse(const std::string& text);  ///< throws DeviceError naming the text
    std::string describe() const;                      ///< "pi@192.168.1.20:22"
};

/// What the host-key check found for a host not in known_hosts; the callback decides whether to trust it.
struct UnknownHostKey {
    std::string host;         ///< "[127.0.0.1]:2222" or "raspberrypi.local"
    std::string keyType;      ///< "ssh-ed25519"
    std::string fingerprint;  ///< "SHA256:..." as ssh-keygen -lf prints it
};

struct SshOptions {
    std::filesystem::path identity;    ///< a private key file; empty: the agent, then ~/.ssh's default keys
    std::filesystem::path knownHosts;  ///< default ~/.ssh/known_hosts
    /// Asked about a host whose key is not in known_hosts: true trusts it and adds it to known_hosts. Not set: the
    /// host is refused (the CLI without --accept-new-host-key). A changed key is always refused, never asked.
    std::function<bool(const UnknownHostKey&)> trustUnknownHost;
    /// Asked for a password when no key was accepted; nullopt gives up. The password is used once, never stored.
    std::function<std::optional<std::string>(const std::string& prompt)> askPassword;
    /// Asked for a key's passphrase; nullopt gives up.
    std::function<std::optional<std::string>(const std::string& prompt)> askPassphrase;
    std::chrono::seconds connectTimeout{10};
};

struct RemoteResult {
    int exitCode = -1;
    std::string out, err;
};

/// Called as an upload advances; returning false cancels it (Cancelled is thrown, the partial file removed).
using UploadProgressFn = std::function<bool(std::uint64_t done, std::uint64_t total)>;

/// `arg` as one word for a POSIX shell: in single quotes, with embedded single quotes closed, escaped and reopened.
std::string shellQuote(const std::string& arg);
/// The words quoted and joined with spaces: what is sent as the remote command.
std::string shellCommand(const std::vector<std::string>& args);

/// A remote command started by SshSession::hold, whose standard input stays open while this object lives. The command
/// sees end of file on its input when this is destroyed, or when the connection drops: a board-side clean-up tied to
/// it runs either way. Must not outlive its session.
class RemoteHold {
public:
    ~RemoteHold();  ///< closes the command's input and waits up to 30 s for it to end; never throws
    RemoteHold(const RemoteHold&) = delete;
    RemoteHold& operator=(const RemoteHold&) = delete;
    /// The first line the command printed.
    const std::string& firstLine() const { return m_firstLine; }

private:
    friend class SshSession;
    RemoteHold(void* channel, std::string firstLine) : m_channel(channel), m_firstLine(std::move(firstLine)) {}
    void* m_channel;  // an ssh_channel; libssh stays out of this header
    std::string m_firstLine;
};

class SshSession {
public:
    /// Connects, checks the host key and authenticates. Throws DeviceError: unreachable, time-out, unknown host
    /// refused (with its fingerprint), changed host key (always refused), every authentication refused.
    SshSession(const SshTarget& target, const SshOptions& options);
    ~SshSession();
    SshSession(const SshSession&) = delete;
    SshSession& operator=(const SshSession&) = delete;

    /// Runs `args` (each one quoted) and collects its output; throws DeviceError when the connection fails or the
    /// command runs longer than `timeout` (the exit code is returned, not thrown).
    RemoteResult run(const std::vector<std::string>& args, std::chrono::seconds timeout = std::chrono::seconds(60));
    /// Starts `args` (each one quoted) and returns once it has printed its first line (within `timeout`), leaving it
    /// running with its input held open until the returned hold is destroyed. Throws DeviceError when the command
    /// cannot start, ends before printing a line, or prints none in time.
    std::unique_ptr<RemoteHold> hold(const std::vector<std::string>& args, std::chrono::seconds timeout = std::chrono::seconds(60));
    /// Uploads `local` to `remote` through SFTP in 32 KiB chunks: written to "remote.part" and renamed when whole,
    /// so `remote` is never half-written; `mode` as chmod takes it.
    void upload(const std::filesystem::path& local, const std::string& remote, int mode, const UploadProgressFn& progress = {});

    const SshTarget& target() const { return m_target; }

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    SshTarget m_target;
};

}  // namespace tinyforge::devices
