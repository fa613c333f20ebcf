#pragma once

#include "common/result.h"
#include "geo/mask_edit.h"
#include "ui/map_tool.h"
#include "ui/map_view.h"
#include "ui/tile_renderer.h"

#include <QElapsedTimer>
#include <QHash>
#include <QImage>
#include <QPointF>
#include <QPointer>
#include <QRectF>
#include <QWidget>

#include <list>
#include <memory>
#include <unordered_map>

namespace refermap::ui {

class LayerModel;
class MapLayer;
class MaskLayer;
class RasterLayer;

// The map: draws the visible layers of a LayerModel bottom to top, pans and zooms like QGIS, and
// hosts the correction tools (MapTool) acting on the active mask layer.
//
// Coordinate frame: the pixel grid of the first (bottom-most) raster layer. Other rasters are drawn
// through their geotransforms when both are georeferenced without rotation (same CRS assumed: no
// reprojection), else in pixel coordinates; mask layers use their raster's grid.
//
// Rendering never waits: rasters come from TileRenderer (background thread, tile cache); a tile not
// rendered yet is drawn from the best cached tile of a nearby zoom level, scaled, else left as the
// neutral background. Mask overlays are read with EditableMask::read in the GUI thread (the mask is
// not thread-safe) as cached screen-aligned tiles: a frame computes at most overlayBudgetMs worth
// of missing overlay tiles and schedules another frame for the rest; MaskLayer::pixelsChanged
// recomputes only the tiles meeting the changed pixels.
class MapCanvas : public QWidget {
    Q_OBJECT

public:
    // For the project file: where the view is, in map units of the frame raster (raster pixels when
    // it is not georeferenced).
    struct ViewState {
        QPointF centre; // map coordinates
        double mapUnitsPerPixel = 0.0; // map units per screen pixel; <= 0: not set
    };

    static constexpr int overlayBudgetMs = 20;

    explicit MapCanvas(LayerModel* layers, QWidget* parent = nullptr);
    ~MapCanvas() override;

    const MapView& view() const { return view_; }
    // Sets the view (size is kept: the widget's). Emits viewChanged/scaleChanged as needed.
    void setView(const MapView& view);
    // The raster pixels under the widget, in the frame raster's grid (the query's "visible extent").
    QRectF visibleExtent() const
    {
        MapView view = view_;
        view.setSize(size());
        return view.visibleRaster();
    }
    RasterLayer* frameLayer() const { return frame_; }
    ViewState viewState() const;
    // Restores a view; the scale snaps to the nearest zoom level.
    void setViewState(const ViewState& state);
    // 1:N with metres on the ground (geodesic distance across the centre when the CRS is known,
    // else map units taken as metres) at the screen's logical DPI.
    double scaleDenominator() const;

    ToolKind toolKind() const { return tool_->kind(); }
    MapTool* tool() const { return tool_.get(); }
    MaskLayer* activeMaskLayer() const { return activeMask_; }
    // Brush and eraser radius in raster pixels.
    double brushRadius() const { return brushRadius_; }
    void setBrushRadius(double radius);

    TileRenderer& tileRenderer() { return *tiles_; }
    // Overlay tiles computed so far (tests, logs).
    std::size_t overlayTilesComputed() const { return overlayComputed_; }
    // The longest paintEvent so far, in milliseconds (benchmarks, logs).
    double slowestFrameMs() const { return slowestFrameMs_; }
    // The same in CPU time of the GUI thread: the frame's own work, without the time it was preempted.
    double slowestFrameCpuMs() const { return slowestFrameCpuMs_; }

