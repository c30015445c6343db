#include "ui/studio_application.h"

#include <cstdio>
#include <exception>
#include <new>

namespace tinyforge::ui {

StudioApplication::StudioApplication(int& argc, char** argv) : QApplication(argc, argv) {}

bool StudioApplication::notify(QObject* receiver, QEvent* event) {
    try {
        return QApplication::notify(receiver, event);
    } catch (const std::bad_alloc&) {
        report(tr("Out of memory; the last action was abandoned."));
    } catch (const std::exception& e) {
        report(QString::fromStdString(e.what()));
    } catch (...) {
        report(tr("An unknown failure; the last action was abandoned."));
    }
    return false;
}

void StudioApplication::report(const QString& message) {
    ++m_caught;
    m_lastError = message;
    std::fprintf(stderr, "tinyforge: caught at the event loop: %s\n", message.toLocal8Bit().constData());
    emit uncaughtError(message);
}

}  // namespace tinyforge::ui
