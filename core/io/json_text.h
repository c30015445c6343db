#pragma once
// JSON from files the user hands the studio (recipes, projects, summaries, board files), parsed with a bound on
// nesting so that a hostile file cannot exhaust the stack of code that walks it.

#include <filesystem>
#include <string_view>

#include <nlohmann/json.hpp>

namespace tinyforge::core::io {

/// Deeper than this, a JSON document is refused: no file the studio writes nests past 20 levels.
inline constexpr int kMaxJsonDepth = 64;

/// Parses `text`; throws DataError naming `file` and the byte offset when it is not JSON or nests deeper than
/// `maxDepth` objects and arrays.
nlohmann::json parseJson(std::string_view text, const std::filesystem::path& file, int maxDepth = kMaxJsonDepth);

/// Reads and parses a JSON file (at most `limit` bytes); throws DataError as parseJson and readTextFile do.
nlohmann::json readJsonFile(const std::filesystem::path& file, std::uint64_t limit = 64ull << 20);

}  // namespace tinyforge::core::io
