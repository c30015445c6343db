#include "core/results/run_summary.h"

namespace tinyforge::core::results {

nlohmann::json toJson(const RunSummary& summary) { return contract::toJson(summary); }

RunSummary summaryFromJson(const nlohmann::json& json) {
    if (!json.is_object()) throw contract::ContractError("summary", "expected an object, got " + contract::briefly(json));
    const auto version = json.find("schema_version");
    if (version == json.end()) {
        throw contract::ContractError("schema_version", "is missing: written by a studio older than 0.2 or not a run summary "
                                                        "(run the recipe again to get a current summary)");
    }
    if (!version->is_number_integer() || version->get<std::int64_t>() < 1) {
        throw contract::ContractError("schema_version", "expected a whole number >= 1, got " + contract::briefly(*version));
    }
    if (version->get<std::int64_t>() == 2) {  // the same but for device entries, whose counts were wrong: dropped
        nlohmann::json upgraded = json;
        upgraded["schema_version"] = kSummarySchemaVersion;
        upgraded["devices"] = nlohmann::json::array();
        return summaryFromJson(upgraded);
    }
    if (version->get<std::int64_t>() != kSummarySchemaVersion) {
        const bool newer = version->get<std::int64_t>() > kSummarySchemaVersion;
        throw contract::ContractError("schema_version", "is " + version->dump() + "; this studio reads version " +
                                                            std::to_string(kSummarySchemaVersion) +
                                                            (newer ? " (written by a newer studio: update this one)" : " (run the recipe again)"));
    }
    RunSummary summary;
    contract::fromJson(json, summary);
    return summary;
}

DeviceNeeds deviceNeeds(const RunSummary& summary) {
    if (summary.exports && summary.exports->c) {
        const auto& c = *summary.exports->c;
        return {c.flash_bytes, c.arena_bytes + c.scratch_bytes, "c export"};
    }
    if (summary.compressed) {
        const auto& c = *summary.compressed;
        return {c.bytes_deployed, c.integer ? c.integer->activation_arena_bytes : 0, "compression"};
    }
    return {};
}

nlohmann::json summarySchema() {
    auto schema = contract::documentSchema<RunSummary>("https://tinyforge.invalid/schema/summary.json", "TinyForge run summary");
    schema["$defs"]["RunSummary"]["properties"]["schema_version"]["const"] = kSummarySchemaVersion;
    return schema;
}

}  // namespace tinyforge::core::results
