#include "ui/data/data_page.h"

#include <QComboBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include "ui/themed_plot.h"

#include "core/data/format_registry.h"
#include "ui/data/dataset_load_worker.h"
#include "ui/data/sample_grid.h"
#include "ui/text_format.h"

namespace tinyforge::ui {

DataPage::DataPage(QWidget* parent) : QWidget(parent), m_worker(new DatasetLoadWorker(this)) {
    setAcceptDrops(true);
    buildLayout();
    connect(m_worker, &DatasetLoadWorker::progress, this, [this](const QString& stage, qint64 done, qint64 total) {
        m_progress->setFormat(stage + QStringLiteral(" %v/%m"));
        m_progress->setRange(0, static_cast<int>(std::max<qint64>(total, 0)));
        m_progress->setValue(static_cast<int>(done));
    });
    connect(m_worker, &DatasetLoadWorker::loaded, this, [this](auto dataset) {
        setBusy(false);
        showDataset(dataset);
        emit loaded(dataset);
    });
    connect(m_worker, &DatasetLoadWorker::failed, this, [this](const QString& message) {
        setBusy(false);
        m_summary->setText(tr("Could not load: %1").arg(message));
        emit loadFailed(message);
    });
    connect(m_worker, &DatasetLoadWorker::cancelled, this, [this] {
        setBusy(false);
        m_summary->setText(tr("Loading cancelled."));
    });
}

void DataPage::buildLayout() {
    m_path = new QLineEdit;
    m_path->setPlaceholderText(tr("A .csv file, an IDX or CIFAR folder, a CIFAR .tar.gz, or a folder of class folders"));
    m_format = new QComboBox;
    m_format->addItem(QStringLiteral("auto"));
    for (const auto& id : core::data::FormatRegistry::builtin().ids()) m_format->addItem(QString::fromStdString(id));
    m_format->setToolTip(tr("Dataset format; auto detects it from the path"));
    auto* openFile = new QPushButton(tr("Open &file..."));
    auto* openFolder = new QPushButton(tr("Open f&older..."));
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setEnabled(false);
    connect(openFile, &QPushButton::clicked, this, &DataPage::chooseFile);
    connect(openFolder, &QPushButton::clicked, this, &DataPage::chooseFolder);
    connect(m_cancel, &QPushButton::clicked, m_worker, &DatasetLoadWorker::cancel);
    connect(m_path, &QLineEdit::returnPressed, this, [this] { load(m_path->text()); });

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_path, 1);
    bar->addWidget(m_format);
    bar->addWidget(openFile);
    bar->addWidget(openFolder);
    bar->addWidget(m_cancel);

    m_progress = new QProgressBar;
    m_progress->setVisible(false);
    m_summary = new QLabel(tr("Open a dataset, or drop a file or folder here."));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_histogram = new ThemedPlot;
    m_histogram->setMinimumHeight(220);
    m_histogram->yAxis->setLabel(tr("training samples"));

    m_grid = new SampleGrid;
    auto* gridScroll = new QScrollArea;
    gridScroll->setWidget(m_grid);
    gridScroll->setWidgetResizable(true);
    m_table = new QTableWidget;
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_samples = new QStackedWidget;
    m_samples->addWidget(gridScroll);
    m_samples->addWidget(m_table);

    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(m_histogram);
    split->addWidget(m_samples);
    split->setStretchFactor(1, 2);

    auto* page = new QVBoxLayout(this);
    page->addLayout(bar);
    page->addWidget(m_progress);
    page->addWidget(m_summary);
    page->addWidget(split, 1);
}

void DataPage::load(const QString& path) {
    core::data::LoadOptions options;
    options.path = path.toStdString();
    options.format = m_format->currentText().toStdString();
    m_path->setText(path);
    setBusy(true);
    m_summary->setText(tr("Loading %1 ...").arg(path));
    m_worker->start(options);
}

void DataPage::chooseFile() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open dataset file"), m_path->text(),
                                                      tr("Datasets (*.csv *.tsv *.tar.gz *.tgz *.tar);;All files (*)"));
    if (!path.isEmpty()) load(path);
}

