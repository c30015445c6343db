#pragma once
// The Compare page: every run the studio knows (the run list survives restarts). Checked runs overlay their
// students' validation curves; all runs appear in the accuracy-against-deployed-size scatter (the Pareto view,
// best runs on the front line) beside a table of their summary figures, and the selected run's results card. "Export report..." previews and saves
// the comparison report (HTML or PDF) of the checked runs.

#include <QWidget>

#include <vector>

#include "ui/compare/run_list.h"

class QCustomPlot;
class QListWidget;
class QTableWidget;

namespace tinyforge::ui {

class ResultsCard;

class ComparePage : public QWidget {
    Q_OBJECT
public:
    explicit ComparePage(QWidget* parent = nullptr);

    /// Adds a run folder to the list (and the saved list) and shows it checked.
    void addRun(const QString& dir);
    /// Reloads every listed run from disk.
    void reload();

    int runCount() const { return static_cast<int>(m_runs.size()); }
    int scatterPointCount() const;
    int curveCount() const;
    /// Runs on the Pareto front: no other run is both more accurate and smaller.
    QStringList paretoRuns() const;
    /// The table's text at (row, column): Run, Teacher, Student, Compressed (deployed), Deployed bytes, Pareto.
    QString tableText(int row, int column) const;
    /// The folders "Export report..." compares: the checked runs, in the list's order.
    QStringList checkedRunFolders() const;
    /// Selects run `row` (as a click in the list or the table does): its results card shows below the table.
    void selectRun(int row);
    ResultsCard* resultsCard() const { return m_card; }

private:
    void chooseFolder();
    void removeSelected();
    void exportReport();
    void redraw();

    RunList m_list;
    std::vector<RunRecord> m_runs;
    QListWidget* m_runList;
    QCustomPlot* m_curves;
    QCustomPlot* m_scatter;
    QTableWidget* m_table;
    ResultsCard* m_card;
};

}  // namespace tinyforge::ui
