#include "ui/models/model_graph_view.h"

#include <QHelpEvent>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

namespace tinyforge::ui {

namespace {
constexpr int kMargin = 12;
constexpr int kArrow = 22;     // vertical room between boxes, where the shape is written
constexpr int kMaxWidth = 420;
constexpr int kPadding = 6;

// One colour per kind of layer, as a stripe on the box's left.
QColor kindColour(const QString& type) {
    const QString t = type.toLower();
    if (t.contains(QLatin1String("conv"))) return QColor(0x15, 0x65, 0xc0);
    if (t.contains(QLatin1String("linear")) || t.contains(QLatin1String("dense"))) return QColor(0x6a, 0x1b, 0x9a);
    if (t.contains(QLatin1String("pool"))) return QColor(0x2e, 0x7d, 0x32);
    if (t.contains(QLatin1String("norm"))) return QColor(0x00, 0x83, 0x8f);
    if (t.contains(QLatin1String("add")) || t.contains(QLatin1String("residual"))) return QColor(0xef, 0x6c, 0x00);
    return QColor(0x9e, 0x9e, 0x9e);
}
}  // namespace

ModelGraphView::ModelGraphView(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Minimum);
    setAccessibleName(tr("Layer graph"));
}

void ModelGraphView::setNodes(std::vector<GraphNode> nodes) {
    m_nodes = std::move(nodes);
    updateGeometry();
    update();
}

QStringList ModelGraphView::lines(const GraphNode& node) const {
    QStringList out{tr("%1  %2").arg(node.name, node.type)};
    if (node.params > 0 || node.macs > 0) {
        QString figures = tr("%1 params, %2 MACs").arg(QLocale().toString(node.params), QLocale().toString(node.macs));
        if (!node.bytes.isEmpty()) figures += tr(", %1").arg(node.bytes);
        out << figures;
        if (!node.encoding.isEmpty()) out << node.encoding;
    }
    return out;
}

QString ModelGraphView::nodeText(int index) const {
    if (index < 0 || index >= nodeCount()) return {};
    const GraphNode& node = m_nodes[static_cast<std::size_t>(index)];
    return (lines(node) << tr("out %1").arg(node.output)).join(QStringLiteral(" | "));
}

int ModelGraphView::boxHeight(const GraphNode& node) const {
    return static_cast<int>(lines(node).size()) * fontMetrics().height() + 2 * kPadding;
}

QRect ModelGraphView::nodeRect(int index) const {
    const int width = std::min(kMaxWidth, std::max(120, this->width() - 2 * kMargin));
    const int x = (this->width() - width) / 2;
    int y = kMargin + fontMetrics().height() + kArrow;  // the input's shape comes first
    for (int i = 0; i < index; ++i) y += boxHeight(m_nodes[static_cast<std::size_t>(i)]) + kArrow;
    return {x, y, width, boxHeight(m_nodes[static_cast<std::size_t>(index)])};
}

int ModelGraphView::nodeAt(const QPoint& point) const {
    for (int i = 0; i < nodeCount(); ++i) {
        if (nodeRect(i).contains(point)) return i;
    }
    return -1;
}

QSize ModelGraphView::sizeHint() const {
    int height = kMargin * 2 + fontMetrics().height() + kArrow;
    for (const GraphNode& node : m_nodes) height += boxHeight(node) + kArrow;
    return {kMaxWidth / 2 + 2 * kMargin, height};
}

QSize ModelGraphView::minimumSizeHint() const { return {160, sizeHint().height()}; }

void ModelGraphView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette p = palette();
    const QColor text = p.color(QPalette::Text), muted = p.color(QPalette::PlaceholderText);
    const int lineHeight = fontMetrics().height();
    if (m_nodes.empty()) {
        painter.setPen(muted);
        painter.drawText(rect(), Qt::AlignCenter, tr("Load a dataset to see the layers."));
        return;
    }

    // An arrow down to `top`, with the tensor's shape beside it.
    const auto arrow = [&](int centreX, int top, const QString& shape) {
        painter.setFont(font());
        painter.setBrush(Qt::NoBrush);
        painter.setPen(QPen(muted, 1.2));
        painter.drawLine(centreX, top - kArrow + 2, centreX, top - 3);
        QPainterPath head;
        head.moveTo(centreX - 4, top - 8);
        head.lineTo(centreX, top - 2);
        head.lineTo(centreX + 4, top - 8);
        painter.drawPath(head);
        painter.drawText(QRect(centreX + 8, top - kArrow, width() / 2, kArrow), Qt::AlignVCenter | Qt::AlignLeft, shape);
    };

    const QRect first = nodeRect(0);
    painter.setPen(muted);
    painter.drawText(QRect(first.left(), kMargin, first.width(), lineHeight), Qt::AlignHCenter, tr("input"));
    for (int i = 0; i < nodeCount(); ++i) {
        const GraphNode& node = m_nodes[static_cast<std::size_t>(i)];
        const QRect box = nodeRect(i);
        arrow(box.center().x(), box.top(), i == 0 ? QString() : m_nodes[static_cast<std::size_t>(i - 1)].output);
        painter.setPen(QPen(p.color(QPalette::Mid), 1));
        painter.setBrush(p.brush(QPalette::Base));
        painter.drawRoundedRect(QRectF(box).adjusted(0.5, 0.5, -0.5, -0.5), 5, 5);
        painter.setPen(Qt::NoPen);
        painter.setBrush(kindColour(node.type));
        painter.drawRoundedRect(QRectF(box.left(), box.top(), 5, box.height()), 2, 2);
        const QStringList content = lines(node);
        int y = box.top() + kPadding;
        for (int line = 0; line < content.size(); ++line) {
            QFont font = this->font();
            font.setBold(line == 0);
            painter.setFont(font);
            painter.setPen(line == 0 ? text : muted);
            const QRect area(box.left() + 12, y, box.width() - 18, lineHeight);
            painter.drawText(area, Qt::AlignLeft | Qt::AlignVCenter, QFontMetrics(font).elidedText(content[line], Qt::ElideRight, area.width()));
            y += lineHeight;
        }
    }
    const QRect last = nodeRect(nodeCount() - 1);
    arrow(last.center().x(), last.bottom() + kArrow, m_nodes.back().output);
}

bool ModelGraphView::event(QEvent* event) {
    if (event->type() == QEvent::ToolTip) {  // the whole box, unelided
        auto* help = static_cast<QHelpEvent*>(event);
        const int index = nodeAt(help->pos());
        if (index >= 0) QToolTip::showText(help->globalPos(), nodeText(index).replace(QStringLiteral(" | "), QStringLiteral("\n")), this);
        else QToolTip::hideText();
        return true;
    }
    return QWidget::event(event);
}

}  // namespace tinyforge::ui
