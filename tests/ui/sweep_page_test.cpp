// The Sweep page on the bundled Iris recipe, through the real tinyforge-cli: points fill the table and both scatters,
// a point opens as a run, and Pause stops every process of the sweep, Cancel ends it and Resume folder finishes it.
#include <catch2/catch.hpp>

#include <QFile>
#include <QSignalSpy>
#include <QTest>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/support/fixtures.h"
#include "tests/support/test_slurm.h"
#include "tests/ui/ui_support.h"
#include "ui/project/recipe_document.h"
#include "ui/sweep/sweep_page.h"

using namespace tinyforge;
namespace fx = tinyforge::test;

namespace {

// The state letters (R running, S sleeping, D in the kernel, T stopped) of every process in process group `group`,
// from /proc/PID/stat: "pid (name) state ppid pgrp ...".
std::string groupStates(qint64 group) {
    std::string states;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const auto name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;  // processes only
        std::ifstream stat(entry.path() / "stat");
        std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
        const auto close = text.rfind(')');
        if (close == std::string::npos) continue;
        std::istringstream fields(text.substr(close + 2));
        char state = '?';
        long long parent = 0, pgrp = 0;
        fields >> state >> parent >> pgrp;
        if (pgrp == group) states += state;
    }
    return states;
}

// Stopped: some process of the group is stopped and none runs or sleeps (a parent waiting in the kernel for a child
// stopped before exec shows D).
bool groupStopped(qint64 group) {
    const auto states = groupStates(group);
    return states.find('T') != std::string::npos && states.find_first_of("RS") == std::string::npos;
}

struct IrisSweepPage {
    ui::RecipeDocument document;
    ui::SweepPage page{&document};
    IrisSweepPage() {
        qputenv("TINYFORGE_CLI", TINYFORGE_CLI_PATH);
        document.reset(ui::RecipeDocument::bundledIrisRecipe());
        document.setValue("export.formats", nlohmann::json::array());
        page.setBoards({QStringLiteral("stm32f405")});
    }
};

}  // namespace

TEST_CASE("The Sweep page runs the project's recipe over its axes, profiles each point and draws the front", "[ui][sweep]") {
    fx::TempDir dir;
    IrisSweepPage fixture;
    auto& page = fixture.page;
    page.setAxes({{QStringLiteral("prune.final_sparsity"), QStringLiteral("0.5, 0.8")}, {QStringLiteral("cluster.init"), QStringLiteral("linear, density")}});
    page.setOutputFolder(QString::fromStdString((dir / "sweep").string()));
    QSignalSpy finished(&page, &ui::SweepPage::sweepFinished);
    REQUIRE(page.start());
    CHECK(page.isRunning());
    REQUIRE(finished.wait(240000));
    CHECK(finished.at(0).at(1).toInt() == 0);
    const auto sweep = nlohmann::json::parse(fx::readText(page.sweepFile().toStdString()));
    CHECK(sweep.at("boards") == nlohmann::json::parse(R"([{"board": "stm32f405", "samples": 16}])"));
    const auto& table = page.table();
    REQUIRE(table.points.size() == 4);
    for (const auto& p : table.points) {
        INFO(p.id << " " << p.message.value_or(""));
        CHECK(p.status == "done");
        REQUIRE(p.devices.size() == 1);
        CHECK(p.devices[0].count_unit == "instructions");
    }
    CHECK(table.points[1].values == std::vector<nlohmann::json>{0.5, "density"});  // words stay words
    CHECK(page.scatterPointCount() == 4);
    CHECK(page.statusText().startsWith(QStringLiteral("Done: 4 points")));
    page.resize(1500, 900);
    fx::saveScreenshot(page, QStringLiteral("sweep-iris"));
    QSignalSpy opened(&page, &ui::SweepPage::openRun);
    page.openPoint(2);
    REQUIRE(opened.count() == 1);
    const auto runDir = opened.at(0).at(0).toString();
    CHECK(runDir.endsWith(QStringLiteral("/points/p002")));
    CHECK(QFile::exists(runDir + QStringLiteral("/summary.json")));
}

