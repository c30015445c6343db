#include "ui/compare/run_list.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QTextStream>

#include <nlohmann/json.hpp>

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
    QFile file(dir + QStringLiteral("/summary.json"));
    if (!file.open(QIODevice::ReadOnly)) {
        if (error) *error = QObject::tr("%1: no summary.json (not a finished run)").arg(dir);
        return std::nullopt;
    }
    const auto summary = nlohmann::json::parse(file.readAll().toStdString(), nullptr, false);
    if (!summary.is_object() || !summary.contains("student")) {
        if (error) *error = QObject::tr("%1: summary.json is not a run summary").arg(file.fileName());
        return std::nullopt;
    }
    RunRecord run;
    run.dir = dir;
    run.name = QFileInfo(dir).fileName();
    const auto number = [](const nlohmann::json& j, const char* key) { return j.is_object() && j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0.0; };
    run.studentAccuracy = number(summary["student"], "test_accuracy");
    run.studentBytes = static_cast<std::int64_t>(number(summary["student"], "bytes_fp32"));
    if (summary.contains("teacher")) run.teacherAccuracy = number(summary["teacher"], "test_accuracy");
    if (summary.contains("compressed") && summary["compressed"].is_object()) {
        run.compressedAccuracy = number(summary["compressed"], "test_accuracy");
        run.deployedBytes = static_cast<std::int64_t>(number(summary["compressed"], "bytes_deployed"));
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
