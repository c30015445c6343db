#pragma once
// Helpers the window's tests share.

#include <QDir>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QSettings>
#include <QString>
#include <QTest>
#include <QTimer>
#include <QWidget>

#include <algorithm>
#include <functional>

#include "tests/support/fixtures.h"

namespace tinyforge::test {

/// Saves a picture of `widget` to $TINYFORGE_SCREENSHOT_DIR/name.png when that is set (docs/screenshots).
inline void saveScreenshot(QWidget& widget, const QString& name) {
    const QString dir = qEnvironmentVariable("TINYFORGE_SCREENSHOT_DIR");
    if (dir.isEmpty()) return;
    QDir().mkpath(dir);
    QTest::qWait(300);  // let queued shows and layouts settle before the grab
    widget.grab().save(dir + "/" + name + ".png");
}

// Types into a line edit as a user would: select all, erase, one key at a time (the validator deciding what may be
// typed), then Enter.
inline void typeLine(QLineEdit* line, const QString& text) {
    line->setFocus();
    line->selectAll();
    QTest::keyClick(line, Qt::Key_Backspace);
    QTest::keyClicks(line, text);
    QTest::keyClick(line, Qt::Key_Return);
}

// Measures the longest gap between ticks of a 10 ms timer: how long the event loop was ever blocked.
class StallMeter {
public:
    /// `where` names what the window was showing, for the report of the worst stall.
    explicit StallMeter(std::function<QString()> where = {}) : m_where(std::move(where)) {
        m_timer.setInterval(10);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            if (!m_clock.isValid()) {
                m_clock.start();
                return;
            }
            const qint64 gap = m_clock.restart();
            if (gap > m_worst) {
                m_worst = gap;
                m_worstWhere = m_where ? m_where() : QString();
            }
        });
        m_timer.start();
    }
    qint64 worstGapMs() const { return m_worst; }
    /// What was shown when the worst gap ended.
    QString worstWhere() const { return m_worstWhere; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_worst = 0;
    std::function<QString()> m_where;
    QString m_worstWhere;
};

// Settings (run list, recent projects) go to a folder of the test's own.
struct IsolatedSettings {
    TempDir dir;
    IsolatedSettings() {
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, QString::fromStdString(dir.path().string()));
        QSettings().clear();
    }
};

}  // namespace tinyforge::test