TEST_CASE("Pause stops the sweep's processes, Cancel ends them, and Resume folder finishes the sweep", "[ui][sweep]") {
    fx::TempDir dir;
    IrisSweepPage fixture;
    auto& page = fixture.page;
    page.setAxes({{QStringLiteral("prune.final_sparsity"), QStringLiteral("0.4, 0.6, 0.8")}});
    page.setOutputFolder(QString::fromStdString((dir / "sweep").string()));
    QSignalSpy finished(&page, &ui::SweepPage::sweepFinished);
    REQUIRE(page.start());
    const qint64 pid = page.processId();
    REQUIRE(pid > 0);
    // Paused once the sweep folder is planned, so that there is something to resume.
    const auto planned = dir / "sweep" / "plan.json";
    for (int i = 0; i < 1200 && !std::filesystem::exists(planned); ++i) QTest::qWait(25);  // the CLI starts slowly on a busy machine
    REQUIRE(std::filesystem::exists(planned));
    const auto waitForState = [&](bool wantStopped) {
        for (int i = 0; i < 100; ++i) {
            if (groupStopped(pid) == wantStopped) return true;
            QTest::qWait(50);
        }
        return false;
    };
    page.togglePause();
    CHECK(page.isPaused());
    INFO("states of the sweep's processes: " << groupStates(pid));
    CHECK(waitForState(true));  // SIGSTOP reached the CLI
    page.togglePause();
    CHECK_FALSE(page.isPaused());
    CHECK(waitForState(false));
    page.togglePause();  // cancelled while paused: a stopped process still ends
    page.cancel();
    REQUIRE(finished.wait(30000));
    CHECK(page.statusText().startsWith(QStringLiteral("Cancelled")));
    CHECK_FALSE(page.isRunning());
    finished.clear();
    REQUIRE(page.resumeFolder());
    REQUIRE(finished.wait(240000));
    CHECK(finished.at(0).at(1).toInt() == 0);
    REQUIRE(page.table().points.size() == 3);
    for (const auto& p : page.table().points) CHECK(p.status == "done");
}

TEST_CASE("The Sweep page runs successive halving as a Slurm job array on a real one-machine cluster", "[ui][sweep][slurm]") {
    fx::TempDir dir;
    fx::TestSlurm slurm;  // SLURM_CONF in this process's environment reaches the CLI the page starts
    IrisSweepPage fixture;
    auto& page = fixture.page;
    fixture.document.setValue("baseline.student_scratch", false);
    page.setBoards({});
    page.setAxes({{QStringLiteral("distill.temperature"), QStringLiteral("2, 4")}});
    page.setHalving(QStringLiteral("student.train.epochs"), QStringLiteral("10, 40"), 0.5);
    page.setExecutor(true, QString::fromStdString(slurm.partition()));
    const auto out = dir / "halving";
    page.setOutputFolder(QString::fromStdString(out.string()));
    QSignalSpy finished(&page, &ui::SweepPage::sweepFinished);
    REQUIRE(page.start());
    CHECK(page.processArguments().join(QLatin1Char(' ')).contains(QStringLiteral("--executor slurm --partition debug")));
    REQUIRE(finished.wait(300000));
    INFO(page.statusText().toStdString());
    CHECK(finished.at(0).at(1).toInt() == 0);
    const auto sweep = nlohmann::json::parse(fx::readText(page.sweepFile().toStdString()));
    CHECK(sweep.at("strategy") == "halving");
    CHECK(sweep.at("halving") == nlohmann::json::parse(R"({"key": "student.train.epochs", "values": [10, 40], "keep": 0.5})"));
    // Two candidates at 10 epochs, the better one again at 40: three points, each a task of a job array.
    const auto& table = page.table();
    REQUIRE(table.points.size() == 3);
    CHECK(table.axes.back() == "student.train.epochs");
    CHECK(table.points[2].id.substr(4) == "-r1");
    CHECK(table.points[2].values[1] == 40);
    for (const auto& p : table.points) CHECK(p.status == "done");
    const auto jobs = nlohmann::json::parse(fx::readText(out / "slurm" / "jobs.json"));
    CHECK(jobs.at("points") == 1);  // the last submission: the second rung's single point
    CHECK_FALSE(page.isRunning());
}
