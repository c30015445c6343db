// The firmware's clock set-up (resources/firmware/profile/clock_setup.c) runs here on the host against a model of
// the clock controller, with every bundled board's steps. The register values the steps leave are decoded with the
// reference manuals' formulas (RM0090, RM0383, RM0385, RM0351, RM0432, RM0433, RM0360) and must give the core and
// UART clocks that the board file claims. QEMU's STM32F405 has no clock controller, so this is where the set-up's
// success path is checked; the e2e deploy test covers the fallback to the reset clock on the emulated board.
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <tuple>
#include <utility>
#include <vector>

#include "devices/boards/board.h"

extern "C" {
#include "clock_setup.h"
}

using namespace tinyforge::devices;

namespace {

// Registers read back what was written. A wait on bits that no earlier step wrote (a ready flag, the clock-switch
// status) is answered after a few reads, as the hardware answers once an oscillator or PLL is up -- or never.
// A wait on bits a step wrote (flash wait states read back) must be met by the written value alone.
struct ClockControllerModel {
    std::map<std::uint32_t, std::uint32_t> registers;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> writes;  // in order
    std::vector<ClockStep> statusWaits;                            // still to come up, in order
    std::map<std::uint32_t, int> reads;
    int readsUntilReady = 3;
    bool neverReady = false;
};

ClockControllerModel* model = nullptr;

std::uint32_t bits(std::uint32_t value, int low, int width) { return (value >> low) & ((1u << width) - 1u); }

// The reset values (from the reference manuals) of registers whose other fields the steps must clear.
const std::map<std::uint32_t, std::uint32_t> kResetValues{
    {0x40023804, 0x24003010},  // F4/F7 RCC_PLLCFGR
    {0x40007000, 0x00008000},  // F411 PWR_CR: scale 2 (for the F405 and F746 this is scale 1; the steps set it anyway)
    {0x4002100C, 0x00001000},  // L4 RCC_PLLCFGR: N = 16
    {0x40007080, 0x00000100},  // L4+ PWR_CR5: R1MODE = 1 (range 1 normal)
    {0x40022000, 0x00000600},  // L4 FLASH_ACR: caches on
    {0x52002000, 0x00000037},  // H7 FLASH_ACR: 7 wait states
    {0x58024428, 0x02020200},  // H7 RCC_PLLCKSELR: DIVM1..3 = 32
    {0x5802442C, 0x01FF0000},  // H7 RCC_PLLCFGR
    {0x58024430, 0x01010280},  // H7 RCC_PLL1DIVR
    {0x5802480C, 0x00000006},  // H7 PWR_CR3: SCUEN, LDOEN
};

ClockControllerModel modelFor(const Board& board) {
    ClockControllerModel m;
    m.registers = {kResetValues.begin(), kResetValues.end()};
    std::map<std::uint32_t, std::uint32_t> written;  // bits each register has had written so far
    for (const auto& step : board.clock.setup) {
        if (step.kind == ClockStep::Kind::Write) written[static_cast<std::uint32_t>(step.address)] |= static_cast<std::uint32_t>(step.mask | step.value);
        if (step.kind == ClockStep::Kind::Wait && (step.mask & ~written[static_cast<std::uint32_t>(step.address)]) != 0) m.statusWaits.push_back(step);
    }
    return m;
}

// Runs the board's steps through the C interpreter; returns how many completed.
unsigned runClockSetup(const Board& board, ClockControllerModel& m, std::uint32_t maxPolls = 1000) {
    std::vector<tf_clock_step> steps;
    for (const auto& s : board.clock.setup) {
        steps.push_back({static_cast<std::uint32_t>(s.kind == ClockStep::Kind::Write ? TF_CLOCK_WRITE
                                                    : s.kind == ClockStep::Kind::Wait ? TF_CLOCK_WAIT
                                                                                      : TF_CLOCK_SPIN),
                         static_cast<std::uint32_t>(s.address), static_cast<std::uint32_t>(s.mask), static_cast<std::uint32_t>(s.value)});
    }
    model = &m;
    const unsigned done = tf_clock_run(steps.data(), static_cast<unsigned>(steps.size()), maxPolls);
    model = nullptr;
    return done;
}

// The index in the write log of the first write to `address` that leaves `field` equal to `value`, or -1.
int firstWrite(const ClockControllerModel& m, std::uint32_t address, std::uint32_t field, std::uint32_t value) {
    for (std::size_t i = 0; i < m.writes.size(); ++i) {
        if (m.writes[i].first == address && (m.writes[i].second & field) == value) return static_cast<int>(i);
    }
    return -1;
}

std::uint32_t apbDivider(std::uint32_t code) { return code < 4 ? 1u : 2u << (code - 4); }   // PPRE: 0xx = /1, 100 = /2, ...
std::uint32_t ahbDivider(std::uint32_t code) { return code < 8 ? 1u : (code < 12 ? 2u << (code - 8) : 64u << (code - 12)); }

const Board& bundled(const char* id) {
    static const auto boards = loadBoards(TINYFORGE_RESOURCE_DIR "/boards");
    return findBoard(boards, id);
}

// The model after every one of the board's steps completed.
ClockControllerModel fullyConfigured(const Board& board) {
    ClockControllerModel m = modelFor(board);
    REQUIRE(runClockSetup(board, m) == board.clock.setup.size());
    return m;
}

// F4/F7 RCC_PLLCFGR from HSI 16 MHz: 16 MHz / M x N / P.
std::uint32_t f4PllOutput(std::uint32_t pll) { return 16000000u / bits(pll, 0, 6) * bits(pll, 6, 9) / ((bits(pll, 16, 2) + 1) * 2); }

// L4/L4+ RCC_PLLCFGR's R output from HSI16: 16 MHz / M x N / R (PLLM is 3 bits on the L4, 4 on the L4+).
std::uint32_t l4PllOutput(std::uint32_t pll, int mBits) {
    return 16000000u / (bits(pll, 4, mBits) + 1) * bits(pll, 8, 7) / ((bits(pll, 25, 2) + 1) * 2);
}

}  // namespace

