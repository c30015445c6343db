#pragma once
// A typed JSON contract: a struct lists its fields once (key, member, doc, unit) and gets from that one list its JSON
// writer, a strict reader whose errors name the field's path, and its JSON Schema (draft 2020-12).
//
//   struct Ratio {
//       double value = 0;
//       std::optional<std::string> note;
//       static constexpr std::string_view kName = "Ratio", kDoc = "A ratio and why";
//       static auto fields() { return std::tuple{field("value", &Ratio::value, "the ratio", "x"),
//                                                 field("note", &Ratio::note, "why, when known")}; }
//   };
//
// Supported member types: bool, integers, floating point, std::string, nlohmann::json (anything), std::optional<T>
// (may be absent; null reads as absent), std::vector<T>, std::map<std::string, T>, std::array<T, N>, and other
// described structs.

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

namespace tinyforge::core::contract {

/// A value that does not fit its contract: `path` is the field's dotted path ("compressed.integer.ops").
class ContractError : public std::runtime_error {
public:
    ContractError(std::string path, std::string problem)
        : std::runtime_error(path + ": " + problem), path_(std::move(path)), problem_(std::move(problem)) {}
    const std::string& path() const noexcept { return path_; }
    const std::string& problem() const noexcept { return problem_; }

private:
    std::string path_;
    std::string problem_;
};

/// One field of a described struct.
template <class S, class T>
struct Field {
    std::string_view key;
    T S::*member;
    std::string_view doc;
    std::string_view unit;
};

/// A field named `key` stored in `member`; `unit` ("bytes", "instructions", "fraction of 1") joins the description.
template <class S, class T>
constexpr Field<S, T> field(std::string_view key, T S::*member, std::string_view doc, std::string_view unit = {}) {
    return {key, member, doc, unit};
}

/// A struct with `static auto fields()`, `kName` (its $defs name) and `kDoc`.
template <class T>
concept Described = requires {
    T::fields();
    T::kName;
    T::kDoc;
};

/// A JSON value as an error message quotes it: its text, cut to 40 characters.
inline std::string briefly(const nlohmann::json& value) {
    const std::string text = value.dump();
    return text.size() > 40 ? text.substr(0, 37) + "..." : text;
}

namespace detail {

template <class T> struct IsOptional : std::false_type {};
template <class T> struct IsOptional<std::optional<T>> : std::true_type { using Inner = T; };
template <class T> struct IsVector : std::false_type {};
template <class T, class A> struct IsVector<std::vector<T, A>> : std::true_type { using Inner = T; };
template <class T> struct IsMap : std::false_type {};
template <class T> struct IsMap<std::map<std::string, T>> : std::true_type { using Inner = T; };
template <class T> struct IsArray : std::false_type {};
template <class T, std::size_t N> struct IsArray<std::array<T, N>> : std::true_type {
    using Inner = T;
    static constexpr std::size_t size = N;
};

inline std::string child(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}

[[noreturn]] inline void expected(const std::string& path, const char* what, const nlohmann::json& got) {
    throw ContractError(path, std::string("expected ") + what + ", got " + briefly(got));
}

inline std::string fieldDescription(std::string_view doc, std::string_view unit) {
    std::string text(doc);
    if (!unit.empty()) text += " [" + std::string(unit) + "]";
    return text;
}

}  // namespace detail

/// The JSON value of `value`. Absent optionals are left out of objects.
template <class T>
nlohmann::json toJson(const T& value) {
    if constexpr (Described<T>) {
        nlohmann::json out = nlohmann::json::object();
        std::apply([&](const auto&... f) {
            ([&] {
                const auto& member = value.*(f.member);
                using M = std::decay_t<decltype(member)>;
                if constexpr (detail::IsOptional<M>::value) {
                    if (member) out[std::string(f.key)] = toJson(*member);
                } else {
                    out[std::string(f.key)] = toJson(member);
                }
            }(), ...);
        }, T::fields());
        return out;
    } else if constexpr (detail::IsOptional<T>::value) {
        return value ? toJson(*value) : nlohmann::json(nullptr);
    } else if constexpr (detail::IsVector<T>::value || detail::IsArray<T>::value) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& item : value) out.push_back(toJson(item));
        return out;
    } else if constexpr (detail::IsMap<T>::value) {
        nlohmann::json out = nlohmann::json::object();
        for (const auto& [key, item] : value) out[key] = toJson(item);
        return out;
    } else {
        return nlohmann::json(value);
    }
}

