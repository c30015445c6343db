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

}  // namespace tinyforge::ui
