#include "tests/support/test_slurm.h"

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "tests/support/process.h"

namespace tinyforge::test {

namespace {

std::string userName() {
    const passwd* user = getpwuid(getuid());
    return user ? user->pw_name : "root";
}

pid_t pidFrom(const std::filesystem::path& file) {
    std::ifstream in(file);
    pid_t pid = 0;
    in >> pid;
    return pid;
}

}  // namespace

TestSlurm::TestSlurm() : m_dir(m_tempDir.path()) {
    for (const char* tool : {"slurmctld", "slurmd", "sbatch", "squeue", "scontrol"}) {
        if (runProcess({"sh", "-c", std::string("command -v ") + tool}).exitCode != 0) {
            throw std::runtime_error(std::string(tool) + " is not installed (apt-get install slurm-wlm; scripts/install-deps.sh does)");
        }
    }
    std::filesystem::create_directories(m_dir / "state");
    std::filesystem::create_directories(m_dir / "spool");
    const std::string d = m_dir.string(), user = userName();
    const int cpus = std::max(2u, std::thread::hardware_concurrency());
    writeText(config(), "ClusterName=tinyforge-test\n"
                        "SlurmctldHost=localhost\n"
                        "SlurmUser=" + user + "\nSlurmdUser=" + user + "\n"
                        "AuthType=auth/none\nCredType=cred/none\n"
                        "StateSaveLocation=" + d + "/state\nSlurmdSpoolDir=" + d + "/spool\n"
                        "SlurmctldPidFile=" + d + "/slurmctld.pid\nSlurmdPidFile=" + d + "/slurmd.pid\n"
                        "SlurmctldPort=" + std::to_string(freeLoopbackPort()) + "\nSlurmdPort=" + std::to_string(freeLoopbackPort()) + "\n"
                        "SlurmctldLogFile=" + d + "/slurmctld.log\nSlurmdLogFile=" + d + "/slurmd.log\n"
                        "ProctrackType=proctrack/pgid\nTaskPlugin=task/none\n"
                        "SchedulerType=sched/builtin\nSelectType=select/cons_tres\nSelectTypeParameters=CR_CPU\n"
                        "JobCompType=jobcomp/none\nAccountingStorageType=accounting_storage/none\nMpiDefault=none\n"
                        "ReturnToService=2\nMinJobAge=600\n"
                        "NodeName=localhost NodeHostname=localhost CPUs=" + std::to_string(cpus) + " RealMemory=4000 State=UNKNOWN\n"
                        "PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP\n");
    setenv("SLURM_CONF", config().c_str(), 1);
    // Both daemonize; -i starts slurmctld with no saved state.
    if (runProcess({"slurmctld", "-f", config().string(), "-i"}).exitCode != 0) {
        throw std::runtime_error("slurmctld did not start: " + readText(m_dir / "slurmctld.log"));
    }
    if (runProcess({"slurmd", "-f", config().string(), "-N", "localhost"}).exitCode != 0) {
        stop();
        throw std::runtime_error("slurmd did not start: " + readText(m_dir / "slurmd.log"));
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        const auto state = runProcess({"sinfo", "-h", "-o", "%t"});
        if (state.exitCode == 0 && state.out.find("idle") != std::string::npos) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    stop();
    throw std::runtime_error("the Slurm node did not become idle in 60 s: " + readText(m_dir / "slurmctld.log") + readText(m_dir / "slurmd.log"));
}

void TestSlurm::stop() {
    const pid_t pids[] = {pidFrom(m_dir / "slurmd.pid"), pidFrom(m_dir / "slurmctld.pid")};  // read before they go
    runProcess({"scontrol", "shutdown"});
    // Whatever did not stop within 10 s is killed: no daemon outlives the test.
    for (const pid_t pid : pids) {
        if (pid <= 0) continue;
        for (int i = 0; i < 100 && kill(pid, 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (kill(pid, 0) == 0) kill(pid, SIGKILL);
    }
}

TestSlurm::~TestSlurm() { stop(); }

}  // namespace tinyforge::test