/// Reads `json` into `out`; throws ContractError naming the dotted path of the first field that is missing or of
/// the wrong type or range. Keys the contract does not know are ignored (a newer writer may add some).
template <class T>
void fromJson(const nlohmann::json& json, T& out, const std::string& path = "") {
    if constexpr (Described<T>) {
        if (!json.is_object()) detail::expected(path.empty() ? std::string(T::kName) : path, "an object", json);
        std::apply([&](const auto&... f) {
            ([&] {
                auto& member = out.*(f.member);
                using M = std::decay_t<decltype(member)>;
                const std::string at = detail::child(path, f.key);
                const auto found = json.find(std::string(f.key));
                if (found == json.end() || (detail::IsOptional<M>::value && found->is_null())) {
                    if constexpr (detail::IsOptional<M>::value) member.reset();
                    else throw ContractError(at, "is missing");
                    return;
                }
                fromJson(*found, member, at);
            }(), ...);
        }, T::fields());
    } else if constexpr (detail::IsOptional<T>::value) {
        if (json.is_null()) {
            out.reset();
        } else {
            out.emplace();
            fromJson(json, *out, path);
        }
    } else if constexpr (std::is_same_v<T, bool>) {
        if (!json.is_boolean()) detail::expected(path, "true or false", json);
        out = json.get<bool>();
    } else if constexpr (std::is_integral_v<T>) {
        if (!json.is_number_integer()) detail::expected(path, "a whole number", json);
        if (json.is_number_unsigned()) {
            const auto v = json.get<std::uint64_t>();
            if (v > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) detail::expected(path, "a smaller number", json);
            out = static_cast<T>(v);
        } else {
            const auto v = json.get<std::int64_t>();
            if constexpr (std::is_unsigned_v<T>) {
                if (v < 0) detail::expected(path, "a number >= 0", json);
            } else {
                if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max()) detail::expected(path, "a smaller number", json);
            }
            out = static_cast<T>(v);
        }
    } else if constexpr (std::is_floating_point_v<T>) {
        if (!json.is_number()) detail::expected(path, "a number", json);
        out = json.get<T>();
    } else if constexpr (std::is_same_v<T, std::string>) {
        if (!json.is_string()) detail::expected(path, "a string", json);
        out = json.get<std::string>();
    } else if constexpr (std::is_same_v<T, nlohmann::json>) {
        out = json;
    } else if constexpr (detail::IsVector<T>::value) {
        if (!json.is_array()) detail::expected(path, "a list", json);
        out.clear();
        out.resize(json.size());
        for (std::size_t i = 0; i < json.size(); ++i) fromJson(json[i], out[i], path + "[" + std::to_string(i) + "]");
    } else if constexpr (detail::IsArray<T>::value) {
        if (!json.is_array() || json.size() != detail::IsArray<T>::size) {
            detail::expected(path, ("a list of " + std::to_string(detail::IsArray<T>::size)).c_str(), json);
        }
        for (std::size_t i = 0; i < out.size(); ++i) fromJson(json[i], out[i], path + "[" + std::to_string(i) + "]");
    } else if constexpr (detail::IsMap<T>::value) {
        if (!json.is_object()) detail::expected(path, "an object", json);
        out.clear();
        for (const auto& [key, item] : json.items()) fromJson(item, out[key], detail::child(path, key));
    } else {
        static_assert(sizeof(T) == 0, "no JSON contract for this type");
    }
}

/// The JSON Schema of T; described structs are added to `defs` once and referenced as #/$defs/<kName>.
template <class T>
nlohmann::json schemaOf(nlohmann::json& defs) {
    using nlohmann::json;
    if constexpr (Described<T>) {
        const std::string name(T::kName);
        if (!defs.contains(name)) {
            defs[name] = json::object();  // placeholder: a type that contains itself refers to this entry
            json properties = json::object(), required = json::array();
            std::apply([&](const auto&... f) {
                ([&] {
                    using M = std::decay_t<decltype(std::declval<T>().*(f.member))>;
                    json property;
                    if constexpr (detail::IsOptional<M>::value) {
                        property = schemaOf<typename detail::IsOptional<M>::Inner>(defs);
                    } else {
                        property = schemaOf<M>(defs);
                        required.push_back(std::string(f.key));
                    }
                    property["description"] = detail::fieldDescription(f.doc, f.unit);
                    properties[std::string(f.key)] = property;
                }(), ...);
            }, T::fields());
            defs[name] = {{"type", "object"}, {"description", std::string(T::kDoc)}, {"properties", properties},
                          {"required", required}, {"additionalProperties", false}};
        }
        return {{"$ref", "#/$defs/" + name}};
    } else if constexpr (std::is_same_v<T, bool>) {
        return {{"type", "boolean"}};
    } else if constexpr (std::is_integral_v<T>) {
        json s{{"type", "integer"}};
        if constexpr (std::is_unsigned_v<T>) s["minimum"] = 0;
        return s;
    } else if constexpr (std::is_floating_point_v<T>) {
        return {{"type", "number"}};
    } else if constexpr (std::is_same_v<T, std::string>) {
        return {{"type", "string"}};
    } else if constexpr (std::is_same_v<T, nlohmann::json>) {
        return json::object();
    } else if constexpr (detail::IsVector<T>::value) {
        return {{"type", "array"}, {"items", schemaOf<typename detail::IsVector<T>::Inner>(defs)}};
    } else if constexpr (detail::IsArray<T>::value) {
        return {{"type", "array"}, {"items", schemaOf<typename detail::IsArray<T>::Inner>(defs)},
                {"minItems", detail::IsArray<T>::size}, {"maxItems", detail::IsArray<T>::size}};
    } else if constexpr (detail::IsMap<T>::value) {
        return {{"type", "object"}, {"additionalProperties", schemaOf<typename detail::IsMap<T>::Inner>(defs)}};
    } else {
        static_assert(sizeof(T) == 0, "no JSON schema for this type");
    }
}

/// A whole JSON Schema document (draft 2020-12) whose root is T.
template <class T>
nlohmann::json documentSchema(std::string_view id, std::string_view title) {
    nlohmann::json defs = nlohmann::json::object();
    nlohmann::json root = schemaOf<T>(defs);
    return {{"$schema", "https://json-schema.org/draft/2020-12/schema"}, {"$id", std::string(id)}, {"title", std::string(title)},
            {"$ref", root["$ref"]}, {"$defs", defs}};
}

}  // namespace tinyforge::core::contract
