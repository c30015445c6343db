#pragma once
// Typed, strict access to one JSON object of a recipe, by the field table of recipe_schema.h: every read names the
// field's dotted path on error, and rejectUnknown() refuses keys nobody read, so a typo never passes silently.
// Internal to core/recipe.

#include <map>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "core/recipe/recipe_schema.h"

namespace tinyforge::core::recipe {

class JsonFields {
public:
    /// `object` must be a JSON object; `path` is its dotted path ("prune.train"), `file` the recipe for messages, and
    /// `section` the recipe_schema.h section that describes its fields ("train").
    JsonFields(const nlohmann::json& object, std::string path, std::string file, std::string_view section);

    bool has(const std::string& key) const { return object_.contains(key); }
    // Each accessor takes the field's default, range and choices from the section's table; the overloads with a
    // fallback replace the table's default by one the caller computes (a phase's learning rate, a resolved path).
    std::string text(const std::string& key);
    std::string text(const std::string& key, const std::string& fallback);
    std::string requiredText(const std::string& key);
    std::string choice(const std::string& key);
    std::string choice(const std::string& key, const std::string& fallback);
    double number(const std::string& key);
    double number(const std::string& key, double fallback);
    std::int64_t integer(const std::string& key);
    std::int64_t integer(const std::string& key, std::int64_t fallback);
    bool flag(const std::string& key);
    bool flag(const std::string& key, bool fallback);
    /// A list of strings ([] when absent), each one of the field's choices when it has some.
    std::vector<std::string> textList(const std::string& key);
    /// An object of numbers keyed by name ({} when absent), each within the field's range.
    std::map<std::string, double> numberMap(const std::string& key);
    /// The raw value of an object-valued key (marking it read); null when absent.
    const nlohmann::json& object(const std::string& key);
    /// The raw value of any key (marking it read).
    const nlohmann::json& raw(const std::string& key);
    /// Throws for the first key that no accessor read, listing the keys the section takes.
    void rejectUnknown() const;

    std::string pathOf(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
    [[noreturn]] void fail(const std::string& key, const std::string& problem) const;

private:
    const FieldSpec& spec(const std::string& key) const;

    const nlohmann::json& object_;
    std::string path_;
    std::string file_;
    const SectionSpec& section_;
    std::set<std::string> read_;
};

}  // namespace tinyforge::core::recipe
