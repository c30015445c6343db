#include "devices/device_error.h"
#include "devices/protocol/dfuse_layout.h"

#include <catch2/catch.hpp>

using namespace tinyforge::devices;
using Catch::Matchers::Contains;

TEST_CASE("DfuSe layout: the F405 bootloader's internal flash, sector by sector", "[dfuse]") {
    const auto layout = parseDfuseLayout("@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg", "dev");
    CHECK(layout.name == "Internal Flash");
    REQUIRE(layout.sectors.size() == 12);
    CHECK(layout.sectors[0].address == 0x08000000);
    CHECK(layout.sectors[0].size == 16384);
    CHECK(layout.sectors[3].address == 0x0800C000);
    CHECK(layout.sectors[4].address == 0x08010000);
    CHECK(layout.sectors[4].size == 65536);
    CHECK(layout.sectors[5].address == 0x08020000);
    CHECK(layout.sectors[11].address == 0x080E0000);
    CHECK(layout.sectors[11].address + layout.sectors[11].size == 0x08100000);  // 1 MiB in all
    CHECK((layout.sectors[0].readable && layout.sectors[0].erasable && layout.sectors[0].writable));  // 'g'

    // 20 KiB from the start touch sectors 0 and 1 only; an address in sector 4 maps to it.
    const auto covering = layout.sectorsCovering(0x08000000, 20 * 1024);
    REQUIRE(covering.size() == 2);
    CHECK(covering[1].address == 0x08004000);
    CHECK(layout.sectorsCovering(0x08003FFF, 2).size() == 2);
    CHECK(layout.sectorsCovering(0x08004000, 16384).size() == 1);
    CHECK(layout.sectorAt(0x0801FFFF)->address == 0x08010000);
    CHECK_FALSE(layout.sectorAt(0x08100000));
}

TEST_CASE("DfuSe layout: type letters, units, several regions", "[dfuse]") {
    // 'e' = readable + writable, not erasable; a space instead of a unit means bytes; a second address starts a region.
    const auto layout = parseDfuseLayout("@OTP Memory /0x1FFF7800/01*512 e,01*016 e/0x20000000/2*1Ka", "dev");
    REQUIRE(layout.sectors.size() == 4);
    CHECK(layout.sectors[0].size == 512);
    CHECK((layout.sectors[0].readable && !layout.sectors[0].erasable && layout.sectors[0].writable));
    CHECK(layout.sectors[1].address == 0x1FFF7A00);
    CHECK(layout.sectors[1].size == 16);
    CHECK(layout.sectors[2].address == 0x20000000);
    CHECK((layout.sectors[3].readable && !layout.sectors[3].writable));
    CHECK(parseDfuseLayout("@M/0x0/1*1Mf", "dev").sectors[0].size == 1048576);
}

TEST_CASE("DfuSe layout: bad strings are refused with the device and the fault", "[dfuse]") {
    const auto refused = [](const std::string& text, const std::string& fault) {
        INFO(text);
        CHECK_THROWS_WITH(parseDfuseLayout(text, "USB 0483:df11"), Contains("USB 0483:df11") && Contains(fault));
    };
    refused("", "does not start with '@'");
    refused("Internal Flash/0x08000000/04*016Kg", "does not start with '@'");
    refused("@Internal Flash", "expected @NAME/ADDRESS/GROUPS");
    refused("@Flash/0x08000000", "expected @NAME/ADDRESS/GROUPS");
    refused("@Flash/08000000/04*016Kg", "not a hexadecimal address");
    refused("@Flash/0x0800G000/04*016Kg", "not a hexadecimal address");
    refused("@Flash/0x108000000/1*1Kg", "does not fit 32 bits");
    refused("@Flash/0x08000000/04016Kg", "COUNT*SIZE");
    refused("@Flash/0x08000000/x4*016Kg", "sector count is not a number");
    refused("@Flash/0x08000000/04*Kg", "sector size is not a number");
    refused("@Flash/0x08000000/04*016Kz", "type 'z'");
    refused("@Flash/0x08000000/04*016K", "one type letter");
    refused("@Flash/0x08000000/04*016Kgg", "one type letter");
    refused("@Flash/0x08000000/00*016Kg", "an empty group");
    refused("@Flash/0xFFFFF000/2*4Kg", "4 GiB");
}
