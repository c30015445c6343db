#include "ui/compare/run_list.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QTextStream>

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

std::optional<RunRecord> readRun(const QString& dir, QString* error) {
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
        run.compressedAccuracy = summary->compressed->test_accuracy;
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
