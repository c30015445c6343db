#include "devices/transport/ssh_session.h"

#include "core/error.h"
#include "devices/device_error.h"

#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

namespace tinyforge::devices {

namespace fs = std::filesystem;

namespace {

std::string localUserName() {
    if (const char* user = std::getenv("USER"); user && *user) return user;
    if (const passwd* pw = getpwuid(getuid())) return pw->pw_name;
    return "root";
}

fs::path defaultKnownHosts() {
    const char* home = std::getenv("HOME");
    return fs::path(home && *home ? home : "/") / ".ssh" / "known_hosts";
}

// Overwrites a secret before its memory is released.
void wipe(std::string& secret) {
    volatile char* p = secret.data();
    for (std::size_t i = 0; i < secret.size(); ++i) p[i] = 0;
    secret.clear();
}

// libssh's passphrase callback: asks through SshOptions::askPassphrase.
int passphraseCallback(const char* prompt, char* buffer, size_t length, int, int, void* userdata) {
    const auto* ask = static_cast<const std::function<std::optional<std::string>(const std::string&)>*>(userdata);
    if (!ask || !*ask) return -1;
    auto answer = (*ask)(prompt ? prompt : "Passphrase");
    if (!answer || answer->size() + 1 > length) return -1;
    std::memcpy(buffer, answer->c_str(), answer->size() + 1);
    wipe(*answer);
    return 0;
}

}  // namespace

SshTarget SshTarget::parse(const std::string& text) {
    SshTarget target;
    std::string rest = text;
    if (const auto at = rest.rfind('@'); at != std::string::npos) {
        target.user = rest.substr(0, at);
        rest = rest.substr(at + 1);
    }
    std::string port;
    if (!rest.empty() && rest.front() == '[') {  // [IPv6]:port
        const auto close = rest.find(']');
        if (close == std::string::npos) throw SettingsError("'" + text + "': missing ] after the IPv6 address");
        target.host = rest.substr(1, close - 1);
        if (close + 1 < rest.size()) {
            if (rest[close + 1] != ':') throw SettingsError("'" + text + "': expected :PORT after ]");
            port = rest.substr(close + 2);
        }
    } else if (const auto colon = rest.find(':'); colon != std::string::npos) {
        target.host = rest.substr(0, colon);
        port = rest.substr(colon + 1);
    } else {
        target.host = rest;
    }
    if (target.host.empty()) throw SettingsError("'" + text + "': no host (expected USER@HOST[:PORT])");
    if (target.host.find_first_of(" \t'\"`$;&|") != std::string::npos) throw SettingsError("'" + text + "': not a host name");
    if (!port.empty()) {
        std::size_t used = 0;
        int value = 0;
        try {
            value = std::stoi(port, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != port.size() || value < 1 || value > 65535) throw SettingsError("'" + text + "': port must be 1..65535");
        target.port = value;
    }
    if (target.user.empty()) target.user = localUserName();
    return target;
}

std::string SshTarget::describe() const {
    const bool v6 = host.find(':') != std::string::npos;
    return user + "@" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string shellQuote(const std::string& arg) {
    std::string quoted = "'";
    for (char c : arg) {
        if (c == '\'') quoted += "'\\''";
        else quoted += c;
    }
    return quoted + "'";
}

std::string shellCommand(const std::vector<std::string>& args) {
    std::string command;
    for (const auto& a : args) command += (command.empty() ? "" : " ") + shellQuote(a);
    return command;
}

struct SshSession::Impl {
    ssh_session session = nullptr;
    sftp_session sftp = nullptr;
    std::string name;  // USER@HOST:PORT, for messages

    ~Impl() {
        if (sftp) sftp_free(sftp);
        if (session) {
            if (ssh_is_connected(session)) ssh_disconnect(session);
            ssh_free(session);
        }
    }
    std::string error() const { return ssh_get_error(session); }
    [[noreturn]] void fail(const std::string& what) const { throw TransportError(name, name + ": " + what + ": " + error()); }

    void checkHostKey(const SshOptions& options, const fs::path& knownHosts, const SshTarget& target);
    void authenticate(const SshOptions& options);
    sftp_session sftpSession();
};

namespace {

// The server's key as ssh-keygen shows it: type and SHA256 fingerprint.
std::pair<std::string, std::string> serverKey(ssh_session session) {
    ssh_key key = nullptr;
    if (ssh_get_server_publickey(session, &key) != SSH_OK) return {"unknown", "unknown"};
    unsigned char* hash = nullptr;
    size_t length = 0;
    std::string fingerprint = "unknown";
    if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) == SSH_OK) {
        char* text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, length);
        if (text) fingerprint = text;
        ssh_string_free_char(text);
        ssh_clean_pubkey_hash(&hash);
    }
    const std::string type = ssh_key_type_to_char(ssh_key_type(key)) ? ssh_key_type_to_char(ssh_key_type(key)) : "unknown";
    ssh_key_free(key);
    return {type, fingerprint};
}

}  // namespace

