#include <catch2/catch.hpp>

#include "core/data/csv_table.h"
#include "core/data/load_dataset.h"
#include "core/error.h"
#include "tests/support/fixtures.h"

using namespace tinyforge;
using namespace tinyforge::core::data;
using tinyforge::test::TempDir;
using tinyforge::test::writeText;
using Catch::Matchers::Contains;

namespace {
Dataset loadCsv(const std::filesystem::path& path, const std::string& labelColumn = "") {
    LoadOptions options;
    options.path = path;
    options.format = "csv";
    options.labelColumn = labelColumn;
    return loadDataset(options);
}

std::string csvErrorFor(const std::string& text, const std::string& labelColumn = "") {
    TempDir dir;
    writeText(dir / "bad.csv", text);
    try {
        loadCsv(dir / "bad.csv", labelColumn);
    } catch (const DataError& e) {
        CHECK(e.file() == dir / "bad.csv");
        return e.what();
    }
    FAIL("no DataError for: " << text);
    return {};
}
}  // namespace

TEST_CASE("CSV loader reads the bundled Iris table: 150 rows, 4 features, 3 species", "[core][data][csv]") {
    const Dataset iris = loadCsv(TINYFORGE_RESOURCE_DIR "/data/iris.csv");
    CHECK(iris.name == "iris");
    CHECK(iris.sampleCount() == 150);
    CHECK(iris.samples.sampleShape == std::vector<std::int64_t>{4});
    CHECK(iris.samples.classNames == std::vector<std::string>{"Iris-setosa", "Iris-versicolor", "Iris-virginica"});
    // First row of Fisher's table: 5.1, 3.5, 1.4, 0.2, setosa; last: 5.9, 3.0, 5.1, 1.8, virginica.
    CHECK(iris.samples.values[0] == Approx(5.1f));
    CHECK(iris.samples.values[3] == Approx(0.2f));
    CHECK(iris.samples.labels.front() == 0);
    CHECK(iris.samples.values[149 * 4 + 2] == Approx(5.1f));
    CHECK(iris.samples.labels.back() == 2);
    CHECK(classHistogram(iris, iris.splits.test) == std::vector<std::int64_t>{10, 10, 10});
}

TEST_CASE("CSV loader takes the label column by name and sorts integer labels numerically", "[core][data][csv]") {
    TempDir dir;
    writeText(dir / "t.csv", "a,label,b\n1,10,2\n3,2,4\n5,10,6\n7,2,8\n");
    const Dataset data = loadCsv(dir / "t.csv", "label");
    CHECK(data.samples.classNames == std::vector<std::string>{"2", "10"});
    CHECK(data.samples.values == std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8});
    CHECK(data.samples.labels == std::vector<std::int64_t>{1, 0, 1, 0});
    CHECK(data.samples.featureNames == std::vector<std::string>{"a", "b"});
}

TEST_CASE("CSV loader accepts semicolons, quotes, CRLF, a byte-order mark and blank lines", "[core][data][csv]") {
    TempDir dir;
    writeText(dir / "t.csv", "\xEF\xBB\xBFx;\"y\";kind\r\n\r\n 1.5 ;2;\"cat; big\"\r\n3;4e-1;dog\r\n\r\n");
    const Dataset data = loadCsv(dir / "t.csv");
    CHECK(data.samples.classNames == std::vector<std::string>{"cat; big", "dog"});
    CHECK(data.samples.values == std::vector<float>{1.5f, 2.0f, 3.0f, 0.4f});
}

TEST_CASE("CSV loader rejects bad tables with the file and the place named", "[core][data][csv][bad-input]") {
    CHECK_THAT(csvErrorFor(""), Contains("empty file"));
    CHECK_THAT(csvErrorFor("\n  \n"), Contains("empty file"));
    CHECK_THAT(csvErrorFor("a,b,label\n"), Contains("no data rows"));
    CHECK_THAT(csvErrorFor("a,b,label\n1,2,x\n1,2\n"), Contains("line 3") && Contains("2 fields, but the header has 3"));
    CHECK_THAT(csvErrorFor("a,b,label\n1,2,x\n1,oops,y\n"), Contains("line 3, column 'b'") && Contains("'oops' is not a number"));
    CHECK_THAT(csvErrorFor("a,b,label\n1,,x\n1,2,y\n"), Contains("line 2, column 'b'") && Contains("empty value"));
    CHECK_THAT(csvErrorFor("a,b,label\n1,nan,x\n1,2,y\n"), Contains("not a finite number"));
    CHECK_THAT(csvErrorFor("a,b,label\n1,2,x\n3,4,y\n", "species"), Contains("no column named 'species'") && Contains("a, b, label"));
    CHECK_THAT(csvErrorFor("a,b,label\n1,2,x\n3,4,x\n"), Contains("single class"));
    CHECK_THAT(csvErrorFor("label\nx\ny\n"), Contains("at least one feature column"));
    CHECK_THAT(csvErrorFor("a,b,label\n1,2,\"x\n"), Contains("line 2") && Contains("unterminated quoted field"));
    CHECK_THAT(csvErrorFor("a,a,label\n1,2,x\n"), Contains("'a' repeats"));
    CHECK_THAT(csvErrorFor("a,,label\n1,2,x\n"), Contains("column 2 has no name"));
    // A file with no line ends: refused at the field bound, not read whole into one string.
    CHECK_THAT(csvErrorFor("a,b,label\n1,2," + std::string(kMaxCsvFieldBytes + 10, 'x')), Contains("line 2") && Contains("longer than 1 MiB"));
    CHECK_THAT(csvErrorFor("a,b,label\n" + std::string(kMaxCsvColumns + 5, ',')), Contains("line 2") && Contains("more than 100000 fields"));
}

TEST_CASE("CSV loader reads a gzipped table record by record", "[core][data][csv]") {
    TempDir dir;
    std::string text = "x,y,label\n";
    for (int i = 0; i < 20000; ++i) text += std::to_string(i) + ".5," + std::to_string(-i) + "," + (i % 3 == 0 ? "10" : i % 3 == 1 ? "2" : "7") + "\n";
    tinyforge::test::writeGzip(dir / "t.csv.gz", tinyforge::test::Bytes(text.begin(), text.end()));
    const Dataset data = loadCsv(dir / "t.csv.gz");
    CHECK(data.sampleCount() == 20000);
    CHECK(data.samples.classNames == std::vector<std::string>{"2", "7", "10"});
    CHECK(data.samples.values[2 * 19999] == 19999.5f);
    CHECK(data.samples.labels[0] == 2);  // "10"
    CHECK(data.samples.labels[1] == 0);  // "2"
}

TEST_CASE("CSV loader names a missing file", "[core][data][csv][bad-input]") {
    LoadOptions options;
    options.path = "/no/such/table.csv";
    options.format = "csv";
    CHECK_THROWS_WITH(loadDataset(options), Contains("/no/such/table.csv") && Contains("not found"));
}
