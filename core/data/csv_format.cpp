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

std::size_t labelColumnIndex(const CsvTable& table, const std::string& wanted, const fs::path& file) {
    if (table.header.size() < 2) {
        throw DataError(file, "line 1", "needs at least one feature column besides the label column");
    }
    if (wanted.empty()) return table.header.size() - 1;
    const auto it = std::find(table.header.begin(), table.header.end(), wanted);
    if (it == table.header.end()) {
        std::string known;
        for (const auto& name : table.header) known += (known.empty() ? "" : ", ") + name;
        throw DataError(file, "line 1", "no column named '" + wanted + "' (columns: " + known + ")");
    }
    return static_cast<std::size_t>(it - table.header.begin());
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
std::vector<std::string> sortedClassNames(const CsvTable& table, std::size_t labelColumn) {
    std::map<long long, std::string> integers;
    std::vector<std::string> names;
    bool allIntegers = true;
    for (const auto& row : table.rows) {
        long long value = 0;
        if (allIntegers && parsesAsInteger(row[labelColumn], value)) integers.emplace(value, row[labelColumn]);
        else allIntegers = false;
        names.push_back(row[labelColumn]);
    }
    if (allIntegers) {
        std::vector<std::string> ordered;
        for (const auto& [value, name] : integers) ordered.push_back(name);
        return ordered;
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
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

LoadedSamples CsvFormat::load(const LoadOptions& options, ProgressObserver* observer) const {
    const auto& file = options.path;
    const auto bytes = io::readFileBytes(file, 2ull << 30);
    const CsvTable table = parseCsv(std::string(bytes.begin(), bytes.end()), file);
    const std::size_t labelColumn = labelColumnIndex(table, options.labelColumn, file);

    LoadedSamples out;
    out.kind = SampleKind::Table;
    out.classNames = sortedClassNames(table, labelColumn);
    if (out.classNames.size() < 2) {
        throw DataError(file, "column '" + table.header[labelColumn] + "'",
                        "has a single class ('" + out.classNames.front() + "'); a classifier needs two or more");
    }
    const auto features = static_cast<std::int64_t>(table.header.size() - 1);
    out.sampleShape = {features};
    for (std::size_t c = 0; c < table.header.size(); ++c) {
        if (c != labelColumn) out.featureNames.push_back(table.header[c]);
    }
    std::unordered_map<std::string, std::int64_t> classIndex;
    for (std::size_t k = 0; k < out.classNames.size(); ++k) classIndex[out.classNames[k]] = static_cast<std::int64_t>(k);
    out.values.reserve(table.rows.size() * static_cast<std::size_t>(features));
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        const auto& row = table.rows[r];
        for (std::size_t c = 0; c < row.size(); ++c) {
            if (c != labelColumn) out.values.push_back(parseFeature(row[c], file, table.lineNumbers[r], table.header[c]));
        }
        out.labels.push_back(classIndex.at(row[labelColumn]));
        if (r % 4096 == 0) reportProgress(observer, {"reading " + file.filename().string(), static_cast<std::int64_t>(r),
                                                     static_cast<std::int64_t>(table.rows.size()), ""});
    }
    return out;
}

}  // namespace

std::unique_ptr<DatasetFormat> makeCsvFormat() { return std::make_unique<CsvFormat>(); }

}  // namespace tinyforge::core::data
