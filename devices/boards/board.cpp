#include "devices/boards/board.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/io/file_bytes.h"
#include "core/io/json_text.h"
#include "devices/device_error.h"

namespace tinyforge::devices {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class BoardFields {
public:
    BoardFields(const json& object, const fs::path& file) : object_(object), file_(file) {}

    template <typename T>
    T required(const char* key, json::value_t type) const {
        if (!object_.contains(key)) fail(key, "is missing");
        const json& value = object_.at(key);
        const bool numberWanted = type == json::value_t::number_unsigned || type == json::value_t::number_float;
        if (numberWanted ? !value.is_number() : value.type() != type) fail(key, "has the wrong type");
        if (type == json::value_t::number_unsigned && !value.is_number_unsigned()) fail(key, "must be a whole number >= 0");
        return value.get<T>();
    }
    template <typename T>
    T optional(const char* key, json::value_t type, T fallback) const {
        return object_.contains(key) ? required<T>(key, type) : fallback;
    }
    std::string optionalText(const char* key) const {
        return object_.contains(key) && object_.at(key).is_string() ? object_.at(key).get<std::string>() : "";
    }
    [[noreturn]] void fail(const std::string& key, const std::string& problem) const {
        throw BoardFileError(file_, key, problem);
    }

private:
    const json& object_;
    const fs::path& file_;
};

// Addresses and masks are written in hex, as data sheets give them: "0x40011000".
std::uint64_t hexField(const json& holder, const char* key, const std::string& name, const BoardFields& fields) {
    if (!holder.is_object() || !holder.contains(key) || !holder.at(key).is_string()) fields.fail(name, "must be hex such as \"0x40011000\"");
    const std::string text = holder.at(key).get<std::string>();
    std::size_t used = 0;
    std::uint64_t value = 0;
    try {
        value = std::stoull(text, &used, 16);
    } catch (const std::exception&) {
        used = 0;
    }
    if (text.rfind("0x", 0) != 0 || used != text.size() || value > 0xFFFFFFFFu) fields.fail(name, "must be hex such as \"0x40011000\" (32 bits)");
    return value;
}

std::uint64_t positiveField(const json& holder, const char* key, const std::string& name, const std::string& meaning, const BoardFields& fields) {
    if (!holder.contains(key) || !holder.at(key).is_number_unsigned() || holder.at(key).get<std::uint64_t>() == 0) fields.fail(name, "must be " + meaning);
    return holder.at(key).get<std::uint64_t>();
}

// {"register", "clear", "set"}: one read-modify-write; "clear" may be left out. `name` is the step's: "uart.setup[2]".
RegisterWrite parseRegisterWrite(const json& write, const std::string& name, const BoardFields& fields) {
    return {hexField(write, "register", name + ".register", fields),
            write.contains("clear") ? hexField(write, "clear", name + ".clear", fields) : 0,
            hexField(write, "set", name + ".set", fields)};
}

BoardUart parseUart(const json& uart, const BoardFields& fields) {
    BoardUart result;
    const auto address = [&](const char* key) { return hexField(uart, key, std::string("uart.") + key, fields); };
    result.base = address("base");
    result.rccRegister = address("rcc_register");
    result.layout = uart.value("layout", "");
    if (result.layout != "f4" && result.layout != "v2" && result.layout != "lpuart") fields.fail("uart.layout", "must be \"f4\", \"v2\" or \"lpuart\"");
    if (!uart.contains("rcc_bit") || !uart.at("rcc_bit").is_number_unsigned() || uart.at("rcc_bit").get<int>() > 31) {
        fields.fail("uart.rcc_bit", "must be a bit number 0..31");
    }
    result.rccBit = uart.at("rcc_bit").get<int>();
    result.clockHz = positiveField(uart, "clock_hz", "uart.clock_hz", "the UART's clock in Hz once the board's clock is set up", fields);
    result.resetClockHz = uart.contains("reset_clock_hz")
                              ? positiveField(uart, "reset_clock_hz", "uart.reset_clock_hz", "the UART's clock in Hz after reset", fields)
                              : result.clockHz;
    if (uart.contains("setup")) {
        if (!uart.at("setup").is_array()) fields.fail("uart.setup", "must be a list of {\"register\", \"clear\", \"set\"}");
        for (std::size_t i = 0; i < uart.at("setup").size(); ++i) {
            result.setup.push_back(parseRegisterWrite(uart.at("setup").at(i), "uart.setup[" + std::to_string(i) + "]", fields));
        }
    }
    return result;
}

// {"register", "clear", "set"} writes, {"wait", "mask", "value"} waits, {"spin": loops} pauses; each may carry a "note".
ClockStep parseClockStep(const json& step, const std::string& name, const BoardFields& fields) {
    if (!step.is_object()) fields.fail(name, "must be an object");
    const int kinds = static_cast<int>(step.contains("register")) + static_cast<int>(step.contains("wait")) + static_cast<int>(step.contains("spin"));
    if (kinds != 1) fields.fail(name, "must have exactly one of \"register\" (a write), \"wait\" or \"spin\"");
    ClockStep result;
    if (step.contains("note")) {
        if (!step.at("note").is_string()) fields.fail(name + ".note", "must be text");
        result.note = step.at("note").get<std::string>();
    }
    if (step.contains("register")) {
        const RegisterWrite write = parseRegisterWrite(step, name, fields);
        result.kind = ClockStep::Kind::Write;
        result.address = write.address;
        result.mask = write.clear;
        result.value = write.set;
    } else if (step.contains("wait")) {
        result.kind = ClockStep::Kind::Wait;
        result.address = hexField(step, "wait", name + ".wait", fields);
        result.mask = hexField(step, "mask", name + ".mask", fields);
        result.value = hexField(step, "value", name + ".value", fields);
        if (result.mask == 0) fields.fail(name + ".mask", "must select at least one bit");
        if (result.value & ~result.mask) fields.fail(name + ".value", "has bits outside the mask, so the wait could never end");
    } else {
        result.kind = ClockStep::Kind::Spin;
        result.value = positiveField(step, "spin", name + ".spin", "a loop count >= 1", fields);
        if (result.value > 0xFFFFFFFFu) fields.fail(name + ".spin", "must fit in 32 bits");
    }
    return result;
}

BoardClock parseClock(const json& clock, const Board& board, const BoardFields& fields) {
    if (!clock.is_object()) fields.fail("clock", "must be an object with \"reset_hz\", \"hz\" and \"setup\"");
    BoardClock result;
    result.resetHz = positiveField(clock, "reset_hz", "clock.reset_hz", "the core clock in Hz after reset", fields);
    result.hz = positiveField(clock, "hz", "clock.hz", "the core clock in Hz once set up", fields);
    if (result.hz > static_cast<std::uint64_t>(board.clockMhz) * 1000000u) {
        fields.fail("clock.hz", "is " + std::to_string(result.hz) + " Hz, above the part's " + std::to_string(board.clockMhz) + " MHz (clock_mhz)");
    }
    if (clock.contains("setup")) {
        if (!clock.at("setup").is_array()) fields.fail("clock.setup", "must be a list of steps");
        for (std::size_t i = 0; i < clock.at("setup").size(); ++i) {
            result.setup.push_back(parseClockStep(clock.at("setup").at(i), "clock.setup[" + std::to_string(i) + "]", fields));
        }
    }
    if (result.setup.empty() && result.hz != result.resetHz) fields.fail("clock.setup", "is empty, so the core stays at reset_hz; hz must equal it");
    return result;
}

BoardEmulator parseEmulator(const json& emulator, const BoardFields& fields) {
    if (!emulator.is_object()) fields.fail("emulator", "must be an object with \"machine\" and its memory map");
    BoardEmulator result;
    if (!emulator.contains("machine") || !emulator.at("machine").is_string() || emulator.at("machine").get<std::string>().empty()) {
        fields.fail("emulator.machine", "must name a qemu-system-arm machine (qemu-system-arm -M help lists them)");
    }
    result.machine = emulator.at("machine").get<std::string>();
    result.flashOrigin = hexField(emulator, "flash_origin", "emulator.flash_origin", fields);
    result.flashBytes = positiveField(emulator, "flash_bytes", "emulator.flash_bytes", "the machine's code memory in bytes", fields);
    result.ramOrigin = hexField(emulator, "ram_origin", "emulator.ram_origin", fields);
    result.ramBytes = positiveField(emulator, "ram_bytes", "emulator.ram_bytes", "the machine's data memory in bytes", fields);
    if (emulator.contains("note")) {
        if (!emulator.at("note").is_string()) fields.fail("emulator.note", "must be text");
        result.note = emulator.at("note").get<std::string>();
    }
    return result;
}

double positiveNumber(const json& holder, const char* key, const std::string& name, const std::string& meaning, const BoardFields& fields) {
    if (!holder.contains(key) || !holder.at(key).is_number() || !(holder.at(key).get<double>() > 0)) fields.fail(name, "must be " + meaning);
    return holder.at(key).get<double>();
}

BoardPower parsePower(const json& power, const BoardFields& fields) {
    if (!power.is_object()) fields.fail("power", "must be an object with \"run_current_ma\", \"at_hz\", \"supply_v\" and \"source\"");
    BoardPower result;
    result.runCurrentMa = positiveNumber(power, "run_current_ma", "power.run_current_ma", "the typical run-mode current in mA", fields);
    result.atHz = positiveField(power, "at_hz", "power.at_hz", "the core clock in Hz that current is given for", fields);
    result.supplyV = positiveNumber(power, "supply_v", "power.supply_v", "the supply voltage in V", fields);
    if (!power.contains("source") || !power.at("source").is_string() || power.at("source").get<std::string>().empty()) {
        fields.fail("power.source", "must name the datasheet and table the figure comes from");
    }
    result.source = power.at("source").get<std::string>();
    return result;
}

}  // namespace

