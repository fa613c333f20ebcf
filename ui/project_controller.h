#pragma once

#include "common/result.h"
#include "project/project_records.h"

#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <utility>

namespace refermap::project {
class ProjectStore;
}

namespace refermap::ui {

class LayerModel;
class MapLayer;
class MaskLayer;

// The session as a project file (*.refermap.gpkg, core/project's ProjectStore): rasters, mask layers
// with their query settings and display options, the user's mask edits (only edited tiles, so the
// file does not grow with the raster) and the view. Every save is one transaction, so a crash or
// kill -9 leaves the last committed save. Autosave: a change starts a short timer; when it fires the
// session is snapshotted in the GUI thread (only the tiles changed since the last save) and written
// on a worker thread, so the event loop never waits for the disk. GUI thread only.
class ProjectController : public QObject {
    Q_OBJECT

public:
    explicit ProjectController(LayerModel& layers, QObject* parent = nullptr);
    ~ProjectController() override;

    bool hasProject() const { return store_ != nullptr; }
    QString path() const { return path_; }
    bool isDirty() const { return dirty_; }
    // Where queries of this project write their outputs (beside the project file), empty without one.
    QString dataFolder() const;

    // Writes the whole session to `path` (a new file replacing any there, atomically) and makes it
    // the current project.
    Result<void> saveAs(const QString& path, const project::ViewState& view);
    // Writes what changed since the last save to the current project; waits for an autosave in flight.
    Result<void> save(const project::ViewState& view);
    // Replaces the session with the project's. Rasters or masks that cannot be opened (moved,
    // deleted) are skipped and described in `problems`; the file itself is not changed. Returns the
    // saved view.
    Result<std::optional<project::ViewState>> open(const QString& path, QStringList& problems);
    // Forgets the project (the layers stay; the caller clears them when it wants).
    void close();
    // Milliseconds between a change and its autosave (0: no autosave).
    void setAutosaveDelay(int milliseconds);
    // Waits for an autosave in flight (window close).
    void waitForAutosave();

signals:
    void dirtyChanged(bool dirty);
    // The autosave timer fired: the main window answers with autosave(currentView).
    void autosaveDue();
    void saved(const QString& path);
    void saveFailed(const QString& error);

public slots:
    void autosave(const project::ViewState& view);

private:
    void watch(MapLayer* layer);
    void markDirty();
    void markTiles(MaskLayer* layer, int x, int y, int width, int height);
    // Ids for records new since the last save (each add is its own small transaction).
    Result<void> assignIds();
    Result<project::ProjectSession> snapshot(const project::ViewState& view, bool everyTile);
    Result<void> write(const project::ProjectSession& session);

    LayerModel& layers_;
    QString path_;
    std::shared_ptr<project::ProjectStore> store_;
    std::shared_ptr<std::mutex> storeMutex_ = std::make_shared<std::mutex>();
    std::map<const MaskLayer*, std::set<std::pair<int, int>>> dirtyTiles_;
    bool dirty_ = false;
    bool writing_ = false;
    QTimer autosaveTimer_;
};

} // namespace refermap::ui
