#include "core/io/json_text.h"

#include "core/error.h"
#include "core/io/file_bytes.h"

namespace tinyforge::core::io {

namespace {
// Stops the parser at the first container opened past the depth bound (the parser itself is iterative; what
// walks the result afterwards, copies and dumps included, is recursive).
struct DepthExceeded {
    std::size_t depth;
};
}  // namespace

nlohmann::json parseJson(std::string_view text, const std::filesystem::path& file, int maxDepth) {
    const auto limit = static_cast<std::size_t>(maxDepth);
    const nlohmann::json::parser_callback_t bound = [limit](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
        const bool opens = event == nlohmann::json::parse_event_t::object_start || event == nlohmann::json::parse_event_t::array_start;
        if (opens && static_cast<std::size_t>(depth) >= limit) throw DepthExceeded{static_cast<std::size_t>(depth) + 1};
        return true;
    };
    try {
        return nlohmann::json::parse(text, bound);
    } catch (const DepthExceeded& e) {
        throw DataError(file, "", "nested deeper than " + std::to_string(maxDepth) + " levels (at level " + std::to_string(e.depth) +
                                      "): refused");
    } catch (const nlohmann::json::parse_error& e) {
        throw DataError(file, "byte " + std::to_string(e.byte), std::string("not valid JSON: ") + e.what());
    } catch (const nlohmann::json::exception& e) {
        // Not only syntax: a number too large for a double is out_of_range (found by fuzz/json_fuzz.cpp).
        throw DataError(file, "", std::string("not valid JSON: ") + e.what());
    }
}

nlohmann::json readJsonFile(const std::filesystem::path& file, std::uint64_t limit) {
    return parseJson(readTextFile(file, limit), file);
}

}  // namespace tinyforge::core::io
