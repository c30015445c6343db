// The GDB remote client against a peer on a Unix socket that answers with given bytes: good replies are read, and
// replies no gdbstub sends (found by fuzz/gdb_packets_fuzz.cpp) are refused with a DeviceError, never a crash.
#include "devices/device_error.h"
#include "devices/transport/gdb_remote.h"
#include "tests/support/fixtures.h"

#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <thread>

using namespace tinyforge::devices;
namespace fx = tinyforge::test;
using Catch::Matchers::Contains;

namespace {

// Listens on `path`; the first client gets `reply`, then its writes are read and dropped until it hangs up.
class ScriptedStub {
public:
    ScriptedStub(const std::filesystem::path& path, std::string reply) : reply_(std::move(reply)) {
        server_ = socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
        REQUIRE(bind(server_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        REQUIRE(listen(server_, 1) == 0);
        thread_ = std::thread([this] {
            const int client = accept(server_, nullptr, nullptr);
            if (client < 0) return;
            (void)!write(client, reply_.data(), reply_.size());
            shutdown(client, SHUT_WR);
            char sink[256];
            while (read(client, sink, sizeof sink) > 0) {
            }
            close(client);
        });
    }
    ~ScriptedStub() {
        thread_.join();
        close(server_);
    }

private:
    std::string reply_;
    int server_ = -1;
    std::thread thread_;
};

std::string packet(const std::string& payload) {
    unsigned sum = 0;
    for (const char c : payload) sum += static_cast<unsigned char>(c);
    char tail[4];
    std::snprintf(tail, sizeof tail, "#%02x", sum & 0xFFu);
    return "$" + payload + tail;
}

std::string readFrom(const std::string& reply) {
    fx::TempDir dir;
    const auto path = dir / "gdb.sock";
    ScriptedStub stub(path, reply);
    GdbRemote gdb(path, 2);
    return gdb.readMemory(0x08000000, 4);
}

}  // namespace

TEST_CASE("GDB remote: a memory reply is decoded from hex", "[devices][gdb]") {
    CHECK(readFrom("+" + packet("0011a2ff")) == std::string("\x00\x11\xa2\xff", 4));
}

TEST_CASE("GDB remote: replies no gdbstub sends are refused with the socket named", "[devices][gdb][bad-input]") {
    // The fuzzer's first find: a checksum that is not hex made std::stoul throw past every handler.
    CHECK_THROWS_WITH(readFrom(std::string("+$\xd5" "0SSSS5#\0'", 12)), Contains("gdb.sock") && Contains("checksum is not two hex digits"));
    CHECK_THROWS_WITH(readFrom("+" + packet("00zz1122")), Contains("the reply is not hex"));
    CHECK_THROWS_WITH(readFrom("+$" + std::string(70000, 'a')), Contains("longer than 64 KiB"));
    CHECK_THROWS_AS(readFrom("+$0011#00$0011#00$0011#00$0011#00$0011#00$0011#00$0011#00$0011#00$0011#00$0011#00"), tinyforge::ProtocolError);
}
