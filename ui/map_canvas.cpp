#include "ui/map_canvas.h"

#include "ui/layer_model.h"
#include "ui/map_layer.h"
#include "ui/mask_edit_command.h"

#include <spdlog/spdlog.h>

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QTimer>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <ctime>

namespace refermap::ui {

namespace {

constexpr double earthRadiusMetres = 6371008.8;
constexpr std::size_t overlayCacheBytes = std::size_t(64) << 20;
constexpr int fillAlpha = 115; // of 255: the mask fill is translucent, the outline opaque

double threadCpuMs()
{
    timespec now {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return now.tv_sec * 1e3 + now.tv_nsec / 1e6;
}

double haversineMetres(const geo::LonLat& a, const geo::LonLat& b)
{
    const double toRadians = M_PI / 180.0;
    const double dLat = (b.lat - a.lat) * toRadians;
    const double dLon = (b.lon - a.lon) * toRadians;
    const double h = std::sin(dLat / 2) * std::sin(dLat / 2)
        + std::cos(a.lat * toRadians) * std::cos(b.lat * toRadians) * std::sin(dLon / 2) * std::sin(dLon / 2);
    return 2.0 * earthRadiusMetres * std::asin(std::min(1.0, std::sqrt(h)));
}

// The frame-pixel rectangle of a tile.
QRectF tileFrameRect(const TileKey& key)
{
    const double span = TileRenderer::tileSize * MapView::resolutionOf(key.level);
    return {key.x * span, key.y * span, span, span};
}

QRectF toLayer(const QRectF& frame, const LayerFrameTransform& t)
{
    return QRectF(QPointF(frame.left() * t.scaleX + t.offsetX, frame.top() * t.scaleY + t.offsetY),
        QPointF(frame.right() * t.scaleX + t.offsetX, frame.bottom() * t.scaleY + t.offsetY))
        .normalized();
}

QRectF fromLayer(const QRectF& layer, const LayerFrameTransform& t)
{
    return QRectF(QPointF((layer.left() - t.offsetX) / t.scaleX, (layer.top() - t.offsetY) / t.scaleY),
        QPointF((layer.right() - t.offsetX) / t.scaleX, (layer.bottom() - t.offsetY) / t.scaleY))
        .normalized();
}

} // namespace

MapCanvas::MapCanvas(LayerModel* layers, QWidget* parent)
    : QWidget(parent)
    , layers_(layers)
    , tiles_(std::make_unique<TileRenderer>())
    , tool_(std::make_unique<PanTool>(*this))
{
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(64, 64);
    setCursor(tool_->cursor());
    connect(tiles_.get(), &TileRenderer::tileReady, this, [this](const TileKey&) { update(); });
    connect(layers, &LayerModel::layersChanged, this, &MapCanvas::syncLayers);
    connect(layers, &LayerModel::layerAboutToBeRemoved, this, &MapCanvas::forgetLayer);
    view_.setSize(size());
    syncLayers();
}

MapCanvas::~MapCanvas()
{
    // The worker stops before the layers it renders go away (tiles_ holds clones, not the layers).
    tiles_.reset();
}

// ---- layers

LayerFrameTransform MapCanvas::transformFor(const RasterLayer* raster) const
{
    LayerFrameTransform t;
    if (!frame_ || !raster || raster == frame_)
        return t;
    const auto& f = frame_->renderer();
    const auto& r = raster->renderer();
    const auto& fg = f.geoTransform();
    const auto& rg = r.geoTransform();
    if (!f.georeferenced() || !r.georeferenced() || fg[2] != 0.0 || fg[4] != 0.0 || rg[2] != 0.0 || rg[4] != 0.0
        || rg[1] == 0.0 || rg[5] == 0.0)
        return t; // pixel coordinates: the two grids share the top-left corner
    t.scaleX = fg[1] / rg[1];
    t.offsetX = (fg[0] - rg[0]) / rg[1];
    t.scaleY = fg[5] / rg[5];
    t.offsetY = (fg[3] - rg[3]) / rg[5];
    return t;
}

void MapCanvas::syncLayers()
{
    if (!layers_)
        return;
    RasterLayer* frame = nullptr;
    for (MapLayer* layer : layers_->drawingOrder())
        if (layer->kind() == MapLayer::Kind::Raster) {
            frame = static_cast<RasterLayer*>(layer);
            break;
        }
    if (frame != frame_) {
        // Every transform is relative to the frame: start the tile caches over.
        for (auto& [raster, entry] : rasters_)
            tiles_->removeLayer(entry.id);
        rasters_.clear();
        for (auto& [mask, entry] : masks_)
            dropOverlays(entry.id, nullptr, nullptr);
        for (auto& [mask, heat] : heatMaps_)
            tiles_->removeLayer(heat.tiles.id);
        heatMaps_.clear();
        const bool hadFrame = frame_ != nullptr;
        frame_ = frame;
        if (frame_ && (!hadFrame || !viewInitialised_)) {
            view_.setSize(size());
            view_.fit(QRectF(0, 0, frame_->renderer().width(), frame_->renderer().height()));
            viewInitialised_ = true;
        }
    }
    const std::vector<RasterLayer*> rasters = layers_->rasterLayers();
    const std::vector<MaskLayer*> masks = layers_->maskLayers();
    // Registrations of layers gone without layerAboutToBeRemoved (never dereferenced).
    for (auto it = rasters_.begin(); it != rasters_.end();) {
        if (std::find(rasters.begin(), rasters.end(), it->first) == rasters.end()) {
            tiles_->removeLayer(it->second.id);
            it = rasters_.erase(it);
        } else {
            ++it;
        }
    }
    for (auto it = masks_.begin(); it != masks_.end();) {
        if (std::find(masks.begin(), masks.end(), it->first) == masks.end()) {
            dropOverlays(it->second.id, nullptr, nullptr);
            dropHeatMap(it->first);
            it = masks_.erase(it);
        } else {
            ++it;
        }
    }
    for (RasterLayer* raster : rasters) {
        if (rasters_.count(raster))
            continue;
        auto clone = raster->renderer().clone();
        if (!clone.ok()) {
            spdlog::error("layer \"{}\" cannot be drawn: {}", raster->name().toStdString(), clone.error().message());
            continue;
        }
        const LayerFrameTransform transform = transformFor(raster);
        rasters_[raster] = RasterEntry {tiles_->addLayer(std::move(clone).value(), transform), transform};
    }
    for (MaskLayer* mask : masks) {
        syncHeatMap(mask);
        auto found = masks_.find(mask);
        if (found != masks_.end()) {
            found->second.transform = transformFor(mask->raster());
            continue;
        }
        masks_[mask] = MaskEntry {nextMaskId_++, transformFor(mask->raster())};
        connect(mask, &MaskLayer::pixelsChanged, this, [this, mask](const QRect& pixels) {
            auto entry = masks_.find(mask);
            if (entry == masks_.end())
                return;
            dropOverlays(entry->second.id, &pixels, &entry->second.transform);
            update();
        });
        connect(mask, &MapLayer::appearanceChanged, this, [this, mask] {
            auto entry = masks_.find(mask);
            if (entry != masks_.end())
                dropOverlays(entry->second.id, nullptr, nullptr); // colour or outline may have changed
            update();
        });
    }
    if (activeMask_ && !masks_.count(activeMask_))
        setActiveMaskLayer(nullptr);
    viewUpdated();
}

void MapCanvas::syncHeatMap(MaskLayer* mask)
{
    const bool wanted = mask->showsHeatMap() && !mask->probabilityPath().empty();
    if (!wanted) {
        dropHeatMap(mask);
        return;
    }
    if (heatMaps_.count(mask))
        return;
    geo::RasterViewOptions options;
    options.heatMap = true;
    options.zoomedOut = geo::ViewResampling::Average;
    auto renderer = geo::RasterViewRenderer::open(mask->probabilityPath(), options);
    if (!renderer.ok()) {
        spdlog::warn("the heat map of \"{}\" cannot be drawn: {}", mask->name().toStdString(), renderer.error().message());
        return;
    }
    const int width = renderer.value().width(), height = renderer.value().height();
    const LayerFrameTransform transform = transformFor(mask->raster());
    heatMaps_[mask] = HeatMapEntry {RasterEntry {tiles_->addLayer(std::move(renderer).value(), transform), transform},
                                    width, height};
}

void MapCanvas::dropHeatMap(const MaskLayer* mask)
{
    auto found = heatMaps_.find(mask);
    if (found == heatMaps_.end())
        return;
    tiles_->removeLayer(found->second.tiles.id);
    heatMaps_.erase(found);
}

void MapCanvas::forgetLayer(MapLayer* layer)
{
    if (layer->kind() == MapLayer::Kind::Raster) {
        auto* raster = static_cast<RasterLayer*>(layer);
        auto found = rasters_.find(raster);
        if (found != rasters_.end()) {
            tiles_->removeLayer(found->second.id);
            rasters_.erase(found);
        }
        if (raster == frame_) {
            frame_ = nullptr; // the next syncLayers() picks the next frame
            for (auto& [r, entry] : rasters_)
                tiles_->removeLayer(entry.id);
            rasters_.clear();
        }
    } else {
        auto* mask = static_cast<MaskLayer*>(layer);
        dropHeatMap(mask);
        auto found = masks_.find(mask);
        if (found != masks_.end()) {
            dropOverlays(found->second.id, nullptr, nullptr);
            masks_.erase(found);
        }
        disconnect(mask, nullptr, this, nullptr);
        if (mask == activeMask_)
            setActiveMaskLayer(nullptr);
    }
    update();
}

void MapCanvas::reloadRaster(RasterLayer* layer)
{
    auto found = rasters_.find(layer);
    if (found == rasters_.end())
        return;
    tiles_->removeLayer(found->second.id);
    rasters_.erase(found);
    syncLayers(); // registers it again with a new clone
}

QRectF MapCanvas::layerExtent(const MapLayer* layer) const
{
    const RasterLayer* raster = nullptr;
    if (layer->kind() == MapLayer::Kind::Raster)
        raster = static_cast<const RasterLayer*>(layer);
    else
        raster = static_cast<const MaskLayer*>(layer)->raster();
    if (!raster)
        return {};
    const QRectF own(0, 0, raster->renderer().width(), raster->renderer().height());
    return fromLayer(own, transformFor(raster));
}

void MapCanvas::setActiveMaskLayer(MaskLayer* layer)
{
    if (layer == activeMask_)
        return;
    tool_->cancel();
    activeMask_ = layer;
    emit activeMaskLayerChanged(layer);
}

// ---- view

void MapCanvas::setView(const MapView& view)
{
    MapView next = view;
    next.setSize(size());
    if (next == view_)
        return;
    view_ = next;
    viewInitialised_ = true;
    viewUpdated();
}

void MapCanvas::viewUpdated(bool levelMayHaveChanged)
{
    emit viewChanged();
    if (levelMayHaveChanged)
        emitScaleIfChanged();
    update();
}

void MapCanvas::emitScaleIfChanged()
{
    const double scale = scaleDenominator();
    if (scale != lastScale_) {
        lastScale_ = scale;
        emit scaleChanged(scale);
    }
}

double MapCanvas::scaleDenominator() const
{
    const double metresPerScreenPixel = 0.0254 / std::max(1, logicalDpiX());
    const double res = view_.resolution();
    if (!frame_)
        return res / metresPerScreenPixel;
    const auto& renderer = frame_->renderer();
    const auto& gt = renderer.geoTransform();
    const double unitsPerPixel = std::hypot(gt[1], gt[4]) * res;
    if (renderer.georeferenced() && renderer.projection().hasCrs()) {
        // 100 screen pixels east of the centre, on the ellipsoid-ish sphere: works for any CRS unit
        // (degrees become metres at the centre latitude).
        const QPointF c = view_.centre();
        auto a = renderer.projection().pixelToLonLat(c.x(), c.y());
        auto b = renderer.projection().pixelToLonLat(c.x() + 100.0 * res, c.y());
        if (a.ok() && b.ok()) {
            const double metres = haversineMetres(a.value(), b.value()) / 100.0;
            if (metres > 0.0 && std::isfinite(metres))
                return metres / metresPerScreenPixel;
        }
    }
    return unitsPerPixel / metresPerScreenPixel;
}

MapCanvas::ViewState MapCanvas::viewState() const
{
    ViewState state;
    const QPointF c = view_.centre();
    if (!frame_) {
        state.centre = c;
        state.mapUnitsPerPixel = view_.resolution();
        return state;
    }
    const geo::MapPoint m = frame_->renderer().pixelToMap(c.x(), c.y());
    state.centre = QPointF(m.x, m.y);
    const auto& gt = frame_->renderer().geoTransform();
    state.mapUnitsPerPixel = std::hypot(gt[1], gt[4]) * view_.resolution();
    return state;
}

void MapCanvas::setViewState(const ViewState& state)
{
    view_.setSize(size()); // a hidden widget gets its resize event only when shown
    if (!(state.mapUnitsPerPixel > 0.0))
        return;
    MapView next = view_;
    if (frame_) {
        const geo::MapPoint p = frame_->renderer().mapToPixel(state.centre.x(), state.centre.y());
        next.setCentre(QPointF(p.x, p.y));
        const auto& gt = frame_->renderer().geoTransform();
        const double pixelSize = std::hypot(gt[1], gt[4]);
        const double resolution = state.mapUnitsPerPixel / (pixelSize > 0.0 ? pixelSize : 1.0);
        // Nearest level (levelForResolution rounds up): compare both neighbours in log space.
        const int up = MapView::levelForResolution(resolution);
        const double upError = std::abs(std::log2(MapView::resolutionOf(up) / resolution));
        const double downError = std::abs(std::log2(MapView::resolutionOf(up - 1) / resolution));
        next.setLevel(downError < upError ? up - 1 : up);
    } else {
        next.setCentre(state.centre);
        next.setLevel(MapView::levelForResolution(state.mapUnitsPerPixel));
    }
    setView(next);
}

void MapCanvas::zoomToLayer(MapLayer* layer)
{
    view_.setSize(size()); // a hidden widget gets its resize event only when shown
    if (!layer)
        return;
    const QRectF extent = layerExtent(layer);
    if (extent.isEmpty())
        return;
    MapView next = view_;
    next.fit(extent);
    setView(next);
}

void MapCanvas::zoomToFullExtent()
{
    view_.setSize(size()); // a hidden widget gets its resize event only when shown
    QRectF extent;
    if (!layers_)
        return;
    for (MapLayer* layer : layers_->drawingOrder())
        extent |= layerExtent(layer);
    if (extent.isEmpty())
        return;
    MapView next = view_;
    next.fit(extent);
    setView(next);
}

void MapCanvas::zoomIn()
{
    view_.setSize(size()); // a hidden widget gets its resize event only when shown
    MapView next = view_;
    next.zoomAround(QPointF(width() / 2.0, height() / 2.0), -1);
    setView(next);
}

void MapCanvas::zoomOut()
{
    view_.setSize(size()); // a hidden widget gets its resize event only when shown
    MapView next = view_;
    next.zoomAround(QPointF(width() / 2.0, height() / 2.0), 1);
    setView(next);
}

void MapCanvas::zoomToNativeResolution()
{
    view_.setSize(size()); // a hidden widget gets its resize event only when shown
    MapView next = view_;
    next.setLevel(0);
    setView(next);
}

// ---- tools

void MapCanvas::setTool(ToolKind kind)
{
    if (tool_ && tool_->kind() == kind)
        return;
    tool_->cancel();
    switch (kind) {
    case ToolKind::Pan:
        tool_ = std::make_unique<PanTool>(*this);
        break;
    case ToolKind::Brush:
        tool_ = std::make_unique<BrushTool>(*this, true);
        break;
    case ToolKind::Eraser:
        tool_ = std::make_unique<BrushTool>(*this, false);
        break;
    case ToolKind::PolygonAdd:
        tool_ = std::make_unique<PolygonTool>(*this, true);
        break;
    case ToolKind::PolygonCut:
        tool_ = std::make_unique<PolygonTool>(*this, false);
        break;
    case ToolKind::FillHole:
        tool_ = std::make_unique<FillHoleTool>(*this);
        break;
    }
    setCursor(tool_->cursor());
    update();
}

void MapCanvas::setBrushRadius(double radius)
{
    if (!(radius > 0.0) || !std::isfinite(radius))
        return;
    brushRadius_ = std::clamp(radius, 0.5, 4096.0);
    emit statusMessage(tr("Brush radius: %1 pixels").arg(brushRadius_, 0, 'f', 1));
    update();
}

MaskLayer* MapCanvas::requireMaskLayer()
{
    if (!activeMask_)
        emit statusMessage(tr("Select a mask layer to edit it"));
    return activeMask_;
}

bool MapCanvas::commitEdit(Result<geo::MaskEdit> edit, const QString& text)
{
    MaskLayer* layer = activeMask_;
    if (!layer)
        return false;
    if (!edit.ok()) {
        const QString message = QString::fromStdString(edit.error().message());
        emit statusMessage(message);
        emit editRefused(message);
        return false;
    }
    if (edit.value().empty())
        return false;
    auto* command = new MaskEditCommand(layer, std::move(edit).value(), text);
    const QRect pixels = command->pixels();
    layer->undoStack()->push(command); // its first redo() does nothing: the edit is applied
    layer->notifyPixelsChanged(pixels);
    return true;
}

// ---- painting

QRectF MapCanvas::tileRectOnScreen(const TileKey& key) const
{
    const QPoint o = view_.origin();
    const double s = TileRenderer::tileSize;
    // Exact at the view's level: tiles start at whole screen pixels.
    const double scale = MapView::resolutionOf(key.level) / view_.resolution();
    return {o.x() + key.x * s * scale, o.y() + key.y * s * scale, s * scale, s * scale};
}

void MapCanvas::paintEvent(QPaintEvent*)
{
    const double cpuStart = threadCpuMs();
    QPainter painter(this);
    // Neutral checkerboard under everything: transparent areas and tiles not rendered yet.
    static const QPixmap checker = [] {
        QPixmap pixmap(32, 32);
        pixmap.fill(QColor(205, 205, 205));
        QPainter p(&pixmap);
        p.fillRect(0, 0, 16, 16, QColor(225, 225, 225));
        p.fillRect(16, 16, 16, 16, QColor(225, 225, 225));
        return pixmap;
    }();
    painter.drawTiledPixmap(rect(), checker, -view_.origin());

    std::vector<TileKey> missing;
    bool budgetLeft = true;
    QElapsedTimer timer;
    timer.start();
    overlayPending_ = false;
    const std::vector<MapLayer*> order = layers_ ? layers_->drawingOrder() : std::vector<MapLayer*> {};
    for (MapLayer* layer : order) {
        if (!layer->isVisible())
            continue;
        if (layer->kind() == MapLayer::Kind::Raster) {
            auto* raster = static_cast<RasterLayer*>(layer);
            auto found = rasters_.find(raster);
            if (found != rasters_.end())
                drawRaster(painter, raster, found->second, missing);
        } else {
            auto* mask = static_cast<MaskLayer*>(layer);
            auto heat = heatMaps_.find(mask);
            auto found = masks_.find(mask);
            if (mask->showsHeatMap() && heat != heatMaps_.end())
                drawTiles(painter, mask->opacity(), heat->second.width, heat->second.height, heat->second.tiles, missing);
            else if (found != masks_.end())
                drawMask(painter, mask, found->second, budgetLeft, timer);
        }
    }
    painter.setOpacity(1.0);
    painter.setRenderHint(QPainter::Antialiasing, true);
    tool_->paint(painter);

    // Nearest the centre first: what the user looks at arrives first.
    const QPointF centre = view_.centre();
    std::sort(missing.begin(), missing.end(), [&centre](const TileKey& a, const TileKey& b) {
        const QPointF da = tileFrameRect(a).center() - centre;
        const QPointF db = tileFrameRect(b).center() - centre;
        return da.x() * da.x() + da.y() * da.y() < db.x() * db.x() + db.y() * db.y();
    });
    tiles_->request(missing);
    trimOverlays();
    if (overlayPending_)
        QTimer::singleShot(0, this, qOverload<>(&QWidget::update));
    slowestFrameMs_ = std::max(slowestFrameMs_, timer.nsecsElapsed() / 1e6);
    slowestFrameCpuMs_ = std::max(slowestFrameCpuMs_, threadCpuMs() - cpuStart);
}

void MapCanvas::drawRaster(
    QPainter& painter, RasterLayer* layer, const RasterEntry& entry, std::vector<TileKey>& missing)
{
    drawTiles(painter, layer->opacity(), layer->renderer().width(), layer->renderer().height(), entry, missing);
}

void MapCanvas::drawTiles(QPainter& painter, double opacity, int width, int height, const RasterEntry& entry,
                          std::vector<TileKey>& missing)
{
    painter.setOpacity(opacity);
    const QRectF visible = view_.visibleRaster();
    const QRectF extent = fromLayer(QRectF(0, 0, width, height), entry.transform);
    const QRectF wanted = visible & extent;
    if (wanted.isEmpty())
        return;
    const double span = TileRenderer::tileSize * view_.resolution();
    const int x0 = static_cast<int>(std::floor(wanted.left() / span));
    const int x1 = static_cast<int>(std::ceil(wanted.right() / span));
    const int y0 = static_cast<int>(std::floor(wanted.top() / span));
    const int y1 = static_cast<int>(std::ceil(wanted.bottom() / span));
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) {
            const TileKey key {entry.id, view_.level(), x, y};
            if (const QImage* image = tiles_->find(key)) {
                painter.drawImage(tileRectOnScreen(key).topLeft(), *image);
            } else {
                missing.push_back(key);
                drawFallback(painter, key);
            }
        }
}

bool MapCanvas::drawFallback(QPainter& painter, const TileKey& key)
{
    const QRectF target = tileFrameRect(key);
    // The finest coarser level whose cached tiles cover the whole tile, scaled up ...
    bool covered = false;
    for (int level = key.level + 1; level <= key.level + 2 * MapView::stepsPerOctave && !covered; ++level) {
        const double span = TileRenderer::tileSize * MapView::resolutionOf(level);
        const int x0 = static_cast<int>(std::floor(target.left() / span));
        const int x1 = static_cast<int>(std::ceil(target.right() / span));
        const int y0 = static_cast<int>(std::floor(target.top() / span));
        const int y1 = static_cast<int>(std::ceil(target.bottom() / span));
        std::vector<std::pair<TileKey, const QImage*>> parts;
        for (int y = y0; y < y1; ++y)
            for (int x = x0; x < x1; ++x) {
                const TileKey k {key.layer, level, x, y};
                if (const QImage* image = tiles_->peek(k))
                    parts.emplace_back(k, image);
            }
        if (static_cast<int>(parts.size()) != (x1 - x0) * (y1 - y0))
            continue;
        covered = true;
        for (const auto& [k, image] : parts) {
            const QRectF source = tileFrameRect(k);
            const QRectF piece = source & target;
            const double pixels = TileRenderer::tileSize / source.width();
            const QRectF from((piece.left() - source.left()) * pixels, (piece.top() - source.top()) * pixels,
                piece.width() * pixels, piece.height() * pixels);
            const QRectF to(view_.rasterToWidget(piece.topLeft()), view_.rasterToWidget(piece.bottomRight()));
            painter.drawImage(to, *image, from);
        }
    }
    // ... then whatever finer tiles are cached (zooming out), drawn reduced on top.
    for (int level = key.level - 1; level >= key.level - MapView::stepsPerOctave; --level) {
        const double span = TileRenderer::tileSize * MapView::resolutionOf(level);
        const int x0 = static_cast<int>(std::floor(target.left() / span));
        const int x1 = static_cast<int>(std::ceil(target.right() / span));
        const int y0 = static_cast<int>(std::floor(target.top() / span));
        const int y1 = static_cast<int>(std::ceil(target.bottom() / span));
        for (int y = y0; y < y1; ++y)
            for (int x = x0; x < x1; ++x) {
                const TileKey k {key.layer, level, x, y};
                const QImage* image = tiles_->peek(k);
                if (!image)
                    continue;
                const QRectF source = tileFrameRect(k);
                const QRectF piece = source & target;
                const double pixels = TileRenderer::tileSize / source.width();
                const QRectF from((piece.left() - source.left()) * pixels, (piece.top() - source.top()) * pixels,
                    piece.width() * pixels, piece.height() * pixels);
                const QRectF to(view_.rasterToWidget(piece.topLeft()), view_.rasterToWidget(piece.bottomRight()));
                painter.drawImage(to, *image, from);
                covered = true;
            }
    }
    return covered;
}

void MapCanvas::drawMask(QPainter& painter, MaskLayer* layer, MaskEntry& entry, bool& budgetLeft, QElapsedTimer& timer)
{
    painter.setOpacity(layer->opacity());
    const QRectF visible = view_.visibleRaster();
    const geo::EditableMask& mask = layer->mask();
    const QRectF extent = fromLayer(QRectF(0, 0, mask.width(), mask.height()), entry.transform);
    const QRectF wanted = visible & extent;
    if (wanted.isEmpty())
        return;
    const double span = TileRenderer::tileSize * view_.resolution();
    const int x0 = static_cast<int>(std::floor(wanted.left() / span));
    const int x1 = static_cast<int>(std::ceil(wanted.right() / span));
    const int y0 = static_cast<int>(std::floor(wanted.top() / span));
    const int y1 = static_cast<int>(std::ceil(wanted.bottom() / span));
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) {
            const TileKey key {entry.id, view_.level(), x, y};
            auto found = overlays_.find(key);
            if (found == overlays_.end()) {
                if (!budgetLeft || timer.elapsed() > overlayBudgetMs) {
                    // The rest next frame, so that one frame never blocks the event loop for long.
                    budgetLeft = false;
                    overlayPending_ = true;
                    continue;
                }
                QImage image = computeOverlay(layer, entry, key);
                overlayBytes_ += static_cast<std::size_t>(image.sizeInBytes());
                overlayLru_.push_front(key);
                found = overlays_.emplace(key, OverlayTile {std::move(image), overlayLru_.begin()}).first;
            } else {
                overlayLru_.splice(overlayLru_.begin(), overlayLru_, found->second.position);
            }
            if (!found->second.image.isNull())
                painter.drawImage(tileRectOnScreen(key).topLeft(), found->second.image);
        }
}

