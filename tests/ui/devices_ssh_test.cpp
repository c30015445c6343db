// The Devices page deploying to a Linux board over SSH: a real sshd on 127.0.0.1 stands in for a Raspberry Pi
// (aarch64 programs run through qemu-user); the page asks whether to trust the unknown host, and refuses a changed key.
#include <catch2/catch.hpp>

#include <QSignalSpy>

#include "tests/devices/support/test_sshd.h"
#include "devices/transport/ssh_session.h"
#include "tests/support/fixtures.h"
#include "tests/support/process.h"
#include "ui/devices/devices_page.h"

namespace fx = tinyforge::test;
using tinyforge::ui::DevicesPage;

TEST_CASE("Devices page: a Raspberry Pi over SSH, its new host key trusted when asked, a changed one refused", "[ui][devices][ssh]") {
    REQUIRE(fx::canRunAarch64());
    fx::TestSshd sshd;
    fx::TempDir dir;
    const auto run = dir / "iris";
    REQUIRE(fx::cli({"run", TINYFORGE_RESOURCE_DIR "/recipes/iris-distill.json", "--out", run.string(), "--set", "train.epochs=20", "--set",
                     "export.formats=[]"}).exitCode == 0);

    DevicesPage page;
    page.addRun(QString::fromStdString(run.string()));
    page.setBoard("rpi4");
    CHECK(page.backend() == "ssh");  // a Linux board is reached over SSH only
    const auto knownHosts = dir / "known_hosts";
    page.setSshTarget(QString::fromStdString(sshd.hostArgument()), QString::fromStdString(sshd.clientKey().string()),
                      QString::fromStdString(knownHosts.string()));
    std::string askedAbout;
    bool passwordAsked = false;
    page.setPrompts([&](const tinyforge::devices::UnknownHostKey& key) {
                        askedAbout = key.host + " " + key.fingerprint;
                        return true;
                    },
                    [&](const QString&) -> std::optional<std::string> {
                        passwordAsked = true;
                        return std::nullopt;
                    });
    QSignalSpy profiled(&page, &DevicesPage::profiled);
    QSignalSpy failed(&page, &DevicesPage::failed);
    page.flashAndProfile();
    REQUIRE(profiled.wait(120000));
    CHECK(page.resultRows() == 1);
    CHECK(page.flashPercent() == 100);  // the upload's progress
    CHECK_THAT(askedAbout, Catch::Matchers::StartsWith("[127.0.0.1]:" + std::to_string(sshd.port()) + " SHA256:"));
    CHECK_FALSE(passwordAsked);  // the key was accepted
    CHECK_THAT(fx::readText(knownHosts), Catch::Matchers::Contains("[127.0.0.1]:" + std::to_string(sshd.port())));

    // The same board presenting another key: refused, never asked about, results kept.
    askedAbout.clear();
    page.setSshTarget(QString::fromStdString(sshd.hostArgument()), QString::fromStdString(sshd.clientKey().string()),
                      QString::fromStdString(sshd.changedKnownHosts().string()));
    page.flashAndProfile();
    REQUIRE(failed.wait(120000));
    CHECK(failed.at(0).at(0).toString().contains("CHANGED"));
    CHECK(askedAbout.empty());
    CHECK(page.resultRows() == 1);
}

TEST_CASE("Devices page: closed while the worker is about to ask about a host, it answers no and does not hang", "[ui][devices][ssh]") {
    fx::TestSshd sshd;
    fx::TempDir dir;
    const auto run = dir / "iris";
    REQUIRE(fx::cli({"run", TINYFORGE_RESOURCE_DIR "/recipes/iris-distill.json", "--out", run.string(), "--set", "train.epochs=2", "--set",
                     "export.formats=[]"}).exitCode == 0);
    const std::string summaryBefore = fx::readText(run / "summary.json");
    bool asked = false;
    {
        DevicesPage page;
        page.addRun(QString::fromStdString(run.string()));
        page.setBoard("rpi4");
        page.setSshTarget(QString::fromStdString(sshd.hostArgument()), QString::fromStdString(sshd.clientKey().string()),
                          QString::fromStdString((dir / "known_hosts").string()));
        page.setPrompts([&](const tinyforge::devices::UnknownHostKey&) { return asked = true; }, [](const QString&) { return std::nullopt; });
        page.flashAndProfile();
        REQUIRE(page.busy());
    }  // destroyed while the worker builds and connects: the question it sends is answered "no"
    CHECK_FALSE(asked);
    CHECK(fx::readText(run / "summary.json") == summaryBefore);
    CHECK_FALSE(std::filesystem::exists(dir / "known_hosts"));
}
