#include "ui/run/results_card.h"

#include <QDir>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>

#include <optional>

#include "core/results/aggregate.h"
#include "core/error.h"
#include "core/results/summary_file.h"
#include "ui/text_format.h"

namespace tinyforge::ui {

namespace {

QString grouped(std::int64_t n) { return QLocale(QLocale::English).toString(static_cast<qlonglong>(n)); }

// A device profile in one line, its latency in the unit it was measured in.
QString deviceLine(const core::results::DeviceResult& d) {
    QString latency;
    if (d.latency_ms) latency = QObject::tr("%1 ms / inference (measured)").arg(*d.latency_ms, 0, 'f', 3);
    else if (d.latency_count) {
        latency = QObject::tr("%1 %2 / inference").arg(grouped(*d.latency_count), QString::fromStdString(d.count_unit.value_or("counts")));
        if (d.latency_ms_estimate) latency += QObject::tr(" (~%1 ms estimated)").arg(*d.latency_ms_estimate, 0, 'f', 3);
    }
    const QString where = d.measured_on == "emulator" ? QObject::tr("on the emulator") : QObject::tr("on the board");
    QStringList parts{QStringLiteral("%1 %2 (%3)").arg(QString::fromStdString(d.board), where, QString::fromStdString(d.backend))};
    if (!latency.isEmpty()) parts << latency;
    parts << QObject::tr("flash %1 B").arg(grouped(d.flash_bytes)) << QObject::tr("RAM %1 B").arg(grouped(d.ram_bytes));
    if (d.energy_uj) parts << QObject::tr("%1 \u00b5J / inference").arg(*d.energy_uj, 0, 'f', 2);
    parts << QObject::tr("%1 / %2 outputs identical to the reference").arg(grouped(d.identical), grouped(d.samples));
    return parts.join(QStringLiteral(" \u00b7 "));
}

struct Row {
    QString model, accuracy, params, bytes, ratio;
};

}  // namespace

ResultsCard::ResultsCard(QWidget* parent) : QFrame(parent) {
    setFrameShape(QFrame::StyledPanel);
    auto* layout = new QVBoxLayout(this);
    m_headline = new QLabel;
    QFont big = m_headline->font();
    big.setPointSizeF(big.pointSizeF() * 1.25);
    big.setBold(true);
    m_headline->setFont(big);
    m_headline->setWordWrap(true);
    m_headline->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_headline);
    m_table = new QWidget;
    m_grid = new QGridLayout(m_table);
    m_grid->setContentsMargins(0, 0, 0, 0);
    m_grid->setHorizontalSpacing(18);
    m_grid->setColumnStretch(5, 1);  // the columns keep to their figures; the space is left over on the right
    layout->addWidget(m_table);
    m_devices = new QLabel;
    m_devices->setWordWrap(true);
    m_devices->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_devices);
    auto* buttons = new QHBoxLayout;
    m_export = new QPushButton(tr("Export..."));
    m_export->setToolTip(tr("Open this run on the Export page: TorchScript, ONNX, C for microcontrollers"));
    m_deploy = new QPushButton(tr("Deploy..."));
    m_deploy->setToolTip(tr("Open this run on the Devices page: flash and profile it on a board or its emulator"));
    m_report = new QPushButton(tr("Report..."));
    m_report->setToolTip(tr("This run's report: every model, its interval, per layer and per class; saved as HTML or PDF"));
    buttons->addWidget(m_export);
    buttons->addWidget(m_deploy);
    buttons->addWidget(m_report);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    connect(m_export, &QPushButton::clicked, this, [this] { emit exportRequested(m_dir); });
    connect(m_deploy, &QPushButton::clicked, this, [this] { emit deployRequested(m_dir); });
    connect(m_report, &QPushButton::clicked, this, [this] { emit reportRequested(m_dir); });
    hide();
}

