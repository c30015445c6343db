#include "devices/profile/profile_report.h"

#include <sstream>

#include <nlohmann/json.hpp>

#include "devices/device_error.h"

namespace tinyforge::devices {

DeviceProfile parseProfile(const std::string& output, const std::string& source) {
    std::istringstream lines(output);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.empty() || line.front() != '{') continue;
        const auto event = nlohmann::json::parse(line, nullptr, false);
        if (!event.is_object()) continue;
        const std::string kind = event.value("event", "");
        if (kind == "error") throw DeviceError(source + ": the firmware stopped: " + event.value("message", std::string("unknown error")));
        if (kind != "summary") continue;
        try {
            DeviceProfile p;
            p.counter = event.at("counter").get<std::string>();
            p.samples = event.at("samples").get<std::int64_t>();
            p.identical = event.at("identical").get<std::int64_t>();
            p.correct = event.at("correct").get<std::int64_t>();
            p.cyclesMin = event.at("cycles_min").get<std::int64_t>();
            p.cyclesMedian = event.at("cycles_median").get<std::int64_t>();
            p.cyclesMax = event.at("cycles_max").get<std::int64_t>();
            p.stackBytes = event.at("stack_bytes").get<std::int64_t>();
            p.arenaBytes = event.at("arena_bytes").get<std::int64_t>();
            p.clockHz = event.at("clock_hz").get<std::int64_t>();
            p.clockConfigured = event.at("clock_configured").get<bool>();
            p.clockStepsDone = event.at("clock_steps_done").get<std::int64_t>();
            if (p.samples <= 0) throw ProtocolError(source, source + ": the summary reports no samples");
            if (p.clockHz <= 0) throw ProtocolError(source, source + ": the summary reports no core clock");
            return p;
        } catch (const nlohmann::json::exception& e) {
            throw ProtocolError(source, source + ": a summary line the studio cannot read (" + e.what() + "): " + line);
        }
    }
    std::string tail = output.size() > 600 ? output.substr(output.size() - 600) : output;
    throw ProtocolError(source, source + ": no profile summary in the output:\n" + tail);
}

}  // namespace tinyforge::devices