QImage MapCanvas::computeOverlay(MaskLayer* layer, const MaskEntry& entry, const TileKey& key)
{
    ++overlayComputed_;
    constexpr int n = TileRenderer::tileSize;
    constexpr int m = n + 2; // one screen pixel around, for the outline's neighbours
    const double res = MapView::resolutionOf(key.level);
    const QRectF frame = tileFrameRect(key).adjusted(-res, -res, res, res);
    const QRectF window = toLayer(frame, entry.transform);
    std::vector<std::uint8_t> values(static_cast<std::size_t>(m) * m);
    auto read = layer->mask().read(
        geo::MaskViewWindow {window.x(), window.y(), window.width(), window.height()}, m, m, values.data());
    if (!read.ok()) {
        spdlog::warn("mask layer \"{}\" not drawn: {}", layer->name().toStdString(), read.error().message());
        return {};
    }
    if (std::none_of(values.begin(), values.end(), [](std::uint8_t v) { return v != 0; }))
        return {}; // nothing to draw: a null image costs no memory
    QColor colour = layer->color();
    const QRgb fill = qPremultiply(qRgba(colour.red(), colour.green(), colour.blue(), fillAlpha));
    const QRgb edge = qRgba(colour.red(), colour.green(), colour.blue(), 255);
    const bool outline = layer->showsOutline();
    QImage image(n, n, QImage::Format_ARGB32_Premultiplied);
    for (int j = 0; j < n; ++j) {
        auto* row = reinterpret_cast<QRgb*>(image.scanLine(j));
        const std::uint8_t* above = values.data() + static_cast<std::size_t>(j) * m + 1;
        const std::uint8_t* here = above + m;
        const std::uint8_t* below = here + m;
        for (int i = 0; i < n; ++i) {
            if (!here[i]) {
                row[i] = 0;
                continue;
            }
            const bool border = outline && (!here[i - 1] || !here[i + 1] || !above[i] || !below[i]);
            row[i] = border ? edge : fill;
        }
    }
    return image;
}

