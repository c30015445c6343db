#pragma once
// Helpers the window's tests share.

#include <QDir>
#include <QString>
#include <QTest>
#include <QWidget>

namespace tinyforge::test {

/// Saves a picture of `widget` to $TINYFORGE_SCREENSHOT_DIR/name.png when that is set (docs/screenshots).
inline void saveScreenshot(QWidget& widget, const QString& name) {
    const QString dir = qEnvironmentVariable("TINYFORGE_SCREENSHOT_DIR");
    if (dir.isEmpty()) return;
    QDir().mkpath(dir);
    QTest::qWait(300);  // let queued shows and layouts settle before the grab
    widget.grab().save(dir + "/" + name + ".png");
}

}  // namespace tinyforge::test
