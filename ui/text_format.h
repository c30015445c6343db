#pragma once
// How the pages write shapes and sizes: "1 x 28 x 28", "12.5 KB".

#include <QString>
#include <QStringList>

#include <cstdint>
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

}  // namespace tinyforge::ui
