#include "ui/compare/run_list.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QTextStream>

#include "core/results/aggregate.h"
#include "core/results/summary_file.h"

namespace tinyforge::ui {

namespace {

void readHistory(const QString& file, RunRecord& run) {
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) return;  // a run cut short may have none yet
    QTextStream in(&f);
    const QStringList header = in.readLine().split(',');
    const int model = header.indexOf(QStringLiteral("model")), val = header.indexOf(QStringLiteral("val_accuracy"));
    if (model < 0 || val < 0) return;
    while (!in.atEnd()) {
        const QStringList row = in.readLine().split(',');
        if (row.size() <= std::max(model, val)) continue;
        run.valAccuracy[row[model]].push_back(row[val].toDouble());
    }
}

}  // namespace

namespace {

// A folder of repeats: the means over seeds, their spread, and the first seed's sizes and curves.
std::optional<RunRecord> readRepeats(const QString& dir, QString* error) {
    core::results::Aggregate aggregate;
    std::optional<RunRecord> first;
    try {
        aggregate = core::results::readAggregate(dir.toStdString());
        if (!aggregate.runs.empty()) first = readRun(QString::fromStdString(aggregate.runs.front()), error);
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return std::nullopt;
    }
    if (!first || !(aggregate.student || aggregate.student_scratch)) {
        if (error && error->isEmpty()) *error = QObject::tr("%1: aggregate.json names no finished runs").arg(dir);
        return std::nullopt;
    }
    RunRecord run = *first;
    run.dir = dir;
    run.name = QFileInfo(dir).fileName();
    run.seeds = static_cast<int>(aggregate.seeds.size());
    const auto& student = aggregate.student ? aggregate.student : aggregate.student_scratch;
    run.studentAccuracy = student->test_accuracy.mean;
    run.studentStd = student->test_accuracy.std;
    if (aggregate.teacher) {
        run.teacherAccuracy = aggregate.teacher->test_accuracy.mean;
        run.teacherStd = aggregate.teacher->test_accuracy.std;
    }
    if (aggregate.compressed) {
        run.compressedAccuracy = aggregate.compressed->test_accuracy.mean;
        run.compressedStd = aggregate.compressed->test_accuracy.std;
    }
    return run;
}

}  // namespace

std::optional<RunRecord> readRun(const QString& dir, QString* error) {
    if (QFileInfo::exists(dir + QStringLiteral("/aggregate.json"))) return readRepeats(dir, error);
    std::optional<core::results::RunSummary> summary;
    try {
        summary = core::results::readSummaryIfPresent(dir.toStdString());
    } catch (const std::exception& e) {  // names the file and the field
        if (error) *error = QString::fromStdString(e.what());
        return std::nullopt;
    }
    const auto* student = summary ? summary->finalStudent() : nullptr;
    if (!student) {
        if (error) *error = QObject::tr("%1: no summary.json with a trained student (not a finished run)").arg(dir);
        return std::nullopt;
    }
    RunRecord run;
    run.dir = dir;
    run.name = QFileInfo(dir).fileName();
    run.studentAccuracy = student->test_accuracy;
    run.studentBytes = student->bytes_fp32;
    if (summary->teacher) run.teacherAccuracy = summary->teacher->test_accuracy;
    if (summary->compressed) {
        run.compressedAccuracy = summary->compressed->deployedAccuracy();
        run.deployedBytes = summary->compressed->bytes_deployed;
    }
    readHistory(dir + QStringLiteral("/history.csv"), run);
    return run;
}

RunList::RunList(QString settingsKey) : m_key(std::move(settingsKey)) {}

QStringList RunList::folders() const { return QSettings().value(m_key).toStringList(); }

void RunList::add(const QString& dir) {
    QStringList list = folders();
    const QString clean = QDir::cleanPath(QFileInfo(dir).absoluteFilePath());
    list.removeAll(clean);
    list.prepend(clean);
    QSettings().setValue(m_key, list);
}

void RunList::remove(const QString& dir) {
    QStringList list = folders();
    list.removeAll(dir);
    QSettings().setValue(m_key, list);
}

}  // namespace tinyforge::ui