void SshSession::Impl::checkHostKey(const SshOptions& options, const fs::path& knownHosts, const SshTarget& target) {
    const auto [type, fingerprint] = serverKey(session);
    const std::string entry = target.port == 22 ? target.host : "[" + target.host + "]:" + std::to_string(target.port);
    switch (ssh_session_is_known_server(session)) {
    case SSH_KNOWN_HOSTS_OK:
        return;
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
        throw TransportError(name, name + ": the host key has CHANGED since it was recorded in " + knownHosts.string() + " (it is now " + type + " " +
                          fingerprint + "). Someone may be intercepting the connection, so it is refused. If the board was "
                          "reinstalled, remove its old key with: ssh-keygen -R '" + entry + "' -f " + knownHosts.string());
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND: {
        const UnknownHostKey unknown{entry, type, fingerprint};
        if (!options.trustUnknownHost || !options.trustUnknownHost(unknown)) {
            throw TransportError(name, name + ": unknown host key " + type + " " + fingerprint + " (not in " + knownHosts.string() +
                              "). Compare it with the board's (ssh-keygen -lf /etc/ssh/ssh_host_" +
                              (type.rfind("ssh-", 0) == 0 ? type.substr(4) : type) + "_key.pub on the board) and, if they match, "
                              "accept it (tinyforge-cli deploy --accept-new-host-key, or Trust in the window)");
        }
        std::error_code ec;
        fs::create_directories(knownHosts.parent_path(), ec);
        if (ssh_session_update_known_hosts(session) != SSH_OK) fail("cannot add its key to " + knownHosts.string());
        return;
    }
    case SSH_KNOWN_HOSTS_ERROR:
        fail("cannot check its host key against " + knownHosts.string());
    }
}

void SshSession::Impl::authenticate(const SshOptions& options) {
    int rc = ssh_userauth_none(session, nullptr);
    if (rc == SSH_AUTH_SUCCESS) return;
    if (rc == SSH_AUTH_ERROR) fail("authentication failed");
    std::string tried;
    if (!options.identity.empty()) {
        ssh_key key = nullptr;
        if (!fs::is_regular_file(options.identity)) throw DataError(options.identity, "", "no such key file");
        auto ask = options.askPassphrase;
        if (ssh_pki_import_privkey_file(options.identity.c_str(), nullptr, passphraseCallback, &ask, &key) != SSH_OK) {
            throw DeviceError(options.identity.string() + ": not a private key libssh can read (or its passphrase was not given)");
        }
        rc = ssh_userauth_publickey(session, nullptr, key);
        ssh_key_free(key);
        if (rc == SSH_AUTH_SUCCESS) return;
        if (rc == SSH_AUTH_ERROR) fail("authentication with " + options.identity.string() + " failed");
        tried = "the key " + options.identity.string();
    } else {
        if (std::getenv("SSH_AUTH_SOCK")) {
            rc = ssh_userauth_agent(session, nullptr);
            if (rc == SSH_AUTH_SUCCESS) return;
            tried = "the agent's keys";
        }
        rc = ssh_userauth_publickey_auto(session, nullptr, nullptr);
        if (rc == SSH_AUTH_SUCCESS) return;
        tried += std::string(tried.empty() ? "" : ", ") + "the default keys in ~/.ssh";
    }
    if (options.askPassword) {
        if (auto password = options.askPassword("Password for " + name)) {
            rc = ssh_userauth_password(session, nullptr, password->c_str());
            wipe(*password);
            if (rc == SSH_AUTH_SUCCESS) return;
            tried += ", a password";
        }
    }
    throw TransportError(name, name + ": authentication refused (tried " + tried + ")");
}