    // For tools: the active mask layer, or null after telling the user (statusMessage) why nothing happens.
    MaskLayer* requireMaskLayer();
    // For tools: pushes a finished edit of the active mask layer as one MaskEditCommand and redraws;
    // a failed edit is reported (editRefused). Returns whether something changed.
    bool commitEdit(Result<geo::MaskEdit> edit, const QString& text);

public slots:
    void zoomToLayer(refermap::ui::MapLayer* layer);
    void zoomToFullExtent();
    void zoomIn();
    void zoomOut();
    void zoomToNativeResolution();
    void setTool(refermap::ui::ToolKind kind);
    void setActiveMaskLayer(refermap::ui::MaskLayer* layer);
    // Renders the raster again from a fresh clone of its renderer, e.g. after RasterViewRenderer::reopen()
    // picked up overviews built since: its cached tiles are dropped.
    void reloadRaster(refermap::ui::RasterLayer* layer);

signals:
    void cursorMoved(double pixelX, double pixelY, double mapX, double mapY, bool hasLonLat, double lon, double lat);
    void scaleChanged(double denominator);
    void viewChanged();
    // A short status-bar message (e.g. why a tool did nothing).
    void statusMessage(const QString& message);
    // An edit the mask refused (e.g. fill hole on a region that is not a hole).
    void editRefused(const QString& message);
    void activeMaskLayerChanged(refermap::ui::MaskLayer* layer);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void keyReleaseEvent(QKeyEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    struct RasterEntry {
        int id = 0; // TileRenderer layer id
        LayerFrameTransform transform;
    };
    struct MaskEntry {
        int id = 0; // overlay tile key layer
        LayerFrameTransform transform;
    };
    struct OverlayTile {
        QImage image;
        std::list<TileKey>::iterator position;
    };

    void syncLayers();
    void forgetLayer(MapLayer* layer);
    void viewUpdated(bool levelMayHaveChanged = true);
    LayerFrameTransform transformFor(const RasterLayer* raster) const;
    QRectF layerExtent(const MapLayer* layer) const; // frame pixels
    void drawRaster(QPainter& painter, RasterLayer* layer, const RasterEntry& entry, std::vector<TileKey>& missing);
    bool drawFallback(QPainter& painter, const TileKey& key);
    void drawMask(QPainter& painter, MaskLayer* layer, MaskEntry& entry, bool& budgetLeft, QElapsedTimer& timer);
    QImage computeOverlay(MaskLayer* layer, const MaskEntry& entry, const TileKey& key);
    void dropOverlays(int maskId, const QRect* pixels, const LayerFrameTransform* transform);
    void trimOverlays();
    QRectF tileRectOnScreen(const TileKey& key) const;
    void emitScaleIfChanged();

    QPointer<LayerModel> layers_; // may go first (then the canvas draws nothing)
    std::unique_ptr<TileRenderer> tiles_;
    MapView view_;
    bool viewInitialised_ = false;
    RasterLayer* frame_ = nullptr;
    std::unordered_map<const RasterLayer*, RasterEntry> rasters_;
    std::unordered_map<const MaskLayer*, MaskEntry> masks_;
    // Probability heat maps of the mask layers showing one (their query's probability raster).
    struct HeatMapEntry {
        RasterEntry tiles;
        int width = 0;
        int height = 0;
    };
    std::unordered_map<const MaskLayer*, HeatMapEntry> heatMaps_;
    void syncHeatMap(MaskLayer* mask);
    void dropHeatMap(const MaskLayer* mask);
    void drawTiles(QPainter& painter, double opacity, int width, int height, const RasterEntry& entry,
                   std::vector<TileKey>& missing);
    int nextMaskId_ = 1;
    std::unordered_map<TileKey, OverlayTile, TileKeyHash> overlays_;
    std::list<TileKey> overlayLru_;
    std::size_t overlayBytes_ = 0;
    std::size_t overlayComputed_ = 0;
    bool overlayPending_ = false;
    double slowestFrameMs_ = 0.0;
    double slowestFrameCpuMs_ = 0.0;

    std::unique_ptr<MapTool> tool_;
    MaskLayer* activeMask_ = nullptr;
    double brushRadius_ = 8.0;

    bool panning_ = false;
    bool spaceHeld_ = false;
    QPointF lastPan_;
    int wheelAccumulator_ = 0;
    double lastScale_ = -1.0;
};

} // namespace refermap::ui
