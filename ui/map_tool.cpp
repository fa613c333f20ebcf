#include "ui/map_tool.h"

#include "ui/map_canvas.h"
#include "ui/map_layer.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

#include <cmath>

namespace refermap::ui {

namespace {

geo::MaskPoint rasterPoint(const MapCanvas& canvas, QPointF widget)
{
    const QPointF p = canvas.view().widgetToRaster(widget);
    return {p.x(), p.y()};
}

QPointF widgetPoint(const MapCanvas& canvas, const geo::MaskPoint& p)
{
    return canvas.view().rasterToWidget(QPointF(p.x, p.y));
}

} // namespace

// ---- BrushTool

void BrushTool::mousePress(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton)
        return;
    if (!canvas_.requireMaskLayer())
        return;
    stroking_ = true;
    points_ = {rasterPoint(canvas_, event->position())};
    canvas_.update();
}

void BrushTool::mouseMove(QMouseEvent* event)
{
    cursor_ = event->position();
    if (stroking_) {
        const geo::MaskPoint p = rasterPoint(canvas_, event->position());
        const geo::MaskPoint& last = points_.back();
        // Skip points closer than a quarter screen pixel: the stroke is the same, the record smaller.
        const double minStep = 0.25 * canvas_.view().resolution();
        if (std::hypot(p.x - last.x, p.y - last.y) >= minStep)
            points_.push_back(p);
    }
    canvas_.update();
}

void BrushTool::mouseRelease(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton || !stroking_)
        return;
    stroking_ = false;
    MaskLayer* layer = canvas_.activeMaskLayer();
    std::vector<geo::MaskPoint> points;
    points.swap(points_);
    if (!layer)
        return;
    canvas_.commitEdit(layer->mask().paintStroke(points, canvas_.brushRadius(), foreground_),
        foreground_ ? MapCanvas::tr("Brush") : MapCanvas::tr("Erase"));
    canvas_.update();
}

bool BrushTool::keyPress(QKeyEvent* event)
{
    if (event->key() == Qt::Key_BracketLeft) {
        canvas_.setBrushRadius(canvas_.brushRadius() / 1.25);
        return true;
    }
    if (event->key() == Qt::Key_BracketRight) {
        canvas_.setBrushRadius(canvas_.brushRadius() * 1.25);
        return true;
    }
    if (event->key() == Qt::Key_Escape && stroking_) {
        cancel();
        return true;
    }
    return false;
}

void BrushTool::paint(QPainter& painter)
{
    const double radius = canvas_.brushRadius() / canvas_.view().resolution();
    const QColor colour = foreground_ ? QColor(255, 255, 0) : QColor(255, 80, 80);
    if (stroking_ && !points_.empty()) {
        // The stroke's preview until release applies it.
        QPainterPath path(widgetPoint(canvas_, points_.front()));
        for (std::size_t i = 1; i < points_.size(); ++i)
            path.lineTo(widgetPoint(canvas_, points_[i]));
        QColor fill = colour;
        fill.setAlpha(110);
        painter.setPen(QPen(fill, 2.0 * radius, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        if (points_.size() == 1)
            painter.drawPoint(widgetPoint(canvas_, points_.front()));
        else
            painter.drawPath(path);
    }
    // The brush as a circle around the cursor (black and white so it shows on any image).
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(Qt::black, 3.0));
    painter.drawEllipse(cursor_, radius, radius);
    painter.setPen(QPen(colour, 1.0));
    painter.drawEllipse(cursor_, radius, radius);
}

void BrushTool::cancel()
{
    stroking_ = false;
    points_.clear();
    canvas_.update();
}

// ---- PolygonTool

void PolygonTool::mousePress(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton)
        return;
    if (!canvas_.requireMaskLayer())
        return;
    vertices_.push_back(rasterPoint(canvas_, event->position()));
    canvas_.update();
}

void PolygonTool::mouseMove(QMouseEvent* event)
{
    cursor_ = event->position();
    hasCursor_ = true;
    if (!vertices_.empty())
        canvas_.update();
}

void PolygonTool::mouseDoubleClick(QMouseEvent* event)
{
    // The first click of the double-click added the last vertex already.
    if (event->button() == Qt::LeftButton)
        close();
}

bool PolygonTool::keyPress(QKeyEvent* event)
{
    switch (event->key()) {
    case Qt::Key_Return:
    case Qt::Key_Enter:
        close();
        return true;
    case Qt::Key_Escape:
        if (vertices_.empty())
            return false;
        cancel();
        return true;
    case Qt::Key_Backspace:
        if (vertices_.empty())
            return false;
        vertices_.pop_back();
        canvas_.update();
        return true;
    default:
        return false;
    }
}

void PolygonTool::close()
{
    if (vertices_.size() < 3) {
        if (!vertices_.empty())
            emit canvas_.statusMessage(MapCanvas::tr("A polygon needs at least three vertices"));
        return;
    }
    std::vector<geo::MaskPoint> vertices;
    vertices.swap(vertices_);
    if (MaskLayer* layer = canvas_.requireMaskLayer())
        canvas_.commitEdit(layer->mask().fillPolygon(vertices, foreground_),
            foreground_ ? MapCanvas::tr("Add polygon") : MapCanvas::tr("Cut polygon"));
    canvas_.update();
}

void PolygonTool::paint(QPainter& painter)
{
    if (vertices_.empty())
        return;
    QPolygonF polygon;
    for (const geo::MaskPoint& v : vertices_)
        polygon << widgetPoint(canvas_, v);
    if (hasCursor_)
        polygon << cursor_;
    const QColor colour = foreground_ ? QColor(255, 255, 0) : QColor(255, 80, 80);
    QColor fill = colour;
    fill.setAlpha(70);
    painter.setBrush(fill);
    painter.setPen(QPen(colour, 1.5));
    painter.drawPolygon(polygon, Qt::OddEvenFill);
    painter.setBrush(colour);
    for (const geo::MaskPoint& v : vertices_)
        painter.drawEllipse(widgetPoint(canvas_, v), 3.0, 3.0);
}

void PolygonTool::cancel()
{
    vertices_.clear();
    canvas_.update();
}

// ---- FillHoleTool

void FillHoleTool::mousePress(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton)
        return;
    MaskLayer* layer = canvas_.requireMaskLayer();
    if (!layer)
        return;
    const geo::MaskPoint p = rasterPoint(canvas_, event->position());
    // Bounded work: the search never leaves the visible area (in the frame grid, which masks share).
    const QRectF visible = canvas_.visibleExtent();
    const int x0 = static_cast<int>(std::floor(visible.left()));
    const int y0 = static_cast<int>(std::floor(visible.top()));
    const geo::MaskPixelRect limit {
        x0, y0, static_cast<int>(std::ceil(visible.right())) - x0, static_cast<int>(std::ceil(visible.bottom())) - y0};
    auto edit = layer->mask().fillHole(p.x, p.y, limit);
    const bool refused = !edit.ok(); // commitEdit reports the mask's reason
    if (!canvas_.commitEdit(std::move(edit), MapCanvas::tr("Fill hole")) && !refused)
        emit canvas_.editRefused(
            MapCanvas::tr("Click inside a hole of the mask (a background area enclosed by the mask)"));
}

} // namespace refermap::ui
