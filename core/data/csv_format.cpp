// The `csv` format: a numeric table with a header row and one label column (names or integers).

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <unordered_map>

#include "core/data/builtin_formats.h"
#include "core/data/csv_table.h"
#include "core/error.h"
#include "core/io/file_bytes.h"

namespace tinyforge::core::data {

namespace {

namespace fs = std::filesystem;

std::size_t labelColumnIndex(const std::vector<std::string>& header, const std::string& wanted, const fs::path& file) {
    if (header.size() < 2) {
        throw DataError(file, "line 1", "needs at least one feature column besides the label column");
    }
    if (wanted.empty()) return header.size() - 1;
    const auto it = std::find(header.begin(), header.end(), wanted);
    if (it == header.end()) {
        std::string known;
        for (const auto& name : header) known += (known.empty() ? "" : ", ") + name;
        throw DataError(file, "line 1", "no column named '" + wanted + "' (columns: " + known + ")");
    }
    return static_cast<std::size_t>(it - header.begin());
}

float parseFeature(const std::string& text, const fs::path& file, std::size_t line, const std::string& column) {
    float value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    const std::string where = "line " + std::to_string(line) + ", column '" + column + "'";
    if (text.empty()) throw DataError(file, where, "empty value");
    if (ec != std::errc() || ptr != end) throw DataError(file, where, "'" + text + "' is not a number");
    if (!std::isfinite(value)) throw DataError(file, where, "'" + text + "' is not a finite number");
    return value;
}

bool parsesAsInteger(const std::string& text, long long& value) {
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    return !text.empty() && ec == std::errc() && ptr == end;
}

// Integer labels sort numerically ("2" before "10"); names sort alphabetically.
std::vector<std::string> sortedClassNames(const std::vector<std::string>& labels) {
    std::map<long long, std::string> integers;
    bool allIntegers = true;
    for (const auto& label : labels) {
        long long value = 0;
        if (allIntegers && parsesAsInteger(label, value)) integers.emplace(value, label);
        else allIntegers = false;
    }
    if (allIntegers && integers.size() == labels.size()) {
        std::vector<std::string> ordered;
        for (const auto& [value, name] : integers) ordered.push_back(name);
        return ordered;
    }
    auto names = labels;
    std::sort(names.begin(), names.end());
    return names;
}

class CsvFormat final : public DatasetFormat {
public:
    std::string id() const override { return "csv"; }
    std::string description() const override {
        return "numeric table with a header row and a label column (e.g. the Iris flowers)";
    }
    bool detect(const fs::path& path) const override {
        auto ext = path.extension().string();
        if (ext == ".gz") ext = path.stem().extension().string();
        std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
        return (ext == ".csv" || ext == ".tsv") && fs::is_regular_file(path);
    }
    LoadedSamples load(const LoadOptions& options, ProgressObserver* observer) const override;
};

// Read record by record: each feature becomes a float as it is read and each label an index into the labels seen
// so far, so memory holds numbers, never the file's text.
LoadedSamples CsvFormat::load(const LoadOptions& options, ProgressObserver* observer) const {
    const auto& file = options.path;
    CsvRecords records(file);
    const auto& header = records.header();
    const std::size_t labelColumn = labelColumnIndex(header, options.labelColumn, file);

    LoadedSamples out;
    out.kind = SampleKind::Table;
    const auto features = static_cast<std::int64_t>(header.size() - 1);
    out.sampleShape = {features};
    for (std::size_t c = 0; c < header.size(); ++c) {
        if (c != labelColumn) out.featureNames.push_back(header[c]);
    }
    std::unordered_map<std::string, std::int64_t> seenIndex;
    std::vector<std::string> seen;
    std::vector<std::string> row;
    std::size_t line = 0;
    std::int64_t rows = 0;
    while (records.next(row, line)) {
        for (std::size_t c = 0; c < row.size(); ++c) {
            if (c != labelColumn) out.values.push_back(parseFeature(row[c], file, line, header[c]));
        }
        const auto [it, added] = seenIndex.emplace(row[labelColumn], static_cast<std::int64_t>(seen.size()));
        if (added) seen.push_back(row[labelColumn]);
        out.labels.push_back(it->second);
        if (++rows % 4096 == 0) reportProgress(observer, {"reading " + file.filename().string(), rows, 0, ""});
    }
    if (rows == 0) throw DataError(file, "", "has a header but no data rows");
    out.classNames = sortedClassNames(seen);
    if (out.classNames.size() < 2) {
        throw DataError(file, "column '" + header[labelColumn] + "'",
                        "has a single class ('" + out.classNames.front() + "'); a classifier needs two or more");
    }
    std::vector<std::int64_t> sortedIndex(seen.size());
    for (std::size_t k = 0; k < out.classNames.size(); ++k) sortedIndex[static_cast<std::size_t>(seenIndex.at(out.classNames[k]))] = static_cast<std::int64_t>(k);
    for (auto& label : out.labels) label = sortedIndex[static_cast<std::size_t>(label)];
    return out;
}

}  // namespace

std::unique_ptr<DatasetFormat> makeCsvFormat() { return std::make_unique<CsvFormat>(); }

}  // namespace tinyforge::core::data
