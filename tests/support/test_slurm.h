#pragma once
// A real one-machine Slurm cluster for the tests (Debian's slurm-wlm): slurmctld and slurmd on localhost, on free
// ports, with a private configuration, state and spool under a temporary folder and auth/none (no munge key to
// manage). Started by the constructor, which waits until the node is idle, and shut down by the destructor.
// SLURM_CONF is set in this process's environment, so sbatch and squeue (and children such as tinyforge-cli) use it.

#include <filesystem>
#include <string>

#include "tests/support/fixtures.h"

namespace tinyforge::test {

class TestSlurm {
public:
    TestSlurm();  ///< throws std::runtime_error saying what is missing or what slurmctld / slurmd logged
    ~TestSlurm();
    TestSlurm(const TestSlurm&) = delete;
    TestSlurm& operator=(const TestSlurm&) = delete;

    std::filesystem::path config() const { return m_dir / "slurm.conf"; }
    std::string partition() const { return "debug"; }

private:
    void stop();
    TempDir m_tempDir;
    std::filesystem::path m_dir;
};

}  // namespace tinyforge::test