void MapCanvas::dropOverlays(int maskId, const QRect* pixels, const LayerFrameTransform* transform)
{
    for (auto it = overlayLru_.begin(); it != overlayLru_.end();) {
        bool drop = it->layer == maskId;
        if (drop && pixels && transform) {
            // A tile shows the pixels of its rectangle plus one screen pixel around (the outline).
            const double res = MapView::resolutionOf(it->level);
            const QRectF tile = toLayer(tileFrameRect(*it).adjusted(-res, -res, res, res), *transform);
            drop = tile.intersects(QRectF(*pixels));
        }
        if (drop) {
            auto entry = overlays_.find(*it);
            overlayBytes_ -= static_cast<std::size_t>(entry->second.image.sizeInBytes());
            overlays_.erase(entry);
            it = overlayLru_.erase(it);
        } else {
            ++it;
        }
    }
}

void MapCanvas::trimOverlays()
{
    // Empty tiles cost no bytes; count them too so the index stays bounded.
    while ((overlayBytes_ > overlayCacheBytes || overlays_.size() > 16384) && !overlayLru_.empty()) {
        auto entry = overlays_.find(overlayLru_.back());
        overlayBytes_ -= static_cast<std::size_t>(entry->second.image.sizeInBytes());
        overlays_.erase(entry);
        overlayLru_.pop_back();
    }
}

