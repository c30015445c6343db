#pragma once
// Every recipe field, described once: type, default, allowed range or values, unit, a one-line doc and the formula
// where there is one. The recipe parser, --set, the window's Tune and Models pages, `tinyforge-cli schema recipe`
// (JSON Schema, draft 2020-12) and docs/recipe-reference.md all read this table; none keeps its own copy.

#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace tinyforge::core::recipe {

enum class FieldKind {
    Number,       ///< a real number within [min, max] (or (min, max] when minExclusive)
    Integer,      ///< a whole number within [min, max]
    Flag,         ///< true or false
    Text,         ///< any string
    Path,         ///< a file or folder; relative to the recipe's folder (to the current directory in --set)
    Choice,       ///< one of `choices`
    TextList,     ///< a list of strings (each one of `choices` when given)
    IntegerList,  ///< a list of whole numbers within [min, max]
    NumberMap,    ///< {layer name: number within [min, max]}
    Section,      ///< an object: the section named in `section`
};

struct FieldSpec {
    std::string key;
    FieldKind kind = FieldKind::Text;
    nlohmann::json fallback;  ///< the default; null when the field is required or has none
    double min = -std::numeric_limits<double>::infinity();
    double max = std::numeric_limits<double>::infinity();
    bool minExclusive = false;
    std::vector<std::string> choices;
    std::string unit;     ///< "epochs", "steps", "bits", "fraction of 1", ...
    std::string doc;      ///< one line
    std::string formula;  ///< the equation the field enters, when there is one
    bool required = false;
    std::string section;  ///< for Section fields: the section's name in this table

    /// The tooltip text: doc, then the range or choices and the unit, then the formula.
    std::string tooltip() const;
};

struct SectionSpec {
    std::string name;  ///< "" for the recipe's top level; "train", "distill", "prune", ...
    std::string doc;
    std::vector<FieldSpec> fields;
    const FieldSpec* find(std::string_view key) const;
};

/// Every section, top level first: "", dataset, train, model, distill, baseline, prune, prune_channels, cluster,
/// quantize, export.
const std::vector<SectionSpec>& recipeSections();

/// The section named `name`; throws std::out_of_range for one that does not exist (a programming error).
const SectionSpec& recipeSection(std::string_view name);

/// The field at a dotted recipe path: "distill.temperature", "prune.final_sparsity", "student.hidden", and the
/// train fields under any section ("prune.train.lr", "teacher.0.train.epochs"). nullptr for an unknown path.
const FieldSpec* recipeField(std::string_view dottedPath);

/// The recipe format as a JSON Schema (draft 2020-12), generated from the table.
nlohmann::json recipeJsonSchema();

/// The table as Markdown, one section after another (docs/recipe-reference.md is this text).
std::string recipeMarkdown();

}  // namespace tinyforge::core::recipe
