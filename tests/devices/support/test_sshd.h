#pragma once
// A real OpenSSH server for the tests, standing in for a Raspberry Pi: started on 127.0.0.1 on a free port with its
// own configuration, host key and an authorized client key (keys only, no passwords), stopped when the object goes.
// Commands run as the user running the tests; aarch64 programs run through qemu-user (binfmt_misc).

#include "devices/toolchain/child_process.h"
#include "devices/transport/ssh_session.h"
#include "tests/support/fixtures.h"

#include <filesystem>
#include <memory>
#include <string>

namespace tinyforge::test {

class TestSshd {
public:
    TestSshd();   ///< throws std::runtime_error saying what is missing (openssh-server, ssh-keygen)
    ~TestSshd();

    int port() const { return m_port; }
    std::string user() const { return m_user; }
    /// "USER@127.0.0.1:PORT"
    std::string hostArgument() const;
    devices::SshTarget target() const { return devices::SshTarget::parse(hostArgument()); }
    std::filesystem::path clientKey() const { return m_dir / "client_ed25519"; }
    /// A key the server does not authorize.
    std::filesystem::path strangerKey() const { return m_dir / "stranger_ed25519"; }
    /// A known_hosts file holding this server's real host key.
    std::filesystem::path knownHosts() const { return m_dir / "known_hosts"; }
    /// A known_hosts file recording another key for this host and port (as if the board had been replaced).
    std::filesystem::path changedKnownHosts() const { return m_dir / "known_hosts_changed"; }
    /// The $TMPDIR its sessions get (sshd's SetEnv): where remote work folders are made.
    std::filesystem::path remoteTmp() const { return m_dir / "remote-tmp"; }
    /// Options that trust this server and log in with the client key.
    devices::SshOptions options() const;
    /// Kills the server's per-connection processes: every open session drops, as when a cable is pulled.
    void dropConnections();

private:
    TempDir m_tempDir;
    std::filesystem::path m_dir;
    std::string m_user;
    int m_port = 0;
    std::unique_ptr<devices::ChildProcess> m_sshd;
};

/// True when this machine runs aarch64 Linux programs (natively or through qemu-user registered with binfmt_misc).
bool canRunAarch64();

}  // namespace tinyforge::test