// ---- events

void MapCanvas::resizeEvent(QResizeEvent*)
{
    view_.setSize(size());
    if (frame_ && !viewInitialised_) {
        view_.fit(QRectF(0, 0, frame_->renderer().width(), frame_->renderer().height()));
        viewInitialised_ = true;
    }
    viewUpdated();
}

void MapCanvas::wheelEvent(QWheelEvent* event)
{
    wheelAccumulator_ += event->angleDelta().y();
    const int steps = wheelAccumulator_ / 120;
    if (steps == 0)
        return;
    wheelAccumulator_ -= steps * 120;
    MapView next = view_;
    next.zoomAround(event->position(), -steps); // wheel away from the user zooms in
    setView(next);
    event->accept();
}

void MapCanvas::mousePressEvent(QMouseEvent* event)
{
    const bool pan = event->button() == Qt::MiddleButton
        || (event->button() == Qt::LeftButton && (spaceHeld_ || tool_->kind() == ToolKind::Pan));
    if (pan) {
        panning_ = true;
        lastPan_ = event->position();
        setCursor(Qt::ClosedHandCursor);
        return;
    }
    tool_->mousePress(event);
}

void MapCanvas::mouseMoveEvent(QMouseEvent* event)
{
    if (frame_) {
        const QPointF p = view_.widgetToRaster(event->position());
        const auto& renderer = frame_->renderer();
        const geo::MapPoint m = renderer.pixelToMap(p.x(), p.y());
        auto lonLat = renderer.projection().hasCrs() ? renderer.mapToLonLat(m.x, m.y)
                                                     : Result<geo::LonLat>(Error(ErrorCode::Unsupported, "no CRS"));
        emit cursorMoved(p.x(), p.y(), m.x, m.y, lonLat.ok(), lonLat.ok() ? lonLat.value().lon : 0.0,
            lonLat.ok() ? lonLat.value().lat : 0.0);
    }
    if (panning_) {
        const QPointF delta = event->position() - lastPan_;
        lastPan_ = event->position();
        MapView next = view_;
        next.panByPixels(delta);
        if (next != view_) {
            view_ = next;
            viewUpdated(false);
        }
        return;
    }
    tool_->mouseMove(event);
}

