#pragma once
// The drift debugger's result on the Devices page: every op with how many of its int8 outputs differ from the
// integer reference, the first that differs named, and that op's reference and device values side by side.

#include <QWidget>

#include "devices/deploy/drift_debug.h"

class QLabel;
class QTableWidget;

namespace tinyforge::ui {

class DriftView : public QWidget {
    Q_OBJECT
public:
    explicit DriftView(QWidget* parent = nullptr);

    void showReport(const devices::DriftReport& report);

    // For tests.
    QString verdict() const;    ///< the line naming the first op that differs, or saying none does
    int opRows() const;
    int valueRows() const;      ///< rows of the side-by-side table (the differing values of the first such op)

private:
    QLabel* m_verdict;
    QTableWidget *m_ops, *m_values;
};

}  // namespace tinyforge::ui
