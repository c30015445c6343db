#include "ui/sweep/sweep_process.h"

#include <signal.h>
#include <unistd.h>

#include <QCoreApplication>
#include <QFileInfo>
#include <QTimer>

namespace tinyforge::ui {

QString cliProgram() {
    const QString dir = QCoreApplication::applicationDirPath();
    for (const QString& candidate : {dir + QStringLiteral("/tinyforge-cli"), dir + QStringLiteral("/../cli/tinyforge-cli")}) {
        if (QFileInfo(candidate).isExecutable()) return QFileInfo(candidate).canonicalFilePath();
    }
    const QByteArray configured = qgetenv("TINYFORGE_CLI");
    if (!configured.isEmpty()) return QString::fromLocal8Bit(configured);
    return QStringLiteral("tinyforge-cli");
}

SweepProcess::SweepProcess(QObject* parent) : QObject(parent) {
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    // Its own process group: the signals below reach the CLI and every point it started, and nothing else.
    m_process.setChildProcessModifier([] { setpgid(0, 0); });
    connect(&m_process, &QProcess::readyReadStandardOutput, this, [this] {
        m_pending += QString::fromUtf8(m_process.readAllStandardOutput());
        qsizetype end = 0;
        while ((end = m_pending.indexOf(QLatin1Char('\n'))) >= 0) {
            emit logLine(m_pending.left(end));
            m_pending.remove(0, end + 1);
        }
    });
    connect(&m_process, &QProcess::finished, this, [this](int exitCode, QProcess::ExitStatus status) {
        if (!m_pending.isEmpty()) emit logLine(m_pending);
        m_pending.clear();
        m_paused = false;
        emit finished(status == QProcess::NormalExit ? exitCode : -1, m_cancelled);
    });
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart) emit failed(tr("Cannot start %1: %2").arg(m_process.program(), m_process.errorString()));
    });
}

SweepProcess::~SweepProcess() {
    if (running()) {
        signalGroup(SIGCONT);
        signalGroup(SIGTERM);
        m_process.waitForFinished(5000);
        if (running()) signalGroup(SIGKILL);
        m_process.waitForFinished(2000);
    }
}

bool SweepProcess::start(const QString& sweepFile, const QString& outDir, bool resumeFolder, int jobs, const QStringList& extra) {
    if (running()) return false;
    m_cancelled = false;
    m_paused = false;
    QStringList args{QStringLiteral("sweep"), sweepFile, QStringLiteral("--out"), outDir};
    if (resumeFolder) args << QStringLiteral("--resume");
    if (jobs > 0) args << QStringLiteral("--jobs") << QString::number(jobs);
    args << extra;
    m_process.start(cliProgram(), args);
    return m_process.waitForStarted(10000);
}

void SweepProcess::signalGroup(int signal) {
    const auto pid = static_cast<pid_t>(m_process.processId());
    if (pid > 0) kill(-pid, signal);
}

void SweepProcess::pause() {
    if (!running() || m_paused) return;
    signalGroup(SIGSTOP);
    m_paused = true;
}

void SweepProcess::resume() {
    if (!running() || !m_paused) return;
    signalGroup(SIGCONT);
    m_paused = false;
}

void SweepProcess::cancel() {
    if (!running()) return;
    m_cancelled = true;
    signalGroup(SIGCONT);  // a stopped process does not act on SIGTERM until it runs
    signalGroup(SIGTERM);
    // Whatever has not ended in 5 s is killed; only this sweep's group, never one started since.
    const auto group = static_cast<pid_t>(m_process.processId());
    QTimer::singleShot(5000, this, [this, group] {
        if (running() && m_process.processId() == group) kill(-group, SIGKILL);
    });
}

}  // namespace tinyforge::ui
