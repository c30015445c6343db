#pragma once
// The studio's QApplication: the last exception boundary of the window. An exception that escapes a slot or an event
// handler would terminate Qt's event loop (and lose the user's work); here it is caught, reported through
// uncaughtError() (the main window shows it), and the event is dropped.

#include <QApplication>
#include <QString>

namespace tinyforge::ui {

class StudioApplication : public QApplication {
    Q_OBJECT
public:
    StudioApplication(int& argc, char** argv);

    /// Delivers the event; an exception thrown while handling it is caught and reported, never rethrown.
    bool notify(QObject* receiver, QEvent* event) override;

    /// Exceptions caught so far, and the last one's message (for tests and the log).
    int caughtCount() const { return m_caught; }
    QString lastError() const { return m_lastError; }

signals:
    /// An exception escaped a slot or an event handler; `message` is its what().
    void uncaughtError(const QString& message);

private:
    void report(const QString& message);

    int m_caught = 0;
    QString m_lastError;
};

}  // namespace tinyforge::ui