extern "C" std::uint32_t tf_test_register_read(std::uint32_t address) {
    ++model->reads[address];
    auto& waits = model->statusWaits;
    if (!model->neverReady && !waits.empty() && waits.front().address == address && model->reads[address] >= model->readsUntilReady) {
        const auto mask = static_cast<std::uint32_t>(waits.front().mask);
        model->registers[address] = (model->registers[address] & ~mask) | static_cast<std::uint32_t>(waits.front().value);
        waits.erase(waits.begin());
        model->reads[address] = 0;
    }
    return model->registers[address];
}

extern "C" void tf_test_register_write(std::uint32_t address, std::uint32_t value) {
    model->registers[address] = value;
    model->writes.emplace_back(address, value);
    model->reads[address] = 0;
}

TEST_CASE("The clock interpreter writes, waits with a bound and stops at a wait that never ends", "[devices][clock]") {
    Board board;
    board.clock.setup = {{ClockStep::Kind::Write, 0x1000, 0xF0, 0x30, ""},
                         {ClockStep::Kind::Wait, 0x2000, 0x1, 0x1, ""},
                         {ClockStep::Kind::Spin, 0, 0, 10, ""},
                         {ClockStep::Kind::Write, 0x1000, 0x0, 0x1, ""}};
    SECTION("every step runs when the flag comes up within the bound") {
        ClockControllerModel m = modelFor(board);
        m.registers[0x1000] = 0xFF;
        m.readsUntilReady = 5;
        CHECK(runClockSetup(board, m, 5) == 4);  // ready on the 5th read: 4 misses, within a bound of 5
        CHECK(m.registers[0x1000] == 0x3F);      // (0xFF & ~0xF0) | 0x30, then | 0x1
        CHECK(m.writes == std::vector<std::pair<std::uint32_t, std::uint32_t>>{{0x1000, 0x3F}, {0x1000, 0x3F}});
    }
    SECTION("a flag one read too late stops the set-up at that wait, after exactly the bound") {
        ClockControllerModel m = modelFor(board);
        m.readsUntilReady = 6;
        CHECK(runClockSetup(board, m, 5) == 1);
        CHECK(m.reads[0x2000] == 5);
        CHECK(m.writes.size() == 1);  // the write after the wait did not happen
    }
}

