#pragma once

#include <QPointF>
#include <QRectF>
#include <QSize>

namespace refermap::ui {

// The canvas's view transform, a plain value: which part of the frame raster (the pixel grid of the
// canvas's first raster layer) a widget of size() shows. Raster pixel coordinates are continuous
// ((0, 0) = top-left corner of the first pixel, as in GDAL); widget coordinates are logical pixels.
//
// The zoom is a discrete level: resolution (raster pixels per screen pixel) = 2^(level / stepsPerOctave),
// level 0 = 1:1. Discrete levels let the tile cache key screen-aligned tiles by (level, x, y): a tile
// of a level covers the same raster rectangle whatever the centre.
class MapView {
public:
    static constexpr int stepsPerOctave = 4; // a wheel notch or +/- zooms by 2^(1/4) ~ 1.19
    static constexpr int minLevel = -6 * stepsPerOctave; // 64 screen pixels per raster pixel
    static constexpr int maxLevel = 24 * stepsPerOctave; // far beyond any raster's full extent

    MapView() = default;
    MapView(QSize size, QPointF centre, int level);

    QSize size() const { return size_; }
    void setSize(QSize size) { size_ = size; }
    // The raster point at the widget's centre.
    QPointF centre() const { return centre_; }
    void setCentre(QPointF centre) { centre_ = centre; }
    int level() const { return level_; }
    void setLevel(int level);
    // Raster pixels per screen pixel at `level` (2^(level / stepsPerOctave)).
    static double resolutionOf(int level);
    double resolution() const { return resolutionOf(level_); }
    // The smallest level whose resolution is >= `resolution` (clamped to [minLevel, maxLevel]).
    static int levelForResolution(double resolution);

    // The widget position of raster point (0, 0), rounded to whole screen pixels so that tiles and
    // overlays drawn at integer offsets from it line up without seams.
    QPoint origin() const;
    QPointF rasterToWidget(QPointF raster) const;
    QPointF widgetToRaster(QPointF widget) const;
    // The raster rectangle under the whole widget.
    QRectF visibleRaster() const;

    // Changes the level by `steps` keeping the raster point under `widgetPosition` where it is
    // (to within half a screen pixel, the rounding of origin()).
    void zoomAround(QPointF widgetPosition, int steps);
    // Moves the view so that the content moves by `delta` screen pixels (a drag by delta).
    void panByPixels(QPointF delta);
    // Centres `rect` (raster pixels) at the finest level that shows all of it.
    void fit(const QRectF& rect);

    bool operator==(const MapView& other) const
    {
        return size_ == other.size_ && centre_ == other.centre_ && level_ == other.level_;
    }
    bool operator!=(const MapView& other) const { return !(*this == other); }

private:
    QSize size_ {1, 1};
    QPointF centre_;
    int level_ = 0;
};

} // namespace refermap::ui
