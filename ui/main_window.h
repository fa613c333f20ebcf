#pragma once

#include "common/result.h"
#include "ui/app_settings.h"

#include <QMainWindow>
#include <QStringList>

#include <memory>

class QAction;
class QActionGroup;
class QDockWidget;
class QLabel;
class QMenu;
class QUndoGroup;

namespace refermap::ui {

class FineTuneDialog;
class LayerModel;
class LayersPanel;
class LogPanel;
class MapCanvas;
class MapLayer;
class MaskLayer;
class ProjectController;
class QueryBar;
class QueryController;
class RasterLayer;
class TaskManager;
class TasksPanel;

// The application's main window (QGIS conventions): the map canvas in the centre; the layers, tasks
// and log panels docked around it; the query bar and the correction tools in toolbars; a status bar
// with the pixel under the cursor, its map and WGS 84 coordinates, the scale and the compute device.
// Every long job (queries, exports, overviews) runs as a background task; the event loop never waits
// for one. GUI thread only.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens a raster, or a project (*.gpkg); errors are shown in the status bar and the log.
    bool openPath(const QString& path);
    bool openRaster(const QString& path);
    bool openProject(const QString& path);
    bool saveProjectAs(const QString& path);
    // Writes the session to the current project file with the current view, without asking
    // (the fine-tune dialog saves the corrections it learns from); an error without a project.
    Result<void> saveCurrentProject();

    // For tests and scripts.
    LayerModel& layers() { return *layers_; }
    MapCanvas& canvas() { return *canvas_; }
    TaskManager& tasks() { return *tasks_; }
    QueryController& queries() { return *queries_; }
    ProjectController& project() { return *project_; }
    QueryBar& queryBar() { return *queryBar_; }
    const AppSettings& settings() const { return settings_; }
    // Applies settings; `persist` also writes them to the user's settings (the settings dialog does).
    void setSettings(const AppSettings& settings, bool persist = true);
    // Runs `text` over the current raster (or its visible extent), as the query bar does.
    bool runQuery(const QString& text, bool visibleExtentOnly = false);
    // Tools › Fine-tune on corrections: shows the (one) fine-tune dialog, refreshed.
    FineTuneDialog* showFineTune();

protected:
    void closeEvent(QCloseEvent* event) override;
    void changeEvent(QEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createActions();
    void createMenus();
    void createToolBars();
    void createDocks();
    void createStatusBar();
    void retranslate();
    void showAbout();
    void showSettings();
    void chooseRaster();
    void chooseProject();
    void saveProject();
    void chooseProjectPath();
    void exportLayer(MaskLayer* layer);
    void buildOverviews();
    void removeLayer(MapLayer* layer);
    void currentLayerChanged(MapLayer* layer);
    void queryFinished(MaskLayer* layer, const QString& error);
    void updateTitle();
    void updateDeviceLabel();
    void showMessage(const QString& message, bool error = false);
    RasterLayer* currentRaster() const;
    QString queryOutputRoot() const;

    std::unique_ptr<LayerModel> layers_;
    std::unique_ptr<TaskManager> tasks_;
    QueryController* queries_ = nullptr;
    ProjectController* project_ = nullptr;
    AppSettings settings_;

    MapCanvas* canvas_ = nullptr;
    LayersPanel* layersPanel_ = nullptr;
    TasksPanel* tasksPanel_ = nullptr;
    LogPanel* logPanel_ = nullptr;
    QueryBar* queryBar_ = nullptr;
    FineTuneDialog* fineTuneDialog_ = nullptr;
    QUndoGroup* undoGroup_ = nullptr;
    QDockWidget* layersDock_ = nullptr;
    QDockWidget* tasksDock_ = nullptr;
    QDockWidget* logDock_ = nullptr;

    QMenu* fileMenu_ = nullptr;
    QMenu* editMenu_ = nullptr;
    QMenu* viewMenu_ = nullptr;
    QMenu* toolsMenu_ = nullptr;
    QMenu* helpMenu_ = nullptr;
    QAction* openRasterAction_ = nullptr;
    QAction* openProjectAction_ = nullptr;
    QAction* saveProjectAction_ = nullptr;
    QAction* saveProjectAsAction_ = nullptr;
    QAction* exportAction_ = nullptr;
    QAction* overviewsAction_ = nullptr;
    QAction* quitAction_ = nullptr;
    QAction* undoAction_ = nullptr;
    QAction* redoAction_ = nullptr;
    QAction* settingsAction_ = nullptr;
    QAction* fineTuneAction_ = nullptr;
    QAction* zoomInAction_ = nullptr;
    QAction* zoomOutAction_ = nullptr;
    QAction* zoomLayerAction_ = nullptr;
    QAction* zoomFullAction_ = nullptr;
    QAction* zoomNativeAction_ = nullptr;
    QAction* aboutAction_ = nullptr;
    QActionGroup* toolGroup_ = nullptr;
    QList<QAction*> toolActions_;

    QLabel* pixelLabel_ = nullptr;
    QLabel* mapLabel_ = nullptr;
    QLabel* lonLatLabel_ = nullptr;
    QLabel* scaleLabel_ = nullptr;
    QLabel* deviceLabel_ = nullptr;
};

} // namespace refermap::ui
