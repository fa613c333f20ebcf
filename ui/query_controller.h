#pragma once

#include "geo/raster_window.h"
#include "ui/app_settings.h"
#include "ui/task_manager.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <optional>

namespace refermap::ui {

class LayerModel;
class MaskLayer;
class RasterLayer;

// Runs text queries for the main window: one at a time, as a background task (TaskManager) through
// engine::runQuery, into a folder of their own under outputRoot(). A finished query becomes a mask
// layer named after its text, on top of the others, with the settings it ran with. A query of the
// visible extent runs over a VRT window of the raster; its mask is placed back into the raster's grid
// by a VRT, so every mask layer shares its raster's pixel grid. A failed or cancelled query leaves no
// layer and no file. GUI thread only.
class QueryController : public QObject {
    Q_OBJECT

public:
    QueryController(LayerModel& layers, TaskManager& tasks, QObject* parent = nullptr);

    // Where each query's outputs go (a project's data folder, else the application's cache).
    void setOutputRoot(const QString& folder) { outputRoot_ = folder; }
    QString outputRoot() const { return outputRoot_; }

    // Starts `text` over `raster` (whole, or `window` in raster pixels); false (and nothing started)
    // when a query is already running.
    bool run(RasterLayer* raster, const QString& text, const AppSettings& settings,
             const std::optional<geo::PixelRect>& window = std::nullopt);
    void cancel();
    bool isRunning() const { return running_ != 0; }
    TaskId runningTask() const { return running_; }

signals:
    void runningChanged(bool running);
    // After every query: the new layer, or nullptr with the reason (empty when cancelled).
    void queryFinished(refermap::ui::MaskLayer* layer, const QString& error);

private:
    void ended(TaskId id, bool ok, const QString& error);

    LayerModel& layers_;
    TaskManager& tasks_;
    QString outputRoot_;
    TaskId running_ = 0;
    QPointer<RasterLayer> raster_;
    bool added_ = false;
};

} // namespace refermap::ui
