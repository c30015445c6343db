#pragma once
// How the pages write shapes, sizes and accuracies: "1 x 28 x 28", "12.5 KB", "0.9200 \u00b1 0.0283".

#include <QString>
#include <QStringList>

#include <cstdint>
#include <optional>
#include <vector>

namespace tinyforge::ui {

inline QString shapeText(const std::vector<std::int64_t>& shape) {
    QStringList parts;
    for (const auto d : shape) parts << QString::number(d);
    return parts.join(QStringLiteral(" x "));
}

inline QString bytesText(std::int64_t bytes) {
    if (bytes < 10 * 1024) return QStringLiteral("%1 B").arg(bytes);
    if (bytes < 10 * 1024 * 1024) return QStringLiteral("%1 KB").arg(static_cast<double>(bytes) / 1024.0, 0, 'f', 1);
    return QStringLiteral("%1 MB").arg(static_cast<double>(bytes) / (1024.0 * 1024.0), 0, 'f', 1);
}

/// An accuracy to four decimals, with its spread over seeds when there is one (repeats: mean +- std).
inline QString accuracyText(double value, const std::optional<double>& spread = std::nullopt) {
    return spread ? QStringLiteral("%1 \u00b1 %2").arg(value, 0, 'f', 4).arg(*spread, 0, 'f', 4) : QString::number(value, 'f', 4);
}

}  // namespace tinyforge::ui
