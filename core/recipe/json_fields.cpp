#include "core/recipe/json_fields.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "core/contract/json_contract.h"
#include "core/error.h"

namespace tinyforge::core::recipe {

using contract::briefly;

namespace {
std::string numberText(double x) {
    std::ostringstream text;
    text << x;  // 0, 0.95, 1e+06: no trailing zeros
    return text.str();
}
}  // namespace

JsonFields::JsonFields(const nlohmann::json& object, std::string path, std::string file, std::string_view section)
    : object_(object), path_(std::move(path)), file_(std::move(file)), section_(recipeSection(section)) {
    if (!object_.is_object()) {
        throw RecipeError(file_ + ": " + (path_.empty() ? "the recipe" : path_) + ": expected an object, got " + briefly(object_));
    }
}

const FieldSpec& JsonFields::spec(const std::string& key) const {
    const FieldSpec* f = section_.find(key);
    if (!f) throw std::logic_error("recipe section '" + section_.name + "' has no field '" + key + "' in recipe_schema.cpp");
    return *f;
}

void JsonFields::fail(const std::string& key, const std::string& problem) const {
    throw RecipeError(file_ + ": " + pathOf(key) + ": " + problem);
}

std::string JsonFields::text(const std::string& key) { return text(key, spec(key).fallback.is_string() ? spec(key).fallback.get<std::string>() : ""); }

std::string JsonFields::text(const std::string& key, const std::string& fallback) {
    spec(key);
    read_.insert(key);
    if (!has(key)) return fallback;
    const auto& value = object_.at(key);
    if (!value.is_string()) fail(key, "expected a string, got " + briefly(value));
    return value.get<std::string>();
}

std::string JsonFields::requiredText(const std::string& key) {
    if (!has(key)) fail(key, "is required");
    return text(key, "");
}

std::string JsonFields::choice(const std::string& key) {
    const FieldSpec& f = spec(key);
    return choice(key, f.fallback.is_string() ? f.fallback.get<std::string>() : "");
}

std::string JsonFields::choice(const std::string& key, const std::string& fallback) {
    const FieldSpec& f = spec(key);
    const std::string value = text(key, fallback);
    if (std::find(f.choices.begin(), f.choices.end(), value) != f.choices.end()) return value;
    std::string options;
    for (const auto& a : f.choices) options += (options.empty() ? "\"" : ", \"") + a + "\"";
    fail(key, "must be one of " + options + ", got \"" + value + "\"");
}

double JsonFields::number(const std::string& key) { return number(key, spec(key).fallback.get<double>()); }

double JsonFields::number(const std::string& key, double fallback) {
    const FieldSpec& f = spec(key);
    read_.insert(key);
    if (!has(key)) return fallback;
    const auto& value = object_.at(key);
    if (!value.is_number()) fail(key, "expected a number, got " + briefly(value));
    const double x = value.get<double>();
    const bool below = f.minExclusive ? x <= f.min : x < f.min;
    if (below || x > f.max) {
        fail(key, "must be " + std::string(f.minExclusive ? "> " : ">= ") + numberText(f.min) + " and <= " + numberText(f.max) + ", got " +
                      briefly(value));
    }
    return x;
}

std::int64_t JsonFields::integer(const std::string& key) { return integer(key, spec(key).fallback.get<std::int64_t>()); }

std::int64_t JsonFields::integer(const std::string& key, std::int64_t fallback) {
    const FieldSpec& f = spec(key);
    read_.insert(key);
    if (!has(key)) return fallback;
    const auto& value = object_.at(key);
    if (!value.is_number_integer()) fail(key, "expected a whole number, got " + briefly(value));
    if (value.is_number_unsigned() && value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) fail(key, "is too large");
    const auto x = value.get<std::int64_t>();
    if (static_cast<double>(x) < f.min || static_cast<double>(x) > f.max) {
        fail(key, "must be from " + numberText(f.min) + " to " + numberText(f.max) + ", got " + briefly(value));
    }
    return x;
}

bool JsonFields::flag(const std::string& key) { return flag(key, spec(key).fallback.get<bool>()); }

bool JsonFields::flag(const std::string& key, bool fallback) {
    spec(key);
    read_.insert(key);
    if (!has(key)) return fallback;
    const auto& value = object_.at(key);
    if (!value.is_boolean()) fail(key, "expected true or false, got " + briefly(value));
    return value.get<bool>();
}

std::vector<std::string> JsonFields::textList(const std::string& key) {
    const FieldSpec& f = spec(key);
    read_.insert(key);
    if (!has(key)) return {};
    const auto& value = object_.at(key);
    if (!value.is_array()) fail(key, "expected a list of strings, got " + briefly(value));
    std::vector<std::string> out;
    for (const auto& item : value) {
        if (!item.is_string()) fail(key, "expected a list of strings, got " + briefly(value));
        const auto text = item.get<std::string>();
        if (!f.choices.empty() && std::find(f.choices.begin(), f.choices.end(), text) == f.choices.end()) {
            std::string known;
            for (const auto& c : f.choices) known += (known.empty() ? "" : ", ") + c;
            fail(key, "unknown value '" + text + "' (known: " + known + ")");
        }
        out.push_back(text);
    }
    return out;
}

std::map<std::string, double> JsonFields::numberMap(const std::string& key) {
    const FieldSpec& f = spec(key);
    read_.insert(key);
    if (!has(key)) return {};
    const auto& value = object_.at(key);
    if (!value.is_object()) fail(key, "expected an object of numbers by layer name, got " + briefly(value));
    std::map<std::string, double> out;
    for (const auto& [name, number] : value.items()) {
        if (!number.is_number() || number.get<double>() < f.min || number.get<double>() > f.max) {
            fail(key + "." + name, "must be a number from " + numberText(f.min) + " to " + numberText(f.max));
        }
        out[name] = number.get<double>();
    }
    return out;
}

const nlohmann::json& JsonFields::object(const std::string& key) {
    static const nlohmann::json null;
    spec(key);
    read_.insert(key);
    if (!has(key)) return null;
    if (!object_.at(key).is_object()) fail(key, "expected an object, got " + briefly(object_.at(key)));
    return object_.at(key);
}

const nlohmann::json& JsonFields::raw(const std::string& key) {
    static const nlohmann::json null;
    spec(key);
    read_.insert(key);
    return has(key) ? object_.at(key) : null;
}

void JsonFields::rejectUnknown() const {
    for (const auto& [key, value] : object_.items()) {
        if (read_.count(key) == 0) {
            std::string known;
            for (const auto& f : section_.fields) known += (known.empty() ? "" : ", ") + f.key;
            fail(key, "unknown key (this section takes: " + known + ")");
        }
    }
}

}  // namespace tinyforge::core::recipe