TEST_CASE("Every STM32 board's clock set-up leaves the PLL, flash wait states and buses its file claims", "[devices][clock]") {
    SECTION("STM32F405: HSI 16 MHz / 8 x 168 / 2 = 168 MHz, 5 wait states, USART1 on APB2 at 84 MHz") {
        const Board& b = bundled("stm32f405");
        ClockControllerModel m = fullyConfigured(b);
        const auto pll = m.registers[0x40023804];
        CHECK(bits(pll, 0, 6) == 8);
        CHECK(bits(pll, 6, 9) == 168);
        CHECK((bits(pll, 16, 2) + 1) * 2 == 2);
        CHECK(bits(pll, 22, 1) == 0);  // HSI
        CHECK(bits(pll, 24, 4) == 7);  // 336 / 7 = 48 MHz for USB
        CHECK(pll == 0x27002A08);      // hand-assembled from the fields above over the reset value's bit 29
        CHECK(16000000u / 8 * 168 / 2 == b.clock.hz);
        const auto cfgr = m.registers[0x40023808];
        CHECK(bits(cfgr, 0, 2) == 2);
        CHECK(ahbDivider(bits(cfgr, 4, 4)) == 1);
        CHECK(b.clock.hz / apbDivider(bits(cfgr, 10, 3)) == 42000000);  // APB1 at most 42 MHz
        CHECK(b.clock.hz / apbDivider(bits(cfgr, 13, 3)) == b.uart.clockHz);
        CHECK(bits(m.registers[0x40023C00], 0, 3) == 5);
        CHECK(firstWrite(m, 0x40023C00, 0x7, 5) < firstWrite(m, 0x40023808, 0x3, 2));  // wait states before the switch
    }
    SECTION("STM32F411: scale 1, HSI / 8 x 100 / 2 = 100 MHz, 3 wait states, USART2 on APB1 at 50 MHz") {
        const Board& b = bundled("stm32f411");
        ClockControllerModel m = fullyConfigured(b);
        const auto pll = m.registers[0x40023804];
        CHECK(f4PllOutput(pll) == b.clock.hz);
        CHECK(16000000u / bits(pll, 0, 6) * bits(pll, 6, 9) >= 100000000u);  // VCO 100..432 MHz
        CHECK(bits(m.registers[0x40007000], 14, 2) == 3);
        CHECK(firstWrite(m, 0x40007000, 0xC000, 0xC000) < firstWrite(m, 0x40023800, 1u << 24, 1u << 24));  // VOS while the PLL is off
        const auto cfgr = m.registers[0x40023808];
        CHECK(b.clock.hz / apbDivider(bits(cfgr, 10, 3)) == b.uart.clockHz);
        CHECK(b.uart.clockHz <= 50000000u);
        CHECK(bits(m.registers[0x40023C00], 0, 4) == 3);
        CHECK(firstWrite(m, 0x40023C00, 0xF, 3) < firstWrite(m, 0x40023808, 0x3, 2));
    }
    SECTION("STM32F746: HSI / 8 x 216 / 2 = 216 MHz with over-drive, 7 wait states, USART1 on APB2 at 108 MHz") {
        const Board& b = bundled("stm32f746");
        ClockControllerModel m = fullyConfigured(b);
        const auto pll = m.registers[0x40023804];
        CHECK(f4PllOutput(pll) == b.clock.hz);
        CHECK(bits(m.registers[0x40007000], 16, 2) == 3);  // ODEN, ODSWEN
        const auto cfgr = m.registers[0x40023808];
        CHECK(b.clock.hz / apbDivider(bits(cfgr, 10, 3)) <= 54000000u);
        CHECK(b.clock.hz / apbDivider(bits(cfgr, 13, 3)) == b.uart.clockHz);
        CHECK(bits(m.registers[0x40023C00], 0, 4) == 7);
        CHECK(firstWrite(m, 0x40007000, 1u << 17, 1u << 17) < firstWrite(m, 0x40023808, 0x3, 2));  // over-drive before the switch
        CHECK(firstWrite(m, 0x40023C00, 0xF, 7) < firstWrite(m, 0x40023808, 0x3, 2));
    }
    SECTION("STM32L476: HSI16 / 1 x 10 / 2 = 80 MHz, 4 wait states, USART2 on APB1 at 80 MHz") {
        const Board& b = bundled("stm32l476");
        ClockControllerModel m = fullyConfigured(b);
        const auto pll = m.registers[0x4002100C];
        CHECK(bits(pll, 0, 2) == 2);  // HSI16
        CHECK(bits(pll, 24, 1) == 1);  // R output on
        CHECK(l4PllOutput(pll, 3) == b.clock.hz);
        const auto cfgr = m.registers[0x40021008];
        CHECK(bits(cfgr, 0, 2) == 3);
        CHECK(b.clock.hz / ahbDivider(bits(cfgr, 4, 4)) / apbDivider(bits(cfgr, 8, 3)) == b.uart.clockHz);
        CHECK(bits(m.registers[0x40022000], 0, 3) == 4);
        CHECK(firstWrite(m, 0x40022000, 0x7, 4) < firstWrite(m, 0x40021008, 0x3, 3));
    }
    SECTION("STM32L4R5: boost mode, HSI16 x 15 / 2 = 120 MHz, 5 wait states, AHB /2 across the switch, LPUART1 at 120 MHz") {
        const Board& b = bundled("stm32l4r5");
        ClockControllerModel m = fullyConfigured(b);
        CHECK(bits(m.registers[0x40007080], 8, 1) == 0);  // R1MODE cleared: boost
        const auto pll = m.registers[0x4002100C];
        CHECK(l4PllOutput(pll, 4) == b.clock.hz);
        const auto cfgr = m.registers[0x40021008];
        CHECK(bits(cfgr, 0, 2) == 3);
        CHECK(ahbDivider(bits(cfgr, 4, 4)) == 1);
        CHECK(b.clock.hz / apbDivider(bits(cfgr, 8, 3)) == b.uart.clockHz);
        CHECK(bits(m.registers[0x40022000], 0, 4) == 5);
        const int halved = firstWrite(m, 0x40021008, 0xF0, 0x80);
        const int switched = firstWrite(m, 0x40021008, 0x3, 3);
        CHECK(halved >= 0);
        CHECK(halved < switched);  // the AHB runs at half speed when the PLL takes over ...
        CHECK((m.writes.back().second & 0xF0) == 0);  // ... and at full speed afterwards
        CHECK(b.clock.setup[b.clock.setup.size() - 2].kind == ClockStep::Kind::Spin);
    }
    SECTION("STM32H743: LDO, scale 1, HSI 64 MHz / 32 x 400 / 2 = 400 MHz, AXI 200 MHz at 2 wait states, USART3 at 100 MHz") {
        const Board& b = bundled("stm32h743");
        ClockControllerModel m = fullyConfigured(b);
        CHECK(bits(m.registers[0x5802480C], 0, 3) == 2);  // LDOEN only: supply configuration locked
        CHECK(bits(m.registers[0x58024818], 14, 2) == 3);
        const auto divm = bits(m.registers[0x58024428], 4, 6);
        const auto divr = m.registers[0x58024430];
        const std::uint32_t reference = 64000000u / divm;
        CHECK(bits(m.registers[0x58024428], 0, 2) == 0);  // HSI
        CHECK(reference >= 2000000u);
        CHECK(reference <= 4000000u);
        CHECK(bits(m.registers[0x5802442C], 2, 2) == 1);  // range 2..4 MHz
        CHECK(bits(m.registers[0x5802442C], 1, 1) == 0);  // wide VCO, 192..836 MHz
        const std::uint32_t vco = reference * (bits(divr, 0, 9) + 1);
        CHECK(vco == 800000000u);
        CHECK(vco / (bits(divr, 9, 7) + 1) == b.clock.hz);
        const auto d1 = m.registers[0x58024418];
        const std::uint32_t hclk = b.clock.hz / ahbDivider(bits(d1, 8, 4)) / ahbDivider(bits(d1, 0, 4));
        CHECK(hclk == 200000000u);
        CHECK(hclk / apbDivider(bits(m.registers[0x5802441C], 4, 3)) == b.uart.clockHz);
        CHECK(bits(m.registers[0x52002000], 0, 4) == 2);
        CHECK(bits(m.registers[0x52002000], 4, 2) == 2);
        CHECK(bits(m.registers[0x58024410], 0, 3) == 3);
        CHECK(firstWrite(m, 0x58024818, 0xC000, 0xC000) < firstWrite(m, 0x58024400, 1u << 24, 1u << 24));
    }
    SECTION("STM32F030CC: HSI / 2 x 12 = 48 MHz, 1 wait state, USART2 at 48 MHz") {
        const Board& b = bundled("stm32f030cc");
        ClockControllerModel m = fullyConfigured(b);
        const auto cfgr = m.registers[0x40021004];
        CHECK(bits(cfgr, 15, 2) == 0);  // HSI / 2
        CHECK(8000000u / 2 * (bits(cfgr, 18, 4) + 2) == b.clock.hz);
        CHECK(bits(cfgr, 0, 2) == 2);
        CHECK(b.clock.hz / apbDivider(bits(cfgr, 8, 3)) == b.uart.clockHz);
        CHECK(bits(m.registers[0x40022000], 0, 3) == 1);
        CHECK(firstWrite(m, 0x40022000, 0x7, 1) < firstWrite(m, 0x40021004, 0x3, 2));
    }
}

