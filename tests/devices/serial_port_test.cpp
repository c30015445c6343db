// The serial-port reader against a real pseudo-terminal: what a board's UART (or QEMU's serial port) would send.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>

#include "devices/device_error.h"
#include "devices/transport/serial_port.h"

using namespace tinyforge::devices;
using Catch::Matchers::Contains;

namespace {
struct Pty {
    int master = -1;
    std::string slave;
    Pty() {
        master = posix_openpt(O_RDWR | O_NOCTTY);
        REQUIRE(master >= 0);
        REQUIRE(grantpt(master) == 0);
        REQUIRE(unlockpt(master) == 0);
        slave = ptsname(master);
    }
    ~Pty() { close(master); }
    void send(const std::string& text) const { REQUIRE(write(master, text.data(), text.size()) == static_cast<ssize_t>(text.size())); }
};
bool isSummary(const std::string& line) { return line.find("summary") != std::string::npos; }
}  // namespace

TEST_CASE("A serial port is read line by line until the report's last line", "[devices][serial]") {
    Pty pty;
    SerialPort port(pty.slave);
    std::thread board([&pty] {
        pty.send("boot\r\n{\"event\": \"sam");  // lines may arrive in pieces, with CR LF endings
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        pty.send("ple\"}\r\n{\"event\": \"summary\"}\r\nafter\r\n");
    });
    const std::string text = port.readUntil(isSummary, 10);
    board.join();
    CHECK_THAT(text, Contains("{\"event\": \"sample\"}") && Contains("{\"event\": \"summary\"}"));
    CHECK(text.find("after") == std::string::npos);  // stops at the summary
}

TEST_CASE("A silent port times out, and a missing one is refused, by name", "[devices][serial][bad-input]") {
    Pty pty;
    SerialPort port(pty.slave);
    pty.send("half a line");
    CHECK_THROWS_WITH(port.readUntil(isSummary, 1), Contains(pty.slave) && Contains("no complete report"));
    CHECK_THROWS_WITH(SerialPort("/dev/ttyNOPE9"), Contains("/dev/ttyNOPE9") && Contains("cannot open"));
    CHECK_THROWS_WITH(SerialPort(pty.slave, 12345), Contains("unsupported baud rate"));
}