void MapCanvas::mouseReleaseEvent(QMouseEvent* event)
{
    if (panning_ && (event->button() == Qt::MiddleButton || event->button() == Qt::LeftButton)) {
        panning_ = false;
        setCursor(spaceHeld_ ? QCursor(Qt::OpenHandCursor) : tool_->cursor());
        emitScaleIfChanged(); // degrees: the scale follows the centre latitude
        return;
    }
    tool_->mouseRelease(event);
}

void MapCanvas::mouseDoubleClickEvent(QMouseEvent* event)
{
    if (event->button() == Qt::MiddleButton || spaceHeld_ || tool_->kind() == ToolKind::Pan)
        return;
    tool_->mouseDoubleClick(event);
}

void MapCanvas::keyPressEvent(QKeyEvent* event)
{
    if (tool_->keyPress(event))
        return;
    const double step = 0.125;
    MapView next = view_;
    switch (event->key()) {
    case Qt::Key_Space:
        if (!event->isAutoRepeat()) {
            spaceHeld_ = true;
            if (!panning_)
                setCursor(Qt::OpenHandCursor);
        }
        return;
    case Qt::Key_Left:
        next.panByPixels(QPointF(width() * step, 0));
        break;
    case Qt::Key_Right:
        next.panByPixels(QPointF(-width() * step, 0));
        break;
    case Qt::Key_Up:
        next.panByPixels(QPointF(0, height() * step));
        break;
    case Qt::Key_Down:
        next.panByPixels(QPointF(0, -height() * step));
        break;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomIn();
        return;
    case Qt::Key_Minus:
        zoomOut();
        return;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    view_ = next;
    viewUpdated(false);
}

void MapCanvas::keyReleaseEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        spaceHeld_ = false;
        if (!panning_)
            setCursor(tool_->cursor());
        return;
    }
    QWidget::keyReleaseEvent(event);
}

void MapCanvas::leaveEvent(QEvent* event)
{
    QWidget::leaveEvent(event);
    update(); // the brush circle leaves with the cursor on the next move
}

} // namespace refermap::ui
