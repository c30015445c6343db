#pragma once
// A sweep run by tinyforge-cli in a child process (the same executor as on a build server or a cluster), in its own
// process group so that Pause stops every point's process (SIGSTOP), Resume continues them (SIGCONT) and Cancel ends
// them all (SIGTERM, then SIGKILL). The folder it writes stays resumable (`--resume`).

#include <QObject>
#include <QProcess>
#include <QStringList>

namespace tinyforge::ui {

/// The tinyforge-cli beside this program (installed, or in the build tree), else TINYFORGE_CLI, else the one on PATH.
QString cliProgram();

class SweepProcess : public QObject {
    Q_OBJECT
public:
    explicit SweepProcess(QObject* parent = nullptr);
    ~SweepProcess() override;

    /// Starts `tinyforge-cli sweep sweepFile --out outDir [--resume] [--jobs N] [extra...]`; false (and `failed`) if
    /// it cannot. `extra` carries the executor's flags (`--executor slurm --partition P`).
    bool start(const QString& sweepFile, const QString& outDir, bool resume, int jobs, const QStringList& extra = {});
    QStringList arguments() const { return m_process.arguments(); }
    void pause();
    void resume();
    void cancel();
    bool running() const { return m_process.state() != QProcess::NotRunning; }
    bool paused() const { return m_paused; }
    qint64 pid() const { return m_process.processId(); }

signals:
    void logLine(const QString& line);
    void finished(int exitCode, bool cancelled);
    void failed(const QString& message);

private:
    void signalGroup(int signal);
    QProcess m_process;
    QString m_pending;
    bool m_paused = false;
    bool m_cancelled = false;
};

}  // namespace tinyforge::ui