Board loadBoard(const fs::path& file) {
    const json object = core::io::readJsonFile(file, 1 << 20);
    if (!object.is_object()) throw BoardFileError(file, "", "expected a JSON object");
    const BoardFields fields(object, file);
    Board board;
    board.id = fields.required<std::string>("id", json::value_t::string);
    if (board.id != file.stem().string()) fields.fail("id", "is '" + board.id + "' but the file is " + file.filename().string());
    board.name = fields.required<std::string>("name", json::value_t::string);
    board.kind = fields.required<std::string>("kind", json::value_t::string);
    if (board.kind != "mcu" && board.kind != "linux") fields.fail("kind", "must be \"mcu\" or \"linux\"");
    board.core = fields.required<std::string>("core", json::value_t::string);
    board.clockMhz = fields.required<int>("clock_mhz", json::value_t::number_unsigned);
    board.flashBytes = fields.required<std::uint64_t>("flash_bytes", json::value_t::number_unsigned);
    board.ramBytes = fields.required<std::uint64_t>("ram_bytes", json::value_t::number_unsigned);
    if (board.clockMhz == 0 || board.ramBytes == 0) fields.fail("clock_mhz/ram_bytes", "must be positive");
    board.fpu = fields.required<std::string>("fpu", json::value_t::string);
    board.dsp = fields.required<bool>("dsp", json::value_t::boolean);
    board.priceUsd = fields.required<double>("price_usd", json::value_t::number_float);
    board.notes = fields.optionalText("notes");
    board.flashOrigin = fields.optional<std::uint64_t>("flash_origin", json::value_t::number_unsigned, board.flashOrigin);
    board.ramOrigin = fields.optional<std::uint64_t>("ram_origin", json::value_t::number_unsigned, board.ramOrigin);
    board.linkerRamBytes = fields.optional<std::uint64_t>("linker_ram_bytes", json::value_t::number_unsigned, board.ramBytes);
    if (board.linkerRamBytes == 0 || board.linkerRamBytes > board.ramBytes) fields.fail("linker_ram_bytes", "must be in 1..ram_bytes");
    board.qemuMachine = fields.optionalText("qemu_machine");
    board.openocdTarget = fields.optionalText("openocd_target");
    if (board.kind == "linux") {
        board.arch = fields.required<std::string>("arch", json::value_t::string);
        if (board.arch != "aarch64" && board.arch != "armhf" && board.arch != "x86_64") fields.fail("arch", "must be \"aarch64\", \"armhf\" or \"x86_64\"");
        board.cc = fields.required<std::string>("cc", json::value_t::string);
        if (object.contains("cflags")) {
            const json& cflags = object.at("cflags");
            if (!cflags.is_array()) fields.fail("cflags", "must be a list of compiler options");
            for (const auto& flag : cflags) {
                if (!flag.is_string() || flag.get<std::string>().rfind("-", 0) != 0) fields.fail("cflags", "must be a list of compiler options such as \"-mcpu=cortex-a72\"");
                board.cflags.push_back(flag.get<std::string>());
            }
        }
    }
    if (object.contains("uart")) board.uart = parseUart(object.at("uart"), fields);
    if (object.contains("emulator")) {
        if (!board.qemuMachine.empty()) fields.fail("emulator", "and qemu_machine both given: qemu_machine already emulates the whole part");
        board.emulator = parseEmulator(object.at("emulator"), fields);
    }
    if (object.contains("power")) board.power = parsePower(object.at("power"), fields);
    board.clock.resetHz = board.clock.hz = static_cast<std::uint64_t>(board.clockMhz) * 1000000u;
    if (object.contains("clock")) board.clock = parseClock(object.at("clock"), board, fields);
    return board;
}

std::vector<Board> loadBoards(const fs::path& folder) {
    if (!fs::is_directory(folder)) throw DataError(folder, "", "board folder not found");
    std::vector<Board> boards;
    for (const auto& entry : fs::directory_iterator(folder)) {
        if (entry.path().extension() == ".json") boards.push_back(loadBoard(entry.path()));
    }
    std::sort(boards.begin(), boards.end(), [](const Board& a, const Board& b) { return a.id < b.id; });
    return boards;
}

const Board& findBoard(const std::vector<Board>& boards, const std::string& id) {
    for (const auto& board : boards) {
        if (board.id == id) return board;
    }
    std::string known;
    for (const auto& board : boards) known += (known.empty() ? "" : ", ") + board.id;
    throw SettingsError("unknown board '" + id + "' (known: " + known + ")");
}

}  // namespace tinyforge::devices
