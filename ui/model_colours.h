#pragma once
// One colour per model on every chart of the studio, so a reader learns it once: the teacher grey, the distilled
// student blue, the student trained without a teacher green, the compressed student (every compression phase) red.

#include <QColor>
#include <QObject>
#include <QString>

namespace tinyforge::ui {

/// The model a training phase trains, as a reader names it: "teacher", "student", "student (no teacher)",
/// "compressed" (compress_joint, compress_prune, ... all train the one compressed student).
inline QString modelRole(const QString& phase) {
    if (phase.startsWith(QLatin1String("compress"))) return QObject::tr("compressed");
    if (phase == QLatin1String("student_scratch")) return QObject::tr("student (no teacher)");
    return phase;
}

inline QColor modelColour(const QString& phaseOrRole) {
    const QString role = modelRole(phaseOrRole);
    if (role == QLatin1String("teacher")) return QColor(0x75, 0x75, 0x75);
    if (role == QLatin1String("student")) return QColor(0x1e, 0x88, 0xe5);
    if (role.startsWith(QLatin1String("student"))) return QColor(0x43, 0xa0, 0x47);
    return QColor(0xe5, 0x39, 0x35);
}

/// A phase's short label for a shaded band: "teacher", "student", "scratch", "joint", "prune", "cluster", "QAT".
inline QString phaseLabel(const QString& phase) {
    if (phase == QLatin1String("student_scratch")) return QObject::tr("no teacher");
    if (phase == QLatin1String("compress_qat")) return QObject::tr("QAT");
    if (phase.startsWith(QLatin1String("compress_"))) return phase.mid(9);
    return phase;
}

/// A saved model of a run as the Weights view names it: "teacher", "student", "after pruning", ..., "compressed".
inline QString snapshotTitle(const QString& model) {
    if (model == QLatin1String("compress_joint")) return QObject::tr("after joint pruning");
    if (model == QLatin1String("compress_channels")) return QObject::tr("after channel pruning");
    if (model == QLatin1String("compress_prune")) return QObject::tr("after pruning");
    if (model == QLatin1String("compress_cluster")) return QObject::tr("after clustering");
    if (model == QLatin1String("compress_qat")) return QObject::tr("after QAT");
    return model;
}

/// The Weights view's colours: the three models as everywhere, and one of their own for each compression phase's
/// snapshot, so the histograms before and after a phase tell apart.
inline QColor snapshotColour(const QString& model) {
    if (model == QLatin1String("compress_joint")) return QColor(0xf9, 0xa8, 0x25);
    if (model == QLatin1String("compress_channels")) return QColor(0x6d, 0x4c, 0x41);
    if (model == QLatin1String("compress_prune")) return QColor(0xfb, 0x8c, 0x00);
    if (model == QLatin1String("compress_cluster")) return QColor(0x8e, 0x24, 0xaa);
    if (model == QLatin1String("compress_qat")) return QColor(0x00, 0x89, 0x7b);
    return modelColour(model);
}

}  // namespace tinyforge::ui
