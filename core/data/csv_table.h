#pragma once
// A small, strict CSV reader: a header row, then rows of the same width. Comma, semicolon or tab separated
// (guessed from the first line), double-quoted fields, CRLF or LF line ends, blank lines ignored. Files are read
// record by record (plain or gzip), so a dataset costs the memory of its numbers, not of its text.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace tinyforge::core::io {
class ByteStream;
}

namespace tinyforge::core::data {

/// Bounds on one record, so that a file with no line ends cannot take all memory.
inline constexpr std::size_t kMaxCsvFieldBytes = 1 << 20;
inline constexpr std::size_t kMaxCsvColumns = 100000;

/// Reads records one at a time from a file or from text held in memory.
class CsvRecords {
public:
    /// Reads `file` (plain or gzip); throws DataError as ByteStream does, or for an empty file / bad header.
    explicit CsvRecords(const std::filesystem::path& file);
    /// Reads `text`; `file` names it in errors.
    CsvRecords(std::string text, const std::filesystem::path& file);
    ~CsvRecords();

    /// The first non-blank record, checked: no empty or repeated name.
    const std::vector<std::string>& header() const { return header_; }

    /// The next non-blank row into `fields` (reused between calls) and its first line (1-based); false at the end.
    /// Throws DataError naming the file and line for a row whose width differs from the header's, an
    /// unterminated quote, a field over kMaxCsvFieldBytes or a record over kMaxCsvColumns fields.
    bool next(std::vector<std::string>& fields, std::size_t& line);

private:
    int get();
    int peek();
    bool fill();  ///< appends the next piece of the stream to the buffer; false at its end
    bool readRecord(std::vector<std::string>& fields);
    void start();

    std::filesystem::path file_;
    std::unique_ptr<io::ByteStream> stream_;
    std::string buffer_;
    std::size_t pos_ = 0;
    bool streamDone_ = false;
    char separator_ = ',';
    std::size_t line_ = 1;
    std::vector<std::string> header_;
};

struct CsvTable {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    std::vector<std::size_t> lineNumbers;  ///< 1-based line of each row in the file, for error messages
};

/// Parses `text` (the contents of `file`, named in errors) whole, for small files. Throws DataError for an empty
/// file, a header with an empty or duplicate name, no data rows, a row whose field count differs from the header's,
/// or an unterminated quote.
CsvTable parseCsv(const std::string& text, const std::filesystem::path& file);

}  // namespace tinyforge::core::data
