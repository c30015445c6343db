#pragma once
// A small, strict CSV reader: a header row, then rows of the same width. Comma, semicolon or tab separated
// (guessed from the header), double-quoted fields, CRLF or LF line ends, blank lines ignored.

#include <filesystem>
#include <string>
#include <vector>

namespace tinyforge::core::data {

struct CsvTable {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    std::vector<std::size_t> lineNumbers;  ///< 1-based line of each row in the file, for error messages
};

/// Parses `text` (the contents of `file`, named in errors). Throws DataError for an empty file, a header
/// with an empty or duplicate name, no data rows, a row whose field count differs from the header's,
/// or an unterminated quote.
CsvTable parseCsv(const std::string& text, const std::filesystem::path& file);

}  // namespace tinyforge::core::data
