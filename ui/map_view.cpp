#include "ui/map_view.h"

#include <algorithm>
#include <cmath>

namespace refermap::ui {

MapView::MapView(QSize size, QPointF centre, int level)
    : size_(size)
    , centre_(centre)
{
    setLevel(level);
}

void MapView::setLevel(int level)
{
    level_ = std::clamp(level, minLevel, maxLevel);
}

double MapView::resolutionOf(int level)
{
    return std::exp2(static_cast<double>(level) / stepsPerOctave);
}

int MapView::levelForResolution(double resolution)
{
    if (!(resolution > 0.0) || !std::isfinite(resolution))
        return 0;
    // The epsilon keeps an exact level (e.g. resolution 2 -> level 4) from rounding up.
    const int level = static_cast<int>(std::ceil(std::log2(resolution) * stepsPerOctave - 1e-9));
    return std::clamp(level, minLevel, maxLevel);
}

QPoint MapView::origin() const
{
    const double r = resolution();
    return {static_cast<int>(std::lround(size_.width() / 2.0 - centre_.x() / r)),
        static_cast<int>(std::lround(size_.height() / 2.0 - centre_.y() / r))};
}

QPointF MapView::rasterToWidget(QPointF raster) const
{
    const double r = resolution();
    const QPoint o = origin();
    return {o.x() + raster.x() / r, o.y() + raster.y() / r};
}

QPointF MapView::widgetToRaster(QPointF widget) const
{
    const double r = resolution();
    const QPoint o = origin();
    return {(widget.x() - o.x()) * r, (widget.y() - o.y()) * r};
}

QRectF MapView::visibleRaster() const
{
    const QPointF topLeft = widgetToRaster(QPointF(0, 0));
    const QPointF bottomRight = widgetToRaster(QPointF(size_.width(), size_.height()));
    return {topLeft, bottomRight};
}

void MapView::zoomAround(QPointF widgetPosition, int steps)
{
    const QPointF anchor = widgetToRaster(widgetPosition);
    setLevel(level_ + steps);
    // Put `anchor` back under the cursor: centre = anchor + (size/2 - position) * resolution.
    const double r = resolution();
    centre_ = QPointF(anchor.x() + (size_.width() / 2.0 - widgetPosition.x()) * r,
        anchor.y() + (size_.height() / 2.0 - widgetPosition.y()) * r);
}

void MapView::panByPixels(QPointF delta)
{
    const double r = resolution();
    centre_ -= QPointF(delta.x() * r, delta.y() * r);
}

void MapView::fit(const QRectF& rect)
{
    if (rect.isEmpty())
        return;
    const double rx = rect.width() / std::max(1, size_.width());
    const double ry = rect.height() / std::max(1, size_.height());
    setLevel(levelForResolution(std::max(rx, ry)));
    centre_ = rect.center();
}

} // namespace refermap::ui
