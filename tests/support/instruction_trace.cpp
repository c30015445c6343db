#include "tests/support/instruction_trace.h"

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>

#include "tests/support/fixtures.h"
#include "tests/support/process.h"

namespace tinyforge::test {

namespace fs = std::filesystem;

namespace {

struct Symbol {
    std::uint64_t address = 0, size = 0;
    std::string name;
};

std::vector<Symbol> functionSymbols(const fs::path& elf) {
    const auto nm = runProcess({"arm-none-eabi-nm", "-S", "--defined-only", elf.string()});
    if (nm.exitCode != 0) throw std::runtime_error("arm-none-eabi-nm failed: " + nm.err);
    std::vector<Symbol> symbols;
    std::istringstream lines(nm.out);
    std::string address, size, type, name;
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        if (!(fields >> address >> size >> type >> name) || (type != "T" && type != "t")) continue;
        symbols.push_back({std::stoull(address, nullptr, 16) & ~1ull, std::stoull(size, nullptr, 16), name});
    }
    return symbols;
}

// The addresses `function` returns to in `caller`: each call instruction's next address.
std::set<std::uint64_t> returnAddresses(const fs::path& elf, const std::string& caller, const std::string& function) {
    const auto dump = runProcess({"arm-none-eabi-objdump", "-d", "--disassemble=" + caller, elf.string()});
    if (dump.exitCode != 0) throw std::runtime_error("arm-none-eabi-objdump failed: " + dump.err);
    std::set<std::uint64_t> returns;
    const std::regex call("^\\s*([0-9a-f]+):\\s+[0-9a-f]{4} [0-9a-f]{4}\\s+bl\\s+[0-9a-f]+ <" + function + ">");
    std::istringstream lines(dump.out);
    std::string line;
    std::smatch m;
    while (std::getline(lines, line)) {
        if (std::regex_search(line, m, call)) returns.insert(std::stoull(m[1], nullptr, 16) + 4);  // bl is 32 bits
    }
    if (returns.empty()) throw std::runtime_error(caller + " never calls " + function + " in " + elf.string());
    return returns;
}

std::string hex(std::uint64_t value) {
    std::ostringstream out;
    out << "0x" << std::hex << value;
    return out.str();
}

}  // namespace

std::vector<std::int64_t> traceCallInstructions(const fs::path& elf, const TraceOptions& options) {
    const auto symbols = functionSymbols(elf);
    const auto returns = returnAddresses(elf, options.caller, options.function);
    std::uint64_t entry = 0;
    // Log every function but the caller and the skipped ones, and the return addresses in the caller.
    std::string filter;
    for (const auto& s : symbols) {
        if (s.name == options.function) entry = s.address;
        bool skipped = s.name == options.caller || s.size == 0;
        for (const auto& name : options.skip) skipped = skipped || s.name == name;
        if (!skipped) filter += (filter.empty() ? "" : ",") + hex(s.address) + "+" + hex(s.size);
    }
    for (const auto r : returns) filter += "," + hex(r) + "+0x2";
    if (entry == 0) throw std::runtime_error(options.function + " is not in " + elf.string());

    TempDir dir;
    const fs::path log = dir / "exec.log", uart = dir / "uart.txt";
    std::string qemu = "qemu-system-arm -M " + options.machine + " -nographic -monitor none -serial " +
                       (options.uart ? "file:" + uart.string() : std::string("null")) +
                       " -semihosting-config enable=on,target=native -singlestep -d exec,nochain -dfilter " + filter + " -D " + log.string() +
                       " -kernel " + elf.string();
    // A firmware that reports on a UART parks after its last line: stop QEMU once that line is in the file.
    const std::string script = options.uart ? qemu + " & pid=$!; for i in $(seq 1200); do grep -q '" + options.lastLine + "' " + uart.string() +
                                                  " 2>/dev/null && break; sleep 0.1; done; kill $pid; wait $pid; true"
                                            : "timeout 120 " + qemu;
    const auto ran = runProcess({"sh", "-c", script});
    if (ran.exitCode != 0) throw std::runtime_error("the traced QEMU run failed: " + ran.err);

    std::ifstream in(log);
    if (!in) throw std::runtime_error("QEMU wrote no log " + log.string());
    std::vector<std::int64_t> counts;
    std::int64_t inside = -1;  // instructions so far in the current call, -1 outside one
    std::string line;
    while (std::getline(in, line)) {
        // "Trace 0: 0x7f.. [00800408/08000040/00000110/ff000201] reset_handler": the second bracketed field is the PC.
        const auto open = line.find('[');
        const auto slash = line.find('/', open);
        if (line.rfind("Trace ", 0) != 0 || open == std::string::npos || slash == std::string::npos) continue;
        const std::uint64_t pc = std::stoull(line.substr(slash + 1, 8), nullptr, 16);
        if (inside < 0) {
            if (pc == entry) inside = 1;
        } else if (returns.contains(pc)) {
            counts.push_back(inside);
            inside = -1;
        } else {
            ++inside;
        }
    }
    if (counts.empty()) throw std::runtime_error(options.function + " was never called in the traced run of " + elf.string());
    return counts;
}

}  // namespace tinyforge::test
