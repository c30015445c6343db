#include <catch2/catch.hpp>

#include "devices/device_error.h"
#include "devices/firmware/elf_segments.h"
#include "devices/transport/gdb_remote.h"
#include "tests/support/fixtures.h"

using namespace tinyforge::devices;
namespace fx = tinyforge::test;
using Catch::Matchers::Contains;

namespace {

void put32(fx::Bytes& b, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
}
void put16(fx::Bytes& b, std::size_t at, std::uint16_t v) {
    b[at] = static_cast<std::uint8_t>(v);
    b[at + 1] = static_cast<std::uint8_t>(v >> 8);
}

// A minimal ELF32 ARM executable: two program headers, a 4-byte PT_LOAD at 0x08000000 (its load address) and a
// .bss-like PT_LOAD with no file bytes.
fx::Bytes tinyElf() {
    fx::Bytes b(52 + 2 * 32 + 4, 0);
    b[0] = 0x7f, b[1] = 'E', b[2] = 'L', b[3] = 'F', b[4] = 1, b[5] = 1, b[6] = 1;
    put16(b, 18, 40);  // EM_ARM
    put32(b, 28, 52);  // e_phoff
    put16(b, 42, 32);  // e_phentsize
    put16(b, 44, 2);   // e_phnum
    put32(b, 52, 1);                 // PT_LOAD
    put32(b, 52 + 4, 52 + 64);       // p_offset
    put32(b, 52 + 8, 0x20000000);    // p_vaddr (where it runs)
    put32(b, 52 + 12, 0x08000000);   // p_paddr (where it is loaded)
    put32(b, 52 + 16, 4);            // p_filesz
    put32(b, 84, 1);
    put32(b, 84 + 12, 0x20000100);
    put32(b, 84 + 20, 64);  // memsz only
    b[116] = 0xde, b[117] = 0xad, b[118] = 0xbe, b[119] = 0xef;
    return b;
}

}  // namespace

TEST_CASE("An ELF's loadable bytes are taken at their load addresses; bss is left to the start-up code", "[devices][firmware]") {
    fx::TempDir dir;
    fx::writeBytes(dir / "tiny.elf", tinyElf());
    const auto segments = elfLoadSegments(dir / "tiny.elf");
    REQUIRE(segments.size() == 1);
    CHECK(segments[0].address == 0x08000000);
    CHECK(segments[0].bytes == std::string("\xde\xad\xbe\xef"));
}

TEST_CASE("Files that are not ARM executables are refused by name", "[devices][firmware][bad-input]") {
    fx::TempDir dir;
    fx::writeBytes(dir / "text.elf", {'h', 'e', 'l', 'l', 'o'});
    CHECK_THROWS_WITH(elfLoadSegments(dir / "text.elf"), Contains("text.elf") && Contains("not an ELF"));
    auto x86 = tinyElf();
    put16(x86, 18, 62);
    fx::writeBytes(dir / "x86.elf", x86);
    CHECK_THROWS_WITH(elfLoadSegments(dir / "x86.elf"), Contains("not a 32-bit little-endian ARM"));
    auto cut = tinyElf();
    put32(cut, 52 + 16, 4000);  // more bytes than the file has
    fx::writeBytes(dir / "cut.elf", cut);
    CHECK_THROWS_WITH(elfLoadSegments(dir / "cut.elf"), Contains("cut.elf") && Contains("past the end"));
    CHECK_THROWS_AS(GdbRemote(dir / "no.sock", 0), tinyforge::DeviceError);  // nobody listening
}
