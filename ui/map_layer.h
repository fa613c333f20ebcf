#pragma once

#include "geo/editable_mask.h"
#include "geo/raster_view_renderer.h"

#include <QColor>
#include <QJsonObject>
#include <QObject>
#include <QRect>
#include <QString>
#include <QUndoStack>

#include <filesystem>
#include <memory>

namespace refermap::ui {

// The settings a query ran with; stored with its mask layer and in the project.
struct QuerySettings {
    QString modelFile;
    QString modelSha256;
    QString device = QStringLiteral("auto");
    int tile = 0;        // 0: the model's default
    int overlap = -1;    // -1: a quarter of the tile
    double threshold = 0.5;
    QString bands;       // "" (automatic) or e.g. "3,2,1"
    QString scope = QStringLiteral("raster"); // "raster" or "view" (the visible extent)
    double stretchLowPercent = 2.0;
    double stretchHighPercent = 98.0;

    QJsonObject toJson() const;
    static QuerySettings fromJson(const QJsonObject& json);
};

// One layer of the map: the imagery (RasterLayer) or a query's editable mask (MaskLayer). Lives in
// the GUI thread; appearance changes are signalled so that the canvas and the panels follow.
class MapLayer : public QObject {
    Q_OBJECT

public:
    enum class Kind { Raster, Mask };

    Kind kind() const { return kind_; }
    // The row id of this layer in the project file (0: not saved yet).
    qint64 projectId() const { return projectId_; }
    void setProjectId(qint64 id) { projectId_ = id; }

    QString name() const { return name_; }
    void setName(const QString& name);
    bool isVisible() const { return visible_; }
    void setVisible(bool visible);
    double opacity() const { return opacity_; } // 0..1
    void setOpacity(double opacity);

signals:
    // Name, visibility, opacity, colour or a display option changed (not the pixels).
    void appearanceChanged();

protected:
    MapLayer(Kind kind, QString name, QObject* parent);

private:
    Kind kind_;
    qint64 projectId_ = 0;
    QString name_;
    bool visible_ = true;
    double opacity_ = 1.0;
};

// A georeferenced raster shown with the same global stretch the model sees.
class RasterLayer : public MapLayer {
    Q_OBJECT

public:
    // Opens the raster (errors name the file and band, see RasterViewRenderer::open).
    static Result<std::unique_ptr<RasterLayer>> open(const std::filesystem::path& path,
                                                     const geo::RasterViewOptions& options = {},
                                                     QObject* parent = nullptr);

    const std::filesystem::path& path() const { return renderer_.path(); }
    const geo::RasterViewOptions& options() const { return options_; }
    // The GUI thread's renderer: size, georeferencing, coordinates for the status bar. Threads that
    // draw take their own renderer().clone().
    geo::RasterViewRenderer& renderer() { return renderer_; }
    const geo::RasterViewRenderer& renderer() const { return renderer_; }

private:
    RasterLayer(geo::RasterViewRenderer renderer, geo::RasterViewOptions options, QObject* parent);

    geo::RasterViewRenderer renderer_;
    geo::RasterViewOptions options_;
};

// A query's result over one raster: the binary mask the user corrects (EditableMask, in the raster's
// pixel grid), the query's text and settings, the files the query wrote, display options, and the
// layer's own undo stack (the main window puts it in a QUndoGroup). "Edited" means the user changed
// pixels: fine-tuning learns from edited layers.
class MaskLayer : public MapLayer {
    Q_OBJECT

public:
    MaskLayer(RasterLayer* raster, geo::EditableMask mask, QString queryText, QuerySettings settings,
              QObject* parent = nullptr);

    RasterLayer* raster() const { return raster_; }
    geo::EditableMask& mask() { return mask_; }
    const geo::EditableMask& mask() const { return mask_; }
    const QString& queryText() const { return queryText_; }
    const QuerySettings& settings() const { return settings_; }
    QUndoStack* undoStack() { return &undoStack_; }

    // The files the query wrote (empty when the layer was drawn by hand or the files are gone).
    std::filesystem::path maskPath() const { return maskPath_; }
    std::filesystem::path probabilityPath() const { return probabilityPath_; }
    void setOutputFiles(std::filesystem::path maskPath, std::filesystem::path probabilityPath);

    QColor color() const { return color_; }
    void setColor(const QColor& color);
    bool showsOutline() const { return outline_; }
    void setShowsOutline(bool outline);
    // Draws the query's probabilities as a heat map instead of the mask (needs probabilityPath()).
    bool showsHeatMap() const { return heatMap_; }
    void setShowsHeatMap(bool heatMap);

    bool isEdited() const { return mask_.isEdited(); }
    // Called by whoever changed the mask's pixels (an edit, its undo or redo): tells the canvas what
    // to redraw and the panels that the edited state may have changed.
    void notifyPixelsChanged(const QRect& pixels);

signals:
    void pixelsChanged(const QRect& pixels); // in raster pixels
    void editedChanged(bool edited);

private:
    RasterLayer* raster_;
    geo::EditableMask mask_;
    QString queryText_;
    QuerySettings settings_;
    QUndoStack undoStack_;
    std::filesystem::path maskPath_;
    std::filesystem::path probabilityPath_;
    QColor color_;
    bool outline_ = true; // an opaque edge keeps small objects visible over any imagery
    bool heatMap_ = false;
    bool wasEdited_ = false;
};

} // namespace refermap::ui