sftp_session SshSession::Impl::sftpSession() {
    if (sftp) return sftp;
    sftp = sftp_new(session);
    if (!sftp) fail("cannot start SFTP");
    if (sftp_init(sftp) != SSH_OK) {
        sftp_free(sftp);
        sftp = nullptr;
        fail("the SFTP subsystem refused to start");
    }
    return sftp;
}

SshSession::SshSession(const SshTarget& target, const SshOptions& options) : m_impl(std::make_unique<Impl>()), m_target(target) {
    m_impl->name = target.describe();
    m_impl->session = ssh_new();
    if (!m_impl->session) throw TransportError(m_impl->name, m_impl->name + ": libssh could not start");
    ssh_session s = m_impl->session;
    const fs::path knownHosts = options.knownHosts.empty() ? defaultKnownHosts() : options.knownHosts;
    const long timeout = static_cast<long>(options.connectTimeout.count());
    const int port = target.port;
    const bool processConfig = false;
    ssh_options_set(s, SSH_OPTIONS_HOST, target.host.c_str());
    ssh_options_set(s, SSH_OPTIONS_PORT, &port);
    ssh_options_set(s, SSH_OPTIONS_USER, target.user.c_str());
    ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout);
    ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &processConfig);  // what the studio does does not depend on ~/.ssh/config
    ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, knownHosts.c_str());
    if (!options.knownHosts.empty()) ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");  // only the file given
    if (ssh_connect(s) != SSH_OK) m_impl->fail("cannot connect");
    m_impl->checkHostKey(options, knownHosts, target);
    m_impl->authenticate(options);
}

SshSession::~SshSession() = default;

RemoteResult SshSession::run(const std::vector<std::string>& args, std::chrono::seconds timeout) {
    const std::string command = shellCommand(args);
    ssh_channel channel = ssh_channel_new(m_impl->session);
    if (!channel) m_impl->fail("cannot open a channel");
    const auto close = [&] {
        ssh_channel_close(channel);
        ssh_channel_free(channel);
    };
    if (ssh_channel_open_session(channel) != SSH_OK || ssh_channel_request_exec(channel, command.c_str()) != SSH_OK) {
        const std::string error = m_impl->error();
        close();
        throw TransportError(m_impl->name, m_impl->name + ": cannot run " + args.front() + ": " + error);
    }
    RemoteResult result;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char buffer[4096];
    while (true) {
        const int out = ssh_channel_read_timeout(channel, buffer, sizeof buffer, 0, 100);
        if (out > 0) result.out.append(buffer, static_cast<std::size_t>(out));
        const int err = ssh_channel_read_timeout(channel, buffer, sizeof buffer, 1, 0);
        if (err > 0) result.err.append(buffer, static_cast<std::size_t>(err));
        if (out == SSH_ERROR || err == SSH_ERROR) {
            const std::string error = m_impl->error();
            close();
            throw TransportError(m_impl->name, m_impl->name + ": connection lost while running " + args.front() + ": " + error);
        }
        if (out <= 0 && err <= 0 && ssh_channel_is_eof(channel)) break;
        if (std::chrono::steady_clock::now() > deadline) {
            close();
            throw TransportError(m_impl->name, m_impl->name + ": " + args.front() + " did not finish within " + std::to_string(timeout.count()) + " s");
        }
    }
    ssh_channel_send_eof(channel);
    result.exitCode = ssh_channel_get_exit_status(channel);
    close();
    return result;
}

