#include "core/recipe/json_fields.h"

#include <sstream>

#include "core/error.h"

namespace tinyforge::core::recipe {

namespace {
std::string describeNumber(double x) {
    std::ostringstream text;
    text << x;  // 0, 0.95, 1e+06: no trailing zeros
    return text.str();
}

std::string describe(const nlohmann::json& value) {
    const std::string text = value.dump();
    return text.size() > 40 ? text.substr(0, 37) + "..." : text;
}
}  // namespace

JsonFields::JsonFields(const nlohmann::json& object, std::string path, std::string file)
    : object_(object), path_(std::move(path)), file_(std::move(file)) {
    if (!object_.is_object()) {
        throw RecipeError(file_ + ": " + (path_.empty() ? "the recipe" : path_) + ": expected an object, got " +
                          describe(object_));
    }
}

void JsonFields::fail(const std::string& key, const std::string& problem) const {
    throw RecipeError(file_ + ": " + pathOf(key) + ": " + problem);
}

std::string JsonFields::text(const std::string& key, const std::string& fallback) {
    read_.insert(key);
    if (!has(key)) return fallback;
    const auto& value = object_.at(key);
    if (!value.is_string()) fail(key, "expected a string, got " + describe(value));
    return value.get<std::string>();
}

std::string JsonFields::requiredText(const std::string& key) {
    if (!has(key)) fail(key, "is required");
    return text(key, "");
}

std::string JsonFields::choice(const std::string& key, const std::string& fallback,
                               const std::vector<std::string>& allowed) {
    const std::string value = text(key, fallback);
    if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return value;
    std::string options;
    for (const auto& a : allowed) options += (options.empty() ? "\"" : ", \"") + a + "\"";
    fail(key, "must be one of " + options + ", got \"" + value + "\"");
}

double JsonFields::number(const std::string& key, double fallback, double min, double max, bool minExclusive) {
    read_.insert(key);
    if (!has(key)) return fallback;
    const auto& value = object_.at(key);
    if (!value.is_number()) fail(key, "expected a number, got " + describe(value));
    const double x = value.get<double>();
    const bool below = minExclusive ? x <= min : x < min;
    if (below || x > max) {
        fail(key, "must be " + std::string(minExclusive ? "> " : ">= ") + describeNumber(min) + " and <= " + describeNumber(max) +
                      ", got " + describe(value));
    }
    return x;
}

std::int64_t JsonFields::integer(const std::string& key, std::int64_t fallback, std::int64_t min, std::int64_t max) {
    read_.insert(key);
    if (!has(key)) return fallback;
    const auto& value = object_.at(key);
    if (!value.is_number_integer()) fail(key, "expected a whole number, got " + describe(value));
    const auto x = value.get<std::int64_t>();
    if (x < min || x > max) {
        fail(key, "must be from " + std::to_string(min) + " to " + std::to_string(max) + ", got " + describe(value));
    }
    return x;
}

bool JsonFields::flag(const std::string& key, bool fallback) {
    read_.insert(key);
    if (!has(key)) return fallback;
    const auto& value = object_.at(key);
    if (!value.is_boolean()) fail(key, "expected true or false, got " + describe(value));
    return value.get<bool>();
}

std::vector<std::string> JsonFields::textList(const std::string& key) {
    read_.insert(key);
    if (!has(key)) return {};
    const auto& value = object_.at(key);
    if (!value.is_array()) fail(key, "expected a list of strings, got " + describe(value));
    std::vector<std::string> out;
    for (const auto& item : value) {
        if (!item.is_string()) fail(key, "expected a list of strings, got " + describe(value));
        out.push_back(item.get<std::string>());
    }
    return out;
}

std::map<std::string, double> JsonFields::numberMap(const std::string& key, double min, double max) {
    read_.insert(key);
    if (!has(key)) return {};
    const auto& value = object_.at(key);
    if (!value.is_object()) fail(key, "expected an object of numbers by layer name, got " + describe(value));
    std::map<std::string, double> out;
    for (const auto& [name, number] : value.items()) {
        if (!number.is_number() || number.get<double>() < min || number.get<double>() > max) {
            fail(key + "." + name, "must be a number from " + describeNumber(min) + " to " + describeNumber(max));
        }
        out[name] = number.get<double>();
    }
    return out;
}

const nlohmann::json& JsonFields::object(const std::string& key) {
    static const nlohmann::json null;
    read_.insert(key);
    if (!has(key)) return null;
    if (!object_.at(key).is_object()) fail(key, "expected an object, got " + describe(object_.at(key)));
    return object_.at(key);
}

const nlohmann::json& JsonFields::raw(const std::string& key) {
    static const nlohmann::json null;
    read_.insert(key);
    return has(key) ? object_.at(key) : null;
}

void JsonFields::rejectUnknown(const std::vector<std::string>& extraAllowed) const {
    for (const auto& [key, value] : object_.items()) {
        if (read_.count(key) == 0 && std::find(extraAllowed.begin(), extraAllowed.end(), key) == extraAllowed.end()) {
            std::string known;
            for (const auto& k : read_) known += (known.empty() ? "" : ", ") + k;
            fail(key, "unknown key (this section takes: " + known + ")");
        }
    }
}

}  // namespace tinyforge::core::recipe
