#pragma once

#include "geo/editable_mask.h"

#include <QCursor>
#include <QPointF>
#include <QString>

#include <vector>

class QKeyEvent;
class QMouseEvent;
class QPainter;

namespace refermap::ui {

class MapCanvas;

enum class ToolKind { Pan, Brush, Eraser, PolygonAdd, PolygonCut, FillHole };

// What the mouse and keys do on the canvas besides panning and zooming (which the canvas handles
// itself: wheel, +/-, arrows, middle-drag and Space+drag work with any tool). Mask tools act on the
// canvas's active mask layer; each finished stroke, polygon or fill becomes one MaskEditCommand on
// that layer's undo stack (MapCanvas::commitEdit). Events arrive in widget coordinates; tools convert
// with the canvas's MapView. A tool also paints its feedback (stroke, polygon, brush circle) over the map.
class MapTool {
public:
    explicit MapTool(MapCanvas& canvas)
        : canvas_(canvas)
    { }
    virtual ~MapTool() = default;
    MapTool(const MapTool&) = delete;
    MapTool& operator=(const MapTool&) = delete;

    virtual ToolKind kind() const = 0;
    virtual void mousePress(QMouseEvent*) { }
    virtual void mouseMove(QMouseEvent*) { }
    virtual void mouseRelease(QMouseEvent*) { }
    virtual void mouseDoubleClick(QMouseEvent*) { }
    // True when the tool used the key.
    virtual bool keyPress(QKeyEvent*) { return false; }
    // Draws the tool's feedback in widget coordinates.
    virtual void paint(QPainter&) { }
    // Drops an unfinished stroke or polygon (tool switched, layer changed).
    virtual void cancel() { }
    virtual QCursor cursor() const { return Qt::CrossCursor; }

protected:
    MapCanvas& canvas_;
};

// Drag: the canvas pans (handled by MapCanvas).
class PanTool : public MapTool {
public:
    using MapTool::MapTool;
    ToolKind kind() const override { return ToolKind::Pan; }
    QCursor cursor() const override { return Qt::OpenHandCursor; }
};

// Brush (foreground) or eraser: press-drag-release paints a round stroke of the canvas's brush
// radius (raster pixels) along the path, applied on release as one edit. `[` and `]` shrink and grow
// the brush; the brush is drawn as a circle around the cursor.
class BrushTool : public MapTool {
public:
    BrushTool(MapCanvas& canvas, bool foreground)
        : MapTool(canvas)
        , foreground_(foreground)
    { }
    ToolKind kind() const override { return foreground_ ? ToolKind::Brush : ToolKind::Eraser; }
    void mousePress(QMouseEvent* event) override;
    void mouseMove(QMouseEvent* event) override;
    void mouseRelease(QMouseEvent* event) override;
    bool keyPress(QKeyEvent* event) override;
    void paint(QPainter& painter) override;
    void cancel() override;
    QCursor cursor() const override { return Qt::BlankCursor; }

private:
    bool foreground_;
    bool stroking_ = false;
    std::vector<geo::MaskPoint> points_; // raster pixels
    QPointF cursor_ {-1e9, -1e9}; // widget, for the circle
};

// Polygon add (foreground) or cut: click vertices; double-click or Enter closes and applies, Esc
// cancels, Backspace removes the last vertex.
class PolygonTool : public MapTool {
public:
    PolygonTool(MapCanvas& canvas, bool foreground)
        : MapTool(canvas)
        , foreground_(foreground)
    { }
    ToolKind kind() const override { return foreground_ ? ToolKind::PolygonAdd : ToolKind::PolygonCut; }
    void mousePress(QMouseEvent* event) override;
    void mouseMove(QMouseEvent* event) override;
    void mouseDoubleClick(QMouseEvent* event) override;
    bool keyPress(QKeyEvent* event) override;
    void paint(QPainter& painter) override;
    void cancel() override;
    const std::vector<geo::MaskPoint>& vertices() const { return vertices_; }

private:
    void close();

    bool foreground_;
    std::vector<geo::MaskPoint> vertices_; // raster pixels
    QPointF cursor_;
    bool hasCursor_ = false;
};

// Click inside a hole of the mask: fills it, searching no further than the visible area; a refusal
// (not a hole, or larger than the view) is reported by the canvas (editRefused).
class FillHoleTool : public MapTool {
public:
    using MapTool::MapTool;
    ToolKind kind() const override { return ToolKind::FillHole; }
    void mousePress(QMouseEvent* event) override;
    QCursor cursor() const override { return Qt::PointingHandCursor; }
};

} // namespace refermap::ui