void DataPage::chooseFolder() {
    const QString path = QFileDialog::getExistingDirectory(this, tr("Open dataset folder"), m_path->text());
    if (!path.isEmpty()) load(path);
}

void DataPage::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void DataPage::dropEvent(QDropEvent* event) {
    const auto urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.front().isLocalFile()) load(urls.front().toLocalFile());
}

void DataPage::setBusy(bool busy) {
    m_cancel->setEnabled(busy);
    m_progress->setVisible(busy);
    m_progress->setRange(0, 0);
}

QString DataPage::summaryText() const { return m_summary->text(); }

int DataPage::histogramBarCount() const {
    if (m_histogram->plottableCount() == 0) return 0;
    auto* bars = qobject_cast<QCPBars*>(m_histogram->plottable(0));
    return bars ? bars->data()->size() : 0;
}

int DataPage::sampleTileCount() const { return m_grid->tileCount(); }

void DataPage::showDataset(std::shared_ptr<const core::data::Dataset> dataset) {
    m_dataset = std::move(dataset);
    const auto& d = *m_dataset;
    m_summary->setText(tr("<b>%1</b> (%2) &mdash; %3 samples of %4, %5 classes &mdash; train %6, validation %7, test %8")
                           .arg(QString::fromStdString(d.name), QString::fromStdString(d.format))
                           .arg(d.sampleCount())
                           .arg(shapeText(d.samples.sampleShape))
                           .arg(d.classCount())
                           .arg(d.splits.train.size())
                           .arg(d.splits.val.size())
                           .arg(d.splits.test.size()));
    showHistogram(d);
    if (d.samples.kind == core::data::SampleKind::Image) {
        m_grid->setDataset(d);
        m_samples->setCurrentIndex(0);
    } else {
        showTable(d);
        m_samples->setCurrentIndex(1);
    }
}

void DataPage::showHistogram(const core::data::Dataset& dataset) {
    m_histogram->clearPlottables();
    const auto counts = core::data::classHistogram(dataset, dataset.splits.train);
    QVector<double> ticks, values;
    QVector<QString> labels;
    for (std::size_t k = 0; k < counts.size(); ++k) {
        ticks << static_cast<double>(k + 1);
        values << static_cast<double>(counts[k]);
        labels << QString::fromStdString(dataset.samples.classNames[k]);
    }
    auto* bars = new QCPBars(m_histogram->xAxis, m_histogram->yAxis);
    bars->setData(ticks, values);
    bars->setBrush(palette().highlight());
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    if (counts.size() <= 20) ticker->addTicks(ticks, labels);
    m_histogram->xAxis->setTicker(ticker);
    m_histogram->xAxis->setTickLabelRotation(counts.size() > 5 ? 40 : 0);
    m_histogram->xAxis->setRange(0, static_cast<double>(counts.size()) + 1);
    m_histogram->yAxis->setRange(0, *std::max_element(values.begin(), values.end()) * 1.1);
    m_histogram->replot();
}

void DataPage::showTable(const core::data::Dataset& dataset) {
    const auto features = static_cast<int>(dataset.sampleSize());
    const int rows = std::min<int>(200, static_cast<int>(dataset.sampleCount()));
    m_table->clear();
    m_table->setRowCount(rows);
    m_table->setColumnCount(features + 1);
    QStringList header;
    const auto& names = dataset.samples.featureNames;
    for (int f = 0; f < features; ++f) {
        header << (f < static_cast<int>(names.size()) ? QString::fromStdString(names[f]) : tr("feature %1").arg(f + 1));
    }
    header << tr("class");
    m_table->setHorizontalHeaderLabels(header);
    for (int r = 0; r < rows; ++r) {
        for (int f = 0; f < features; ++f) {
            m_table->setItem(r, f, new QTableWidgetItem(QString::number(dataset.samples.values[r * features + f])));
        }
        const auto label = dataset.samples.labels[static_cast<std::size_t>(r)];
        m_table->setItem(r, features, new QTableWidgetItem(QString::fromStdString(dataset.samples.classNames[label])));
    }
}

}  // namespace tinyforge::ui
