#pragma once
// The runs the studio knows: run folders kept in a list that survives restarts (QSettings), each read back from its
// summary.json and history.csv for the Compare page.

#include <QString>
#include <QStringList>
#include <QVector>

#include <map>
#include <optional>

namespace tinyforge::ui {

struct RunRecord {
    QString dir;
    QString name;                 ///< the recipe's name and the folder's
    double studentAccuracy = 0;   ///< distilled student, test split
    double teacherAccuracy = 0;
    std::optional<double> compressedAccuracy;
    std::int64_t studentBytes = 0;  ///< fp32
    std::optional<std::int64_t> deployedBytes;
    /// Validation accuracy per epoch, per model ("teacher", "student", "compress_..."), from history.csv.
    std::map<QString, QVector<double>> valAccuracy;
    /// A folder of repeats (tinyforge-cli run --seeds): the accuracies above are means over `seeds` runs, with these
    /// standard deviations; the curves are the first seed's.
    int seeds = 1;
    std::optional<double> teacherStd, studentStd, compressedStd;

    /// The run's headline: the compressed model when there is one, else the distilled student.
    double accuracy() const { return compressedAccuracy.value_or(studentAccuracy); }
    std::int64_t bytes() const { return deployedBytes.value_or(studentBytes); }
};

/// Reads a run folder (or a folder of repeats, through its aggregate.json); nullopt (and `error` set) when it has no
/// readable summary.json or aggregate.json. The compressed accuracy is the deployed figure (the integer reference's).
std::optional<RunRecord> readRun(const QString& dir, QString* error = nullptr);

class RunList {
public:
    /// The list stored under `settingsKey` in the application's QSettings.
    explicit RunList(QString settingsKey = QStringLiteral("runs/folders"));
    QStringList folders() const;
    /// Adds a folder (first in the list) and saves the list; a folder already listed moves to the top.
    void add(const QString& dir);
    void remove(const QString& dir);

private:
    QString m_key;
};

}  // namespace tinyforge::ui
