#include "core/data/csv_table.h"

#include <algorithm>
#include <set>

#include "core/error.h"

namespace tinyforge::core::data {

namespace {

std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

char guessSeparator(const std::string& firstLine) {
    for (const char candidate : {',', ';', '\t'}) {
        if (firstLine.find(candidate) != std::string::npos) return candidate;
    }
    return ',';
}

// Splits one record starting at `pos`; advances `pos` past its line end and counts the lines it spans.
std::vector<std::string> readRecord(const std::string& text, std::size_t& pos, char separator,
                                    std::size_t& line, const std::filesystem::path& file) {
    std::vector<std::string> fields;
    std::string field;
    bool quoted = false;
    const std::size_t startLine = line;
    for (; pos < text.size(); ++pos) {
        const char c = text[pos];
        if (quoted) {
            if (c == '"' && pos + 1 < text.size() && text[pos + 1] == '"') { field += '"'; ++pos; }
            else if (c == '"') quoted = false;
            else { if (c == '\n') ++line; field += c; }
        } else if (c == '"') {
            quoted = true;
        } else if (c == separator) {
            fields.push_back(trim(field));
            field.clear();
        } else if (c == '\n') {
            ++pos;
            break;
        } else {
            field += c;
        }
    }
    if (quoted) throw DataError(file, "line " + std::to_string(startLine), "unterminated quoted field");
    fields.push_back(trim(field));
    ++line;
    return fields;
}

bool isBlank(const std::vector<std::string>& fields) {
    return std::all_of(fields.begin(), fields.end(), [](const std::string& f) { return f.empty(); });
}

void checkHeader(const std::vector<std::string>& header, const std::filesystem::path& file) {
    std::set<std::string> seen;
    for (std::size_t i = 0; i < header.size(); ++i) {
        if (header[i].empty()) throw DataError(file, "line 1", "column " + std::to_string(i + 1) + " has no name");
        if (!seen.insert(header[i]).second) throw DataError(file, "line 1", "column name '" + header[i] + "' repeats");
    }
}

}  // namespace

CsvTable parseCsv(const std::string& text, const std::filesystem::path& file) {
    std::size_t pos = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;  // skip a UTF-8 byte-order mark
    if (text.find_first_not_of(" \t\r\n", pos) == std::string::npos) throw DataError(file, "", "empty file");
    const char separator = guessSeparator(text.substr(pos, text.find('\n', pos) - pos));

    CsvTable table;
    std::size_t line = 1;
    while (pos < text.size() && table.header.empty()) {
        auto fields = readRecord(text, pos, separator, line, file);
        if (!isBlank(fields)) table.header = std::move(fields);
    }
    checkHeader(table.header, file);

    while (pos < text.size()) {
        const std::size_t rowLine = line;
        auto fields = readRecord(text, pos, separator, line, file);
        if (isBlank(fields)) continue;
        if (fields.size() != table.header.size()) {
            throw DataError(file, "line " + std::to_string(rowLine),
                            std::to_string(fields.size()) + " fields, but the header has " +
                                std::to_string(table.header.size()));
        }
        table.rows.push_back(std::move(fields));
        table.lineNumbers.push_back(rowLine);
    }
    if (table.rows.empty()) throw DataError(file, "", "has a header but no data rows");
    return table;
}

}  // namespace tinyforge::core::data