std::unique_ptr<RemoteHold> SshSession::hold(const std::vector<std::string>& args, std::chrono::seconds timeout) {
    const std::string command = shellCommand(args);
    ssh_channel channel = ssh_channel_new(m_impl->session);
    if (!channel) m_impl->fail("cannot open a channel");
    const auto giveUp = [&](const std::string& why) {
        ssh_channel_close(channel);
        ssh_channel_free(channel);
        throw TransportError(m_impl->name, m_impl->name + ": " + args.front() + ": " + why);
    };
    if (ssh_channel_open_session(channel) != SSH_OK || ssh_channel_request_exec(channel, command.c_str()) != SSH_OK) {
        giveUp("cannot start: " + m_impl->error());
    }
    std::string out, err;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char buffer[512];
    while (out.find('\n') == std::string::npos) {
        const int got = ssh_channel_read_timeout(channel, buffer, sizeof buffer, 0, 100);
        if (got > 0) out.append(buffer, static_cast<std::size_t>(got));
        const int gotErr = ssh_channel_read_timeout(channel, buffer, sizeof buffer, 1, 0);
        if (gotErr > 0 && err.size() < 4096) err.append(buffer, static_cast<std::size_t>(gotErr));
        if (got == SSH_ERROR || gotErr == SSH_ERROR) giveUp("connection lost: " + m_impl->error());
        if (got <= 0 && ssh_channel_is_eof(channel)) giveUp("ended without printing a line" + (err.empty() ? std::string() : ": " + err));
        if (out.size() > 4096) giveUp("printed 4 KiB without a line break");
        if (std::chrono::steady_clock::now() > deadline) giveUp("printed nothing within " + std::to_string(timeout.count()) + " s");
    }
    return std::unique_ptr<RemoteHold>(new RemoteHold(channel, out.substr(0, out.find('\n'))));
}

RemoteHold::~RemoteHold() {
    auto channel = static_cast<ssh_channel>(m_channel);
    ssh_channel_send_eof(channel);
    // Wait for the command to end (its clean-up done) or the connection to fail, whichever comes first.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    char buffer[512];
    while (std::chrono::steady_clock::now() < deadline) {
        const int got = ssh_channel_read_timeout(channel, buffer, sizeof buffer, 0, 100);
        if (got == SSH_ERROR || (got <= 0 && ssh_channel_is_eof(channel))) break;
    }
    ssh_channel_close(channel);
    ssh_channel_free(channel);
}

void SshSession::upload(const fs::path& local, const std::string& remote, int mode, const UploadProgressFn& progress) {
    std::ifstream in(local, std::ios::binary);
    if (!in) throw DeviceError(local.string() + ": cannot read it to upload");
    const std::uint64_t total = fs::file_size(local);
    sftp_session sftp = m_impl->sftpSession();
    const std::string partial = remote + ".part";
    sftp_file file = sftp_open(sftp, partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (!file) m_impl->fail("cannot create " + partial);
    std::vector<char> chunk(32 * 1024);
    std::uint64_t done = 0;
    const auto abandon = [&](const std::string& why, bool cancelled) {
        sftp_close(file);
        sftp_unlink(sftp, partial.c_str());  // best effort: the connection may be gone
        if (cancelled) throw Cancelled();
        throw TransportError(m_impl->name, m_impl->name + ": " + why + " while uploading " + local.filename().string() + " (" + std::to_string(done) + " of " +
                          std::to_string(total) + " bytes sent): " + m_impl->error());
    };
    while (done < total) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        const auto n = static_cast<std::size_t>(in.gcount());
        if (n == 0) abandon("the local file shrank", false);
        if (sftp_write(file, chunk.data(), n) != static_cast<ssize_t>(n)) abandon("connection lost", false);
        done += n;
        if (progress && !progress(done, total)) abandon("cancelled", true);
    }
    if (sftp_close(file) != SSH_OK) m_impl->fail("cannot finish writing " + partial);
    if (sftp_chmod(sftp, partial.c_str(), static_cast<mode_t>(mode)) != SSH_OK) m_impl->fail("cannot set the mode of " + partial);
    sftp_unlink(sftp, remote.c_str());  // SFTP's rename does not replace an existing file
    if (sftp_rename(sftp, partial.c_str(), remote.c_str()) != SSH_OK) m_impl->fail("cannot rename " + partial + " to " + remote);
}

}  // namespace tinyforge::devices
