// The serial-port reader (Qt Serial Port) against a real pseudo-terminal: what a board's UART (or QEMU's serial
// port) would send. Picking an ST-Link's virtual COM port among the ports the system lists.
#include <catch2/catch.hpp>

#include <QCoreApplication>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <thread>

#include "devices/device_error.h"
#include "devices/discovery/probe_watcher.h"
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

// The port watches for data through the thread's event dispatcher, as in tinyforge-cli and the studio.
void ensureQtCore() {
    static int argc = 1;
    static char name[] = "devices_tests";
    static char* argv[] = {name, nullptr};
    static QCoreApplication app(argc, argv);
}
}  // namespace

TEST_CASE("A serial port is read line by line until the report's last line", "[devices][serial]") {
    ensureQtCore();
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
    ensureQtCore();
    Pty pty;
    SerialPort port(pty.slave);
    pty.send("half a line");
    CHECK_THROWS_WITH(port.readUntil(isSummary, 1), Contains(pty.slave) && Contains("no complete report"));
    CHECK_THROWS_WITH(SerialPort("/dev/ttyNOPE9"), Contains("/dev/ttyNOPE9") && Contains("cannot open"));
    CHECK_THROWS_WITH(SerialPort(pty.slave, 12345), Contains("unsupported baud rate"));
}

TEST_CASE("When the other end goes away, what was read is returned", "[devices][serial]") {
    ensureQtCore();
    auto pty = std::make_unique<Pty>();
    SerialPort port(pty->slave);
    std::thread board([&pty] {
        pty->send("{\"event\": \"sample\"}\r\npartial");
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        pty.reset();  // QEMU exiting, a board unplugged
    });
    const auto started = std::chrono::steady_clock::now();
    const std::string text = port.readUntil(isSummary, 20);
    board.join();
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));  // not the time-out
    CHECK_THAT(text, Contains("{\"event\": \"sample\"}"));
}

TEST_CASE("An ST-Link's virtual COM port is picked among the system's serial ports", "[devices][serial][discovery]") {
    const SerialPortInfo uart{"/dev/ttyUSB0", 0x0403, 0x6001, "FT1234"};        // an FTDI adapter
    const SerialPortInfo nucleo{"/dev/ttyACM0", 0x0483, 0x374b, "066DFF485550"};  // ST-Link/V2-1 on a NUCLEO
    const SerialPortInfo disco{"/dev/ttyACM1", 0x0483, 0x374e, "003A00283438"};   // ST-Link/V3E
    const SerialPortInfo builtin{"/dev/ttyS0", 0, 0, ""};
    CHECK(pickStLinkSerialPort({builtin, uart, nucleo}, "") == "/dev/ttyACM0");
    CHECK(pickStLinkSerialPort({nucleo, disco}, "003A00283438") == "/dev/ttyACM1");  // the probe chosen with --device
    CHECK_THROWS_WITH(pickStLinkSerialPort({builtin, uart}, ""), Contains("no ST-Link virtual COM port found") && Contains("--port"));
    CHECK_THROWS_WITH(pickStLinkSerialPort({nucleo, disco}, ""),
                      Contains("several ST-Link serial ports") && Contains("/dev/ttyACM0 (ST-Link 066DFF485550)") && Contains("/dev/ttyACM1"));
    CHECK_THROWS_WITH(pickStLinkSerialPort({nucleo}, "FFFF"), Contains("ST-Link FFFF") && Contains("/dev/ttyACM0 (ST-Link 066DFF485550)"));
    // The DFU bootloader is not a probe and has no virtual COM port.
    CHECK_THROWS_WITH(pickStLinkSerialPort({{"/dev/ttyACM2", 0x0483, 0xdf11, "X"}}, ""), Contains("no ST-Link"));
}
