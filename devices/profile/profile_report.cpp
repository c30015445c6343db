#include "devices/profile/profile_report.h"

#include <functional>
#include <stdexcept>
#include <sstream>

#include <nlohmann/json.hpp>

#include "devices/device_error.h"

namespace tinyforge::devices {

namespace {

std::string tailOfOutput(const std::string& output) { return output.size() > 600 ? output.substr(output.size() - 600) : output; }

// A field of an event line that is missing or of the wrong kind; reported with the line.
struct BadField : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Calls `visit` with each JSON event line until it returns true; throws DeviceError for an "error" event.
bool forEachEvent(const std::string& output, const std::string& source, const std::function<bool(const nlohmann::json&, const std::string&)>& visit) {
    std::istringstream lines(output);
    std::string line;
    while (std::getline(lines, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line.front() != '{') continue;
        const auto event = nlohmann::json::parse(line, nullptr, false);
        if (!event.is_object() || !event.contains("event") || !event.at("event").is_string()) continue;
        if (event.at("event") == "error") throw DeviceError(source + ": the firmware stopped: " + event.value("message", std::string("unknown error")));
        try {
            if (visit(event, line)) return true;
        } catch (const nlohmann::json::exception& e) {
            throw ProtocolError(source, source + ": a line the studio cannot read (" + e.what() + "): " + line.substr(0, 300));
        } catch (const BadField& e) {
            throw ProtocolError(source, source + ": a line the studio cannot read (" + e.what() + "): " + line.substr(0, 300));
        }
    }
    return false;
}

std::int64_t count(const nlohmann::json& event, const char* key) {
    const auto found = event.find(key);
    if (found == event.end() || !found->is_number_unsigned()) throw BadField(std::string(key) + ": expected a whole number >= 0");
    return found->get<std::int64_t>();
}

}  // namespace

DeviceProfile parseProfile(const std::string& output, const std::string& source) {
    DeviceProfile p;
    std::map<std::int64_t, std::int64_t> layers;
    const bool ended = forEachEvent(output, source, [&](const nlohmann::json& event, const std::string&) {
        const std::string kind = event.at("event").get<std::string>();
        if (kind == "sample") {
            if (!event.at("identical").get<bool>()) p.mismatched.push_back(count(event, "index"));
        } else if (kind == "layer") {
            layers[count(event, "op")] = count(event, "count");
        } else if (kind == "summary") {
            p.counter = event.at("counter").get<std::string>();
            p.samples = count(event, "samples");
            p.identical = count(event, "identical");
            p.correct = count(event, "correct");
            p.countMin = count(event, "count_min");
            p.countMedian = count(event, "count_median");
            p.countMax = count(event, "count_max");
            p.stackBytes = count(event, "stack_bytes");
            p.arenaBytes = count(event, "arena_bytes");
            p.clockHz = count(event, "clock_hz");
            p.clockConfigured = event.at("clock_configured").get<bool>();
            p.clockStepsDone = count(event, "clock_steps_done");
            return true;
        }
        return false;
    });
    if (!ended) throw ProtocolError(source, source + ": no profile summary in the output:\n" + tailOfOutput(output));
    if (p.counter != "instructions" && p.counter != "dwt" && p.counter != "systick") {
        throw ProtocolError(source, source + ": the summary names an unknown counter '" + p.counter + "'");
    }
    if (p.samples <= 0) throw ProtocolError(source, source + ": the summary reports no samples");
    if (p.clockHz <= 0) throw ProtocolError(source, source + ": the summary reports no core clock");
    if (p.identical > p.samples || p.correct > p.samples) throw ProtocolError(source, source + ": the summary counts more matches than samples");
    for (std::int64_t op = 0; op < static_cast<std::int64_t>(layers.size()); ++op) {
        if (!layers.contains(op)) throw ProtocolError(source, source + ": the per-op counts skip op " + std::to_string(op));
        p.layerCounts.push_back(layers.at(op));
    }
    return p;
}

std::map<std::int64_t, std::vector<std::int8_t>> parseTensorDump(const std::string& output, const std::string& source) {
    std::map<std::int64_t, std::vector<std::int8_t>> tensors;
    const bool ended = forEachEvent(output, source, [&](const nlohmann::json& event, const std::string& line) {
        const std::string kind = event.at("event").get<std::string>();
        if (kind == "dump_done") return true;
        if (kind != "tensor") return false;
        const std::string hex = event.at("values").get<std::string>();
        if (hex.size() % 2 != 0 || hex.find_first_not_of("0123456789abcdef") != std::string::npos) {
            throw ProtocolError(source, source + ": a tensor's values are not hex bytes: " + line.substr(0, 200));
        }
        std::vector<std::int8_t> values(hex.size() / 2);
        for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<std::int8_t>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
        tensors[count(event, "op")] = std::move(values);
        return false;
    });
    if (!ended) throw ProtocolError(source, source + ": the layer dump did not finish:\n" + tailOfOutput(output));
    return tensors;
}

}  // namespace tinyforge::devices
