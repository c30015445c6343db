#include "test_sshd.h"

#include "tests/support/process.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace tinyforge::test {

namespace fs = std::filesystem;

namespace {

bool accepts(int port) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    close(fd);
    return ok;
}

void keygen(const fs::path& file) {
    const auto made = runProcess({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "tinyforge-test", "-f", file.string()});
    if (made.exitCode != 0) throw std::runtime_error("TestSshd: ssh-keygen failed: " + made.err);
}

std::string firstLine(const fs::path& file) {
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);
    return line;
}

}  // namespace

TestSshd::TestSshd() : m_dir(m_tempDir.path()) {
    if (!fs::exists("/usr/sbin/sshd")) throw std::runtime_error("TestSshd: /usr/sbin/sshd is missing (scripts/install-deps.sh installs openssh-server)");
    const passwd* pw = getpwuid(getuid());
    m_user = pw ? pw->pw_name : "root";
    keygen(m_dir / "host_ed25519");
    keygen(m_dir / "other_host_ed25519");
    keygen(clientKey());
    keygen(strangerKey());
    fs::copy_file(m_dir / "client_ed25519.pub", m_dir / "authorized_keys");
    m_port = freeLoopbackPort();

    // Host key lines as ssh-keyscan would record them: "[127.0.0.1]:PORT TYPE KEY".
    const auto keyOf = [&](const char* file) {
        std::istringstream words(firstLine(m_dir / file));
        std::string type, key;
        words >> type >> key;
        return type + " " + key;
    };
    const std::string entry = "[127.0.0.1]:" + std::to_string(m_port) + " ";
    writeText(knownHosts(), entry + keyOf("host_ed25519.pub") + "\n");
    writeText(changedKnownHosts(), entry + keyOf("other_host_ed25519.pub") + "\n");

    writeText(m_dir / "sshd_config", "Port " + std::to_string(m_port) + "\nListenAddress 127.0.0.1\n"
                                     "HostKey " + (m_dir / "host_ed25519").string() + "\n"
                                     "PidFile " + (m_dir / "sshd.pid").string() + "\n"
                                     "AuthorizedKeysFile " + (m_dir / "authorized_keys").string() + "\n"
                                     "PubkeyAuthentication yes\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
                                     "UsePAM no\nStrictModes no\nPermitRootLogin prohibit-password\n"
                                     "Subsystem sftp internal-sftp\nLogLevel ERROR\n"
                                     "SetEnv TMPDIR=" + remoteTmp().string() + "\n");
    fs::create_directories(remoteTmp());
    if (getuid() == 0) fs::create_directories("/run/sshd");  // its privilege-separation folder, when started as root
    m_sshd = std::make_unique<devices::ChildProcess>(std::vector<std::string>{"/usr/sbin/sshd", "-D", "-e", "-f", (m_dir / "sshd_config").string()});
    for (int i = 0; i < 100 && !accepts(m_port); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (!accepts(m_port)) throw std::runtime_error("TestSshd: sshd did not start: " + m_sshd->readAvailable(0));
}

TestSshd::~TestSshd() {
    dropConnections();
    m_sshd.reset();
}

std::string TestSshd::hostArgument() const { return m_user + "@127.0.0.1:" + std::to_string(m_port); }

devices::SshOptions TestSshd::options() const {
    devices::SshOptions options;
    options.identity = clientKey();
    options.knownHosts = knownHosts();
    return options;
}

void TestSshd::dropConnections() {
    if (!m_sshd) return;
    // The listener forks a process per connection; its children are found through /proc/PID/stat's parent field.
    const pid_t listener = m_sshd->pid();
    DIR* proc = opendir("/proc");
    if (!proc) return;
    while (const dirent* entry = readdir(proc)) {
        const pid_t pid = static_cast<pid_t>(std::atoi(entry->d_name));
        if (pid <= 0) continue;
        std::ifstream stat("/proc/" + std::string(entry->d_name) + "/stat");
        std::string line;
        std::getline(stat, line);
        const auto close = line.rfind(')');
        if (close == std::string::npos) continue;
        std::istringstream rest(line.substr(close + 2));
        char state = 0;
        pid_t parent = 0;
        rest >> state >> parent;
        if (parent == listener) kill(pid, SIGKILL);
    }
    closedir(proc);
}

bool canRunAarch64() {
    const fs::path probe = fs::temp_directory_path() / ("tinyforge-a64-probe-" + std::to_string(getpid()));
    writeText(fs::path(probe.string() + ".c"), "int main(void) { return 7; }\n");
    const auto built = runProcess({"aarch64-linux-gnu-gcc", "-static", "-O2", probe.string() + ".c", "-o", probe.string()});
    const bool ran = built.exitCode == 0 && runProcess({probe.string()}).exitCode == 7;
    fs::remove(probe);
    fs::remove(probe.string() + ".c");
    return ran;
}

}  // namespace tinyforge::test