TEST_CASE("When no oscillator, PLL or regulator ever reports ready, every board keeps its reset clock", "[devices][clock]") {
    for (const char* id : {"stm32f030cc", "stm32f405", "stm32f411", "stm32f746", "stm32h743", "stm32l476", "stm32l4r5"}) {
        const Board& b = bundled(id);
        INFO(id);
        ClockControllerModel m = modelFor(b);
        REQUIRE_FALSE(m.statusWaits.empty());
        const ClockStep firstStatusWait = m.statusWaits.front();
        m.neverReady = true;
        const unsigned done = runClockSetup(b, m, 50);
        REQUIRE(done < b.clock.setup.size());
        CHECK(b.clock.setup[done] == firstStatusWait);
        CHECK(m.reads[static_cast<std::uint32_t>(firstStatusWait.address)] == 50);
        // The steps that ran left the clock tree as reset has it: system clock source, bus prescalers, wait states.
        const std::vector<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>> resetFields{
            {0x40023808, 0xFCF3, 0},  // F4/F7 RCC_CFGR: SW, HPRE, PPRE1, PPRE2
            {0x40023C00, 0xF, 0},     // F4/F7 FLASH_ACR latency
            {0x40021008, 0x3FF3, 0},  // L4 RCC_CFGR: SW, HPRE, PPRE1, PPRE2
            {0x40021004, 0x7F3, 0},   // F0 RCC_CFGR: SW, HPRE, PPRE
            {0x40022000, 0xF, 0},     // L4/F0 FLASH_ACR latency
            {0x58024410, 0x7, 0},     // H7 RCC_CFGR: SW
            {0x58024418, 0xF7F, 0},   // H7 RCC_D1CFGR
            {0x5802441C, 0x770, 0},   // H7 RCC_D2CFGR
            {0x52002000, 0xF, 7},     // H7 FLASH_ACR latency
        };
        for (const auto& [address, field, reset] : resetFields) {
            INFO("register 0x" << std::hex << address);
            CHECK((m.registers[address] & field) == reset);
        }
    }
}
