#include "core/data/csv_table.h"

#include <algorithm>
#include <set>

#include "core/error.h"
#include "core/io/byte_stream.h"

namespace tinyforge::core::data {

namespace {

constexpr std::size_t kRefill = 256 << 10;

void trimInPlace(std::string& s) {
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string::npos) {
        s.clear();
        return;
    }
    s.erase(s.find_last_not_of(" \t\r") + 1);
    s.erase(0, first);
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

CsvRecords::CsvRecords(const std::filesystem::path& file) : file_(file), stream_(std::make_unique<io::ByteStream>(file)) { start(); }

CsvRecords::CsvRecords(std::string text, const std::filesystem::path& file) : file_(file), buffer_(std::move(text)), streamDone_(true) {
    start();
}

CsvRecords::~CsvRecords() = default;

bool CsvRecords::fill() {
    if (streamDone_) return false;
    const auto used = buffer_.size();
    buffer_.resize(used + kRefill);
    const auto got = stream_->read(buffer_.data() + used, kRefill);
    buffer_.resize(used + got);
    if (got == 0) streamDone_ = true;
    return got > 0;
}

int CsvRecords::peek() {
    if (pos_ >= buffer_.size()) {
        buffer_.erase(0, pos_);  // what was read goes: the buffer holds at most a refill's worth
        pos_ = 0;
        if (!fill()) return -1;
    }
    return static_cast<unsigned char>(buffer_[pos_]);
}

int CsvRecords::get() {
    const int c = peek();
    if (c >= 0) ++pos_;
    return c;
}

void CsvRecords::start() {
    if (peek() == 0xEF) {  // a UTF-8 byte-order mark
        const std::string bom = "\xEF\xBB\xBF";
        for (int i = 0; i < 3 && peek() == static_cast<unsigned char>(bom[static_cast<std::size_t>(i)]); ++i) get();
    }
    // The separator is guessed from the first line: at most the first field's bound is looked at.
    std::string firstLine;
    for (std::size_t i = pos_; firstLine.size() < kMaxCsvFieldBytes; ++i) {
        if (i >= buffer_.size() && !fill()) break;
        if (buffer_[i] == '\n') break;
        firstLine += buffer_[i];
    }
    separator_ = ',';
    for (const char candidate : {',', ';', '\t'}) {
        if (firstLine.find(candidate) != std::string::npos) {
            separator_ = candidate;
            break;
        }
    }
    while (header_.empty() && peek() >= 0) {
        std::vector<std::string> fields;
        readRecord(fields);
        if (!isBlank(fields)) header_ = std::move(fields);
    }
    if (header_.empty()) throw DataError(file_, "", "empty file");
    checkHeader(header_, file_);
}

// One record; advances past its line end and counts the lines it spans. False when no character was left.
bool CsvRecords::readRecord(std::vector<std::string>& fields) {
    if (peek() < 0) return false;
    std::size_t count = 0;
    const auto field = [&]() -> std::string& {
        if (count == fields.size()) fields.emplace_back();
        return fields[count];
    };
    field().clear();
    bool quoted = false;
    const std::size_t startLine = line_;
    for (int c = get(); c >= 0; c = get()) {
        std::string& f = field();
        if (quoted) {
            if (c == '"' && peek() == '"') {
                f += '"';
                get();
            } else if (c == '"') {
                quoted = false;
            } else {
                if (c == '\n') ++line_;
                f += static_cast<char>(c);
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == separator_) {
            trimInPlace(f);
            if (++count >= kMaxCsvColumns) throw DataError(file_, "line " + std::to_string(startLine), "more than " + std::to_string(kMaxCsvColumns) + " fields");
            field().clear();
        } else if (c == '\n') {
            break;
        } else {
            f += static_cast<char>(c);
        }
        if (field().size() > kMaxCsvFieldBytes) throw DataError(file_, "line " + std::to_string(startLine), "a field longer than 1 MiB");
    }
    if (quoted) throw DataError(file_, "line " + std::to_string(startLine), "unterminated quoted field");
    trimInPlace(field());
    fields.resize(count + 1);
    ++line_;
    return true;
}

bool CsvRecords::next(std::vector<std::string>& fields, std::size_t& line) {
    for (;;) {
        line = line_;
        if (!readRecord(fields)) return false;
        if (isBlank(fields)) continue;
        if (fields.size() != header_.size()) {
            throw DataError(file_, "line " + std::to_string(line),
                            std::to_string(fields.size()) + " fields, but the header has " + std::to_string(header_.size()));
        }
        return true;
    }
}

CsvTable parseCsv(const std::string& text, const std::filesystem::path& file) {
    CsvRecords records(text, file);
    CsvTable table;
    table.header = records.header();
    std::vector<std::string> fields;
    std::size_t line = 0;
    while (records.next(fields, line)) {
        table.rows.push_back(fields);
        table.lineNumbers.push_back(line);
    }
    if (table.rows.empty()) throw DataError(file, "", "has a header but no data rows");
    return table;
}

}  // namespace tinyforge::core::data
