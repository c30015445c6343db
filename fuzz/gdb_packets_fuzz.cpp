// GDB remote packets as an emulator's gdbstub (or anything listening on its socket) sends them: the client reads
// the replies to a memory read and a monitor command from a peer that answers with the input's bytes.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <thread>

#include "core/error.h"
#include "devices/transport/gdb_remote.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const tinyforge::fuzz::InputFile scratch(nullptr, 0, "unused");
    const auto socketPath = scratch.folder() / "gdb.sock";
    unlink(socketPath.c_str());
    const int server = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, socketPath.c_str(), sizeof address.sun_path - 1);
    if (bind(server, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || listen(server, 1) != 0) {
        close(server);
        return 0;
    }
    // The peer: whatever the client sends is ignored; the input is the stub's whole answer, then the line closes.
    std::thread peer([&] {
        const int client = accept(server, nullptr, nullptr);
        if (client < 0) return;
        std::size_t sent = 0;
        while (sent < size) {
            const auto n = write(client, data + sent, size - sent);
            if (n <= 0) break;
            sent += static_cast<std::size_t>(n);
        }
        shutdown(client, SHUT_WR);
        char sink[256];
        while (read(client, sink, sizeof sink) > 0) {
        }
        close(client);
    });
    try {
        tinyforge::devices::GdbRemote gdb(socketPath, 1);
        try {
            gdb.readMemory(0x08000000, 64);
        } catch (const tinyforge::Error&) {
        }
        try {
            gdb.monitor("system_reset");
        } catch (const tinyforge::Error&) {
        }
    } catch (const tinyforge::Error&) {
    }
    peer.join();
    close(server);
    unlink(socketPath.c_str());
    return 0;
}
