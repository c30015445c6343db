// The studio as the desktop sees it: the entry passes the files it is asked to open (%F), declares the project type,
// names an icon that ships; the freedesktop tools accept the entry and the MIME type maps *.tfproj to it.
#include <catch2/catch.hpp>

#include <QXmlStreamReader>

#include <fstream>
#include <map>
#include <sstream>

#include "tests/support/fixtures.h"
#include "tests/support/process.h"

namespace fx = tinyforge::test;
using Catch::Matchers::Contains;

namespace {

const std::filesystem::path kSource = std::filesystem::path(TINYFORGE_TEST_SOURCE_DIR).parent_path();

std::map<std::string, std::string> desktopEntry(const std::filesystem::path& file) {
    std::map<std::string, std::string> keys;
    std::istringstream lines(fx::readText(file));
    for (std::string line; std::getline(lines, line);) {
        const auto eq = line.find('=');
        if (eq != std::string::npos && line[0] != '#' && line[0] != '[') keys[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return keys;
}

}  // namespace

TEST_CASE("The desktop entry passes files to the studio, declares the project type and names an icon that ships", "[e2e][installer]") {
    const auto entryFile = kSource / "installer" / "tinyforge.desktop";
    const auto validated = fx::runProcess({"desktop-file-validate", entryFile.string()});
    INFO(validated.out << validated.err);
    CHECK(validated.exitCode == 0);
    CHECK_THAT(validated.out + validated.err, !Contains("error"));

    const auto entry = desktopEntry(entryFile);
    CHECK(entry.at("Exec") == "tinyforge %F");
    CHECK_THAT(entry.at("MimeType"), Contains("application/x-tinyforge-project;"));
    const auto icon = kSource / "resources" / "icons" / (entry.at("Icon") + ".svg");
    REQUIRE(std::filesystem::exists(icon));
    QXmlStreamReader svg(QByteArray::fromStdString(fx::readText(icon)));
    REQUIRE(svg.readNextStartElement());
    CHECK(svg.name() == QLatin1String("svg"));
    while (!svg.atEnd()) svg.readNext();
    CHECK_FALSE(svg.hasError());

    // The MIME package as shared-mime-info installs it: *.tfproj is the project type, with the same icon.
    fx::TempDir data;
    std::filesystem::create_directories(data / "mime" / "packages");
    std::filesystem::copy_file(kSource / "installer" / "io.tinyforge.Studio.mime.xml", data / "mime" / "packages" / "io.tinyforge.Studio.xml");
    const auto updated = fx::runProcess({"update-mime-database", (data / "mime").string()});
    INFO(updated.err);
    REQUIRE(updated.exitCode == 0);
    CHECK_THAT(fx::readText(data / "mime" / "globs2"), Contains("application/x-tinyforge-project:*.tfproj"));
    CHECK_THAT(fx::readText(data / "mime" / "generic-icons") + fx::readText(data / "mime" / "icons"), Contains("application/x-tinyforge-project:" + entry.at("Icon")));
}
