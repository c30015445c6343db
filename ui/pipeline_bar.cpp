#include "ui/pipeline_bar.h"

#include <QEvent>
#include <QPainter>
#include <QPainterPath>

namespace tinyforge::ui {

namespace {
constexpr int kBadge = 20;           // logical pixels
constexpr int kStateRole = Qt::UserRole + 1;
}  // namespace

PipelineBar::PipelineBar(QWidget* parent) : QListWidget(parent) {
    setIconSize(QSize(kBadge, kBadge));
    setSpacing(2);
    setFrameShape(QFrame::NoFrame);
    setAccessibleName(tr("Pipeline steps"));
}

void PipelineBar::addStep(const QString& title) {
    auto* item = new QListWidgetItem(title, this);
    item->setData(kStateRole, static_cast<int>(StepState::Idle));
    item->setIcon(badge(count(), StepState::Idle));
    item->setToolTip(tr("%1 (Alt+%2)").arg(title).arg(count()));
}

void PipelineBar::setSteps(const std::vector<PipelineStep>& steps) {
    for (const PipelineStep& step : steps) {
        const auto found = findItems(step.page, Qt::MatchExactly);
        if (found.isEmpty()) continue;
        QListWidgetItem* item = found.first();
        const int number = row(item) + 1;
        const QString key = tr("%1 (Alt+%2)").arg(step.page).arg(number);
        item->setToolTip(step.why.isEmpty() ? key : tr("%1: %2").arg(key, step.why));
        if (item->data(kStateRole).toInt() == static_cast<int>(step.state)) continue;
        item->setData(kStateRole, static_cast<int>(step.state));
        item->setIcon(badge(number, step.state));
    }
}

StepState PipelineBar::state(const QString& page) const {
    const auto found = findItems(page, Qt::MatchExactly);
    return found.isEmpty() ? StepState::Idle : static_cast<StepState>(found.first()->data(kStateRole).toInt());
}

void PipelineBar::changeEvent(QEvent* event) {
    QListWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange) repaintBadges();
}

void PipelineBar::repaintBadges() {
    for (int i = 0; i < count(); ++i) item(i)->setIcon(badge(i + 1, static_cast<StepState>(item(i)->data(kStateRole).toInt())));
}

QIcon PipelineBar::badge(int number, StepState state) const {
    const QPalette p = palette();
    QIcon icon;
    for (const qreal scale : {1.0, 2.0}) {  // both resolutions: sharp at a scale factor of 2
        QPixmap pixmap(QSize(kBadge, kBadge) * scale);
        pixmap.setDevicePixelRatio(scale);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        const QRectF circle(1.5, 1.5, kBadge - 3, kBadge - 3);
        QColor fill, ink = Qt::white;
        switch (state) {
            case StepState::Done: fill = QColor(0x2e, 0x7d, 0x32); break;
            case StepState::Attention: fill = QColor(0xef, 0x6c, 0x00); break;
            case StepState::Running: fill = p.color(QPalette::Highlight); ink = p.color(QPalette::HighlightedText); break;
            case StepState::Idle: ink = p.color(QPalette::WindowText); break;
        }
        painter.setPen(QPen(state == StepState::Idle ? ink : fill, 1.5));
        painter.setBrush(fill.isValid() ? QBrush(fill) : Qt::NoBrush);
        painter.drawEllipse(circle);
        if (state == StepState::Done) {  // a check mark
            QPainterPath check;
            check.moveTo(5.5, 10.5);
            check.lineTo(8.5, 13.5);
            check.lineTo(14.5, 6.5);
            painter.setPen(QPen(ink, 2.2, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
            painter.setBrush(Qt::NoBrush);
            painter.drawPath(check);
        } else {
            QFont font = this->font();
            font.setPixelSize(11);
            font.setBold(true);
            painter.setFont(font);
            painter.setPen(ink);
            painter.drawText(circle, Qt::AlignCenter, state == StepState::Attention ? QStringLiteral("!") : QString::number(number));
        }
        painter.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

}  // namespace tinyforge::ui