bool ResultsCard::showRun(const QString& dir, QString* error) {
    namespace res = core::results;
    std::optional<res::Aggregate> aggregate;
    res::RunSummary summary;
    try {
        // A folder of repeats: accuracies over its seeds; sizes and devices from its first seed (the same recipe).
        if (QFileInfo::exists(dir + QStringLiteral("/aggregate.json"))) {
            aggregate = res::readAggregate(dir.toStdString());
            if (aggregate->runs.empty()) throw Error(dir.toStdString() + "/aggregate.json: names no finished runs");
            summary = res::readSummary(aggregate->runs.front());
        } else {
            summary = res::readSummary(dir.toStdString());
        }
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
    const auto spreadOf = [&](const std::optional<res::ModelSpread>& s) -> std::optional<res::Spread> {
        if (aggregate && s) return s->test_accuracy;
        return std::nullopt;
    };
    const auto accuracyOf = [&](double single, const std::optional<res::ModelSpread>& s) {
        const auto spread = spreadOf(s);
        return spread ? accuracyText(spread->mean, spread->std) : accuracyText(single);
    };
    const double teacherBytes = summary.teacher ? static_cast<double>(summary.teacher->bytes_fp32) : 0;
    const auto ratio = [&](std::int64_t bytes) { return teacherBytes > 0 && bytes > 0 ? QStringLiteral("%1x").arg(teacherBytes / static_cast<double>(bytes), 0, 'f', 1) : QString(); };
    std::vector<Row> rows;
    const auto addModel = [&](const QString& name, const std::optional<res::ModelResult>& m, const std::optional<res::ModelSpread>& s) {
        if (!m) return;
        rows.push_back({name, accuracyOf(m->test_accuracy, s), grouped(m->params), tr("%1 (fp32)").arg(grouped(m->bytes_fp32)), ratio(m->bytes_fp32)});
    };
    addModel(tr("teacher"), summary.teacher, aggregate ? aggregate->teacher : std::nullopt);
    addModel(tr("student from labels"), summary.student_scratch, aggregate ? aggregate->student_scratch : std::nullopt);
    addModel(tr("distilled student"), summary.student, aggregate ? aggregate->student : std::nullopt);
    QString headline;
    m_deployedBytes = summary.compressed ? summary.compressed->bytes_deployed : 0;
    if (const auto& c = summary.compressed) {
        const auto spread = spreadOf(aggregate ? aggregate->compressed : std::nullopt);
        const double deployed = spread ? spread->mean : c->deployedAccuracy();
        rows.push_back({tr("compressed, as deployed"), accuracyOf(c->deployedAccuracy(), aggregate ? aggregate->compressed : std::nullopt), grouped(c->params),
                        grouped(c->bytes_deployed), ratio(c->bytes_deployed)});
        headline = tr("As deployed: %1 test accuracy in %2 bytes").arg(QString::number(deployed, 'f', 4), grouped(c->bytes_deployed));
        if (summary.teacher) {
            const auto teacherSpread = spreadOf(aggregate ? aggregate->teacher : std::nullopt);
            const double teacher = teacherSpread ? teacherSpread->mean : summary.teacher->test_accuracy;
            headline += tr(", %1 smaller than the teacher, %2 points against it").arg(ratio(c->bytes_deployed)).arg((deployed - teacher) * 100, 0, 'f', 2);
        }
    } else if (const auto* s = summary.finalStudent()) {
        headline = tr("Student: %1 test accuracy, %2 bytes in fp32").arg(QString::number(s->test_accuracy, 'f', 4), grouped(s->bytes_fp32));
    }
    if (aggregate) headline += tr(" (mean over %1 seeds)").arg(aggregate->seeds.size());

    // Rebuild the table: a header and a row per model.
    while (QLayoutItem* item = m_grid->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    const QStringList header{tr("model"), tr("test accuracy"), tr("parameters"), tr("bytes"), tr("smaller than teacher")};
    for (int c = 0; c < header.size(); ++c) {
        auto* label = new QLabel(header[c]);
        QFont bold = label->font();
        bold.setBold(true);
        label->setFont(bold);
        m_grid->addWidget(label, 0, c, c == 0 ? Qt::AlignLeft : Qt::AlignRight);
    }
    for (int r = 0; r < static_cast<int>(rows.size()); ++r) {
        const auto& row = rows[static_cast<std::size_t>(r)];
        const QStringList cells{row.model, row.accuracy, row.params, row.bytes, row.ratio};
        for (int c = 0; c < cells.size(); ++c) {
            auto* label = new QLabel(cells[c]);
            label->setTextInteractionFlags(Qt::TextSelectableByMouse);
            m_grid->addWidget(label, r + 1, c, c == 0 ? Qt::AlignLeft : Qt::AlignRight);
        }
    }
    QStringList devices;
    for (const auto& d : summary.devices) devices << deviceLine(d);
    m_devices->setText(devices.isEmpty() ? tr("Not profiled on a device yet: Deploy... runs it on a board or its emulator.") : devices.join(QLatin1Char('\n')));
    m_headline->setText(headline);
    m_dir = dir;
    m_deploy->setEnabled(summary.compressed.has_value());
    show();
    return true;
}

QString ResultsCard::text() const {
    QStringList lines{m_headline->text()};
    for (int r = 0; r < m_grid->rowCount(); ++r) {
        QStringList cells;
        for (int c = 0; c < m_grid->columnCount(); ++c) {
            if (auto* item = m_grid->itemAtPosition(r, c); item && item->widget())
                if (auto* label = qobject_cast<QLabel*>(item->widget())) cells << label->text();
        }
        lines << cells.join(QLatin1Char('\t'));
    }
    lines << m_devices->text();
    return lines.join(QLatin1Char('\n'));
}

}  // namespace tinyforge::ui
