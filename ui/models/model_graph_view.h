#pragma once
// A network drawn as Netron draws it, read-only: one box per layer from input to output, joined by arrows that carry
// the tensor's shape; each box names the layer and its type (a coloured stripe per kind: convolution, dense,
// pooling, normalisation, activation, sum) and, for layers with weights or arithmetic, its parameters, MACs per
// sample, deployed bytes and encoding. Layers are drawn in execution order (a residual block's sum follows its
// branch; the skip is not drawn as its own edge).

#include <QString>
#include <QWidget>

#include <vector>

namespace tinyforge::ui {

struct GraphNode {
    QString name;      ///< "fc1"
    QString type;      ///< "Linear", "Conv2d", "ReLU", ...
    QString output;    ///< the output shape as text, "64" or "16x16x16"
    qint64 params = 0;
    qint64 macs = 0;
    QString bytes;     ///< deployed bytes as text; empty for layers without weights
    QString encoding;  ///< how the weights are stored ("int8 dense", "codebook+bitmask", ...)
};

class ModelGraphView : public QWidget {
    Q_OBJECT
public:
    explicit ModelGraphView(QWidget* parent = nullptr);

    void setNodes(std::vector<GraphNode> nodes);
    int nodeCount() const { return static_cast<int>(m_nodes.size()); }
    /// What box `index` says, its lines joined by " | " (for tests and the tooltip).
    QString nodeText(int index) const;
    /// The box under a point in the widget, or -1.
    int nodeAt(const QPoint& point) const;
    /// Where box `index` is drawn.
    QRect nodeRect(int index) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;

private:
    QStringList lines(const GraphNode& node) const;
    int boxHeight(const GraphNode& node) const;

    std::vector<GraphNode> m_nodes;
};

}  // namespace tinyforge::ui
