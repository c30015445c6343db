#pragma once
// Typed, strict access to one JSON object of a recipe: every read names the field's dotted path on error, and
// rejectUnknown() refuses keys nobody read, so a typo never passes silently. Internal to core/recipe.

#include <map>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

namespace tinyforge::core::recipe {

class JsonFields {
public:
    /// `object` must be a JSON object; `path` is its dotted path ("train"), `file` the recipe for messages.
    JsonFields(const nlohmann::json& object, std::string path, std::string file);

    bool has(const std::string& key) const { return object_.contains(key); }
    std::string text(const std::string& key, const std::string& fallback);
    std::string requiredText(const std::string& key);
    /// A text that must be one of `allowed`.
    std::string choice(const std::string& key, const std::string& fallback, const std::vector<std::string>& allowed);
    double number(const std::string& key, double fallback, double min, double max, bool minExclusive = false);
    std::int64_t integer(const std::string& key, std::int64_t fallback, std::int64_t min, std::int64_t max);
    bool flag(const std::string& key, bool fallback);
    /// A list of strings ([] when absent).
    std::vector<std::string> textList(const std::string& key);
    /// An object of numbers keyed by name ({} when absent), each within [min, max].
    std::map<std::string, double> numberMap(const std::string& key, double min, double max);
    /// The raw value of an object-valued key (marking it read); null when absent.
    const nlohmann::json& object(const std::string& key);
    /// The raw value of any key (marking it read).
    const nlohmann::json& raw(const std::string& key);
    /// Throws for the first key that no accessor read.
    void rejectUnknown(const std::vector<std::string>& extraAllowed = {}) const;

    std::string pathOf(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
    [[noreturn]] void fail(const std::string& key, const std::string& problem) const;

private:
    const nlohmann::json& object_;
    std::string path_;
    std::string file_;
    std::set<std::string> read_;
};

}  // namespace tinyforge::core::recipe
