#include "ui/main_window.h"

#include "engine/mask_export.h"
#include "engine/runtime_report.h"
#include "geo/overview_builder.h"
#include "model/compute_device.h"
#include "ui/export_dialog.h"
#include "ui/fine_tune_dialog.h"
#include "ui/layer_model.h"
#include "ui/layers_panel.h"
#include "ui/log_panel.h"
#include "ui/map_canvas.h"
#include "ui/project_controller.h"
#include "ui/query_bar.h"
#include "ui/query_controller.h"
#include "ui/settings_dialog.h"
#include "ui/task_manager.h"
#include "ui/tasks_panel.h"
#include "ui/translation_loader.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QStandardPaths>
#include <QStatusBar>
#include <QToolBar>
#include <QUndoGroup>
#include <QUndoStack>

#include <spdlog/spdlog.h>

#include <cmath>

namespace refermap::ui {

namespace {

project::ViewState toProjectView(const MapCanvas& canvas)
{
    const MapCanvas::ViewState state = canvas.viewState();
    project::ViewState view;
    view.centreX = state.centre.x();
    view.centreY = state.centre.y();
    view.scale = state.mapUnitsPerPixel > 0 ? state.mapUnitsPerPixel : 1.0;
    return view;
}

QString coordinate(double value, int decimals)
{
    return QLocale().toString(value, 'f', decimals);
}

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , layers_(std::make_unique<LayerModel>())
    , tasks_(std::make_unique<TaskManager>())
    , settings_(AppSettings::load())
{
    setObjectName(QStringLiteral("MainWindow"));
    resize(1280, 820);
    setAcceptDrops(true);

    queries_ = new QueryController(*layers_, *tasks_, this);
    project_ = new ProjectController(*layers_, this);
    undoGroup_ = new QUndoGroup(this);

    canvas_ = new MapCanvas(layers_.get(), this);
    canvas_->setObjectName(QStringLiteral("mapCanvas"));
    setCentralWidget(canvas_);

    createActions();
    createMenus();
    createToolBars();
    createDocks();
    createStatusBar();
    retranslate();

    connect(queries_, &QueryController::runningChanged, queryBar_, &QueryBar::setRunning);
    connect(queries_, &QueryController::queryFinished, this, &MainWindow::queryFinished);
    connect(queryBar_, &QueryBar::queryRequested, this, [this](const QString& text, QueryBar::Scope scope) {
        runQuery(text, scope == QueryBar::Scope::VisibleExtent);
    });
    connect(queryBar_, &QueryBar::cancelRequested, queries_, &QueryController::cancel);
    connect(project_, &ProjectController::autosaveDue, this, [this] { project_->autosave(toProjectView(*canvas_)); });
    connect(project_, &ProjectController::dirtyChanged, this, &MainWindow::updateTitle);
    connect(project_, &ProjectController::saveFailed, this,
            [this](const QString& error) { showMessage(tr("The project could not be saved: %1").arg(error), true); });
    connect(canvas_, &MapCanvas::statusMessage, this, [this](const QString& message) { showMessage(message); });
    connect(canvas_, &MapCanvas::editRefused, this, [this](const QString& message) { showMessage(message, true); });
    connect(canvas_, &MapCanvas::activeMaskLayerChanged, this, [this](MaskLayer* layer) {
        if (layer)
            undoGroup_->setActiveStack(layer->undoStack());
    });
    connect(layers_.get(), &LayerModel::rowsInserted, this, [this](const QModelIndex&, int first, int last) {
        for (int row = first; row <= last; ++row)
            if (auto* mask = qobject_cast<MaskLayer*>(layers_->layerAt(row)))
                undoGroup_->addStack(mask->undoStack());
    });
    connect(layers_.get(), &LayerModel::layerAboutToBeRemoved, this, [this](MapLayer* layer) {
        if (auto* mask = qobject_cast<MaskLayer*>(layer))
            undoGroup_->removeStack(mask->undoStack());
    });

    queries_->setOutputRoot(queryOutputRoot());
    updateTitle();
    updateDeviceLabel();
    statusBar()->showMessage(tr("Ready"));
}

MainWindow::~MainWindow()
{
    // Jobs hold pointers into this window's objects: stop them before anything is destroyed.
    tasks_->cancelAll();
    tasks_->waitForAll(std::chrono::seconds(30));
    project_->waitForAutosave();
    delete canvas_;
    canvas_ = nullptr;
}

void MainWindow::createActions()
{
    auto action = [this](const char* name, const QKeySequence& shortcut = {}) {
        auto* created = new QAction(this);
        created->setObjectName(QString::fromLatin1(name));
        if (!shortcut.isEmpty())
            created->setShortcut(shortcut);
        return created;
    };
    openRasterAction_ = action("actionOpenRaster", QKeySequence::Open);
    connect(openRasterAction_, &QAction::triggered, this, &MainWindow::chooseRaster);
    openProjectAction_ = action("actionOpenProject", QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    connect(openProjectAction_, &QAction::triggered, this, &MainWindow::chooseProject);
    saveProjectAction_ = action("actionSaveProject", QKeySequence::Save);
    connect(saveProjectAction_, &QAction::triggered, this, &MainWindow::saveProject);
    saveProjectAsAction_ = action("actionSaveProjectAs", QKeySequence::SaveAs);
    connect(saveProjectAsAction_, &QAction::triggered, this, &MainWindow::chooseProjectPath);
    exportAction_ = action("actionExport", QKeySequence(Qt::CTRL | Qt::Key_E));
    connect(exportAction_, &QAction::triggered, this,
            [this] { exportLayer(qobject_cast<MaskLayer*>(layersPanel_->currentLayer())); });
    overviewsAction_ = action("actionBuildOverviews");
    connect(overviewsAction_, &QAction::triggered, this, &MainWindow::buildOverviews);
    quitAction_ = action("actionQuit", QKeySequence::Quit);
    quitAction_->setMenuRole(QAction::QuitRole);
    connect(quitAction_, &QAction::triggered, this, &QWidget::close);

    undoAction_ = undoGroup_->createUndoAction(this);
    undoAction_->setObjectName(QStringLiteral("actionUndo"));
    undoAction_->setShortcut(QKeySequence::Undo);
    redoAction_ = undoGroup_->createRedoAction(this);
    redoAction_->setObjectName(QStringLiteral("actionRedo"));
    redoAction_->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence::Redo});
    settingsAction_ = action("actionSettings", QKeySequence::Preferences);
    settingsAction_->setMenuRole(QAction::PreferencesRole);
    connect(settingsAction_, &QAction::triggered, this, &MainWindow::showSettings);
    fineTuneAction_ = action("actionFineTune");
    connect(fineTuneAction_, &QAction::triggered, this, [this] { showFineTune(); });

    zoomInAction_ = action("actionZoomIn", QKeySequence::ZoomIn);
    connect(zoomInAction_, &QAction::triggered, this, [this] { canvas_->zoomIn(); });
    zoomOutAction_ = action("actionZoomOut", QKeySequence::ZoomOut);
    connect(zoomOutAction_, &QAction::triggered, this, [this] { canvas_->zoomOut(); });
    zoomLayerAction_ = action("actionZoomToLayer", QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    connect(zoomLayerAction_, &QAction::triggered, this, [this] {
        if (MapLayer* layer = layersPanel_->currentLayer())
            canvas_->zoomToLayer(layer);
    });
    zoomFullAction_ = action("actionZoomFull", QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F));
    connect(zoomFullAction_, &QAction::triggered, this, [this] { canvas_->zoomToFullExtent(); });
    zoomNativeAction_ = action("actionZoomNative", QKeySequence(Qt::CTRL | Qt::Key_1));
    connect(zoomNativeAction_, &QAction::triggered, this, [this] { canvas_->zoomToNativeResolution(); });

    toolGroup_ = new QActionGroup(this);
    const std::vector<std::pair<ToolKind, const char*>> tools{
        {ToolKind::Pan, "actionToolPan"},           {ToolKind::Brush, "actionToolBrush"},
        {ToolKind::Eraser, "actionToolEraser"},     {ToolKind::PolygonAdd, "actionToolPolygonAdd"},
        {ToolKind::PolygonCut, "actionToolPolygonCut"}, {ToolKind::FillHole, "actionToolFillHole"}};
    const QList<QKeySequence> keys{QKeySequence(Qt::Key_P), QKeySequence(Qt::Key_B), QKeySequence(Qt::Key_E),
                                   QKeySequence(Qt::Key_A), QKeySequence(Qt::Key_C), QKeySequence(Qt::Key_F)};
    for (std::size_t i = 0; i < tools.size(); ++i) {
        QAction* tool = action(tools[i].second, keys[static_cast<int>(i)]);
        tool->setCheckable(true);
        tool->setChecked(tools[i].first == ToolKind::Pan);
        const ToolKind kind = tools[i].first;
        connect(tool, &QAction::triggered, this, [this, kind] { canvas_->setTool(kind); });
        toolGroup_->addAction(tool);
        toolActions_ << tool;
    }
    aboutAction_ = action("actionAbout");
    aboutAction_->setMenuRole(QAction::AboutRole);
    connect(aboutAction_, &QAction::triggered, this, &MainWindow::showAbout);
}

void MainWindow::createMenus()
{
    fileMenu_ = menuBar()->addMenu(QString());
    fileMenu_->addActions({openRasterAction_, openProjectAction_});
    fileMenu_->addSeparator();
    fileMenu_->addActions({saveProjectAction_, saveProjectAsAction_});
    fileMenu_->addSeparator();
    fileMenu_->addActions({exportAction_, overviewsAction_});
    fileMenu_->addSeparator();
    fileMenu_->addAction(quitAction_);
    editMenu_ = menuBar()->addMenu(QString());
    editMenu_->addActions({undoAction_, redoAction_});
    editMenu_->addSeparator();
    editMenu_->addAction(settingsAction_);
    viewMenu_ = menuBar()->addMenu(QString());
    viewMenu_->addActions({zoomInAction_, zoomOutAction_, zoomLayerAction_, zoomFullAction_, zoomNativeAction_});
    viewMenu_->addSeparator();
    toolsMenu_ = menuBar()->addMenu(QString());
    toolsMenu_->addActions(toolActions_);
    toolsMenu_->addSeparator();
    toolsMenu_->addAction(fineTuneAction_);
    helpMenu_ = menuBar()->addMenu(QString());
    helpMenu_->addAction(aboutAction_);
}

void MainWindow::createToolBars()
{
    QToolBar* query = addToolBar(tr("Query"));
    query->setObjectName(QStringLiteral("queryToolBar"));
    queryBar_ = new QueryBar(query);
    queryBar_->setObjectName(QStringLiteral("queryBar"));
    query->addWidget(queryBar_);
    addToolBarBreak();
    QToolBar* tools = addToolBar(tr("Tools"));
    tools->setObjectName(QStringLiteral("toolsToolBar"));
    tools->addActions(toolActions_);
    tools->addSeparator();
    tools->addActions({undoAction_, redoAction_, zoomFullAction_, zoomNativeAction_});
}

void MainWindow::createDocks()
{
    layersPanel_ = new LayersPanel(layers_.get(), this);
    layersDock_ = new QDockWidget(this);
    layersDock_->setObjectName(QStringLiteral("layersDock"));
    layersDock_->setWidget(layersPanel_);
    addDockWidget(Qt::LeftDockWidgetArea, layersDock_);
    connect(layersPanel_, &LayersPanel::currentLayerChanged, this, &MainWindow::currentLayerChanged);
    connect(layersPanel_, &LayersPanel::zoomToLayerRequested, canvas_, &MapCanvas::zoomToLayer);
    connect(layersPanel_, &LayersPanel::exportRequested, this, &MainWindow::exportLayer);
    connect(layersPanel_, &LayersPanel::removeRequested, this, &MainWindow::removeLayer);

    tasksPanel_ = new TasksPanel(*tasks_, this);
    tasksDock_ = new QDockWidget(this);
    tasksDock_->setObjectName(QStringLiteral("tasksDock"));
    tasksDock_->setWidget(tasksPanel_);
    addDockWidget(Qt::RightDockWidgetArea, tasksDock_);

    logPanel_ = new LogPanel(this);
    logPanel_->installIntoDefaultLogger();
    logDock_ = new QDockWidget(this);
    logDock_->setObjectName(QStringLiteral("logDock"));
    logDock_->setWidget(logPanel_);
    addDockWidget(Qt::BottomDockWidgetArea, logDock_);

    viewMenu_->addActions({layersDock_->toggleViewAction(), tasksDock_->toggleViewAction(), logDock_->toggleViewAction()});
    // The map gets most of the window: side panels about a fifth each, the log a few lines.
    resizeDocks({layersDock_, tasksDock_}, {260, 280}, Qt::Horizontal);
    resizeDocks({logDock_}, {130}, Qt::Vertical);
}

void MainWindow::createStatusBar()
{
    auto label = [this](const char* name, int minimumWidth) {
        auto* created = new QLabel(this);
        created->setObjectName(QString::fromLatin1(name));
        created->setMinimumWidth(minimumWidth);
        statusBar()->addPermanentWidget(created);
        return created;
    };
    pixelLabel_ = label("pixelLabel", 120);
    mapLabel_ = label("mapLabel", 200);
    lonLatLabel_ = label("lonLatLabel", 180);
    scaleLabel_ = label("scaleLabel", 100);
    deviceLabel_ = label("deviceLabel", 80);
    connect(canvas_, &MapCanvas::cursorMoved, this,
            [this](double px, double py, double mx, double my, bool hasLonLat, double lon, double lat) {
                pixelLabel_->setText(tr("Pixel %1, %2").arg(std::floor(px)).arg(std::floor(py)));
                mapLabel_->setText(tr("Map %1, %2").arg(coordinate(mx, 2), coordinate(my, 2)));
                lonLatLabel_->setText(hasLonLat ? tr("%1°, %2°").arg(coordinate(lat, 6), coordinate(lon, 6))
                                                : tr("No geographic position"));
            });
    connect(canvas_, &MapCanvas::scaleChanged, this, [this](double denominator) {
        scaleLabel_->setText(tr("1:%1").arg(QLocale().toString(std::round(denominator), 'f', 0)));
    });
}

void MainWindow::retranslate()
{
    fileMenu_->setTitle(tr("&File"));
    editMenu_->setTitle(tr("&Edit"));
    viewMenu_->setTitle(tr("&View"));
    toolsMenu_->setTitle(tr("&Tools"));
    helpMenu_->setTitle(tr("&Help"));
    openRasterAction_->setText(tr("&Open Raster…"));
    openProjectAction_->setText(tr("Open &Project…"));
    saveProjectAction_->setText(tr("&Save Project"));
    saveProjectAsAction_->setText(tr("Save Project &As…"));
    exportAction_->setText(tr("&Export Layer…"));
    overviewsAction_->setText(tr("Build &Overviews"));
    quitAction_->setText(tr("&Quit"));
    undoAction_->setText(tr("&Undo"));
    redoAction_->setText(tr("&Redo"));
    settingsAction_->setText(tr("&Settings…"));
    fineTuneAction_->setText(tr("Fine-&tune on Corrections…"));
    zoomInAction_->setText(tr("Zoom &In"));
    zoomOutAction_->setText(tr("Zoom &Out"));
    zoomLayerAction_->setText(tr("Zoom to &Layer"));
    zoomFullAction_->setText(tr("&Full Extent"));
    zoomNativeAction_->setText(tr("&Native Resolution (1:1 Pixels)"));
    const QStringList tools{tr("&Pan"), tr("&Brush"), tr("&Eraser"), tr("Polygon &Add"), tr("Polygon &Cut"),
                            tr("&Fill Hole")};
    for (int i = 0; i < toolActions_.size() && i < tools.size(); ++i)
        toolActions_[i]->setText(tools[i]);
    aboutAction_->setText(tr("&About ReferMap"));
    layersDock_->setWindowTitle(tr("Layers"));
    tasksDock_->setWindowTitle(tr("Tasks"));
    logDock_->setWindowTitle(tr("Log"));
    updateTitle();
    updateDeviceLabel();
}

void MainWindow::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange && fileMenu_)
        retranslate();
    QMainWindow::changeEvent(event);
}

void MainWindow::updateTitle()
{
    QString title = tr("ReferMap");
    if (project_ && project_->hasProject())
        title = QFileInfo(project_->path()).fileName() + (project_->isDirty() ? QStringLiteral("*") : QString())
            + QStringLiteral(" — ") + title;
    setWindowTitle(title);
}

void MainWindow::updateDeviceLabel()
{
    if (!deviceLabel_)
        return;
    auto device = model::resolveComputeDevice(settings_.device.toStdString());
    deviceLabel_->setText(device ? tr("Device: %1").arg(QString::fromStdString(device->str()))
                                 : tr("Device: %1 (unavailable)").arg(settings_.device));
}

void MainWindow::showMessage(const QString& message, bool error)
{
    statusBar()->showMessage(message, 10000);
    if (error)
        spdlog::error("{}", message.toStdString());
    else
        spdlog::info("{}", message.toStdString());
}

QString MainWindow::queryOutputRoot() const
{
    if (project_->hasProject())
        return project_->dataFolder();
    return QDir(QStandardPaths::writableLocation(QStandardPaths::CacheLocation)).filePath(QStringLiteral("queries"));
}

void MainWindow::setSettings(const AppSettings& settings, bool persist)
{
    const bool languageChanged = settings.language != settings_.language;
    settings_ = settings;
    if (persist)
        settings_.save();
    updateDeviceLabel();
    if (languageChanged) {
        const QLocale locale = settings_.language == QStringLiteral("system") ? QLocale::system() : QLocale(settings_.language);
        installTranslations(*qApp, locale); // sends LanguageChange: menus are retranslated
    }
}

bool MainWindow::openPath(const QString& path)
{
    if (path.endsWith(QStringLiteral(".gpkg"), Qt::CaseInsensitive))
        return openProject(path);
    return openRaster(path);
}

bool MainWindow::openRaster(const QString& path)
{
    // Shown with the stretch the queries use (the settings'), so the map shows what the model sees.
    geo::RasterViewOptions options;
    options.stretch.lowPercent = settings_.stretchLowPercent;
    options.stretch.highPercent = settings_.stretchHighPercent;
    for (int band : settings_.bands)
        options.bands.push_back(band);
    auto layer = RasterLayer::open(path.toStdString(), options);
    if (!layer) {
        showMessage(tr("Cannot open %1: %2").arg(path, QString::fromStdString(layer.error().message())), true);
        return false;
    }
    const bool first = layers_->rasterLayers().empty();
    const bool needsOverviews = !(*layer)->renderer().hasOverviews()
        && std::max((*layer)->renderer().width(), (*layer)->renderer().height()) > 4096;
    MapLayer* added = layers_->addLayer(std::move(*layer));
    if (first)
        canvas_->zoomToLayer(added);
    layersPanel_->setCurrentLayer(added);
    showMessage(needsOverviews ? tr("Opened %1. It has no overviews: build them (File menu) for smooth zooming.").arg(path)
                               : tr("Opened %1").arg(path));
    return true;
}

bool MainWindow::openProject(const QString& path)
{
    queries_->cancel();
    QStringList problems;
    auto view = project_->open(path, problems);
    if (!view) {
        showMessage(tr("Cannot open the project %1: %2").arg(path, QString::fromStdString(view.error().message())), true);
        return false;
    }
    if (view->has_value() && (*view)->scale > 0) {
        MapCanvas::ViewState state;
        state.centre = QPointF((*view)->centreX, (*view)->centreY);
        state.mapUnitsPerPixel = (*view)->scale;
        canvas_->setViewState(state);
    } else {
        canvas_->zoomToFullExtent();
    }
    queries_->setOutputRoot(queryOutputRoot());
    updateTitle();
    showMessage(problems.isEmpty() ? tr("Opened the project %1").arg(path)
                                   : tr("Opened the project %1 with problems: %2").arg(path, problems.join(QLatin1Char(' '))),
                !problems.isEmpty());
    return true;
}

bool MainWindow::saveProjectAs(const QString& path)
{
    auto saved = project_->saveAs(path, toProjectView(*canvas_));
    if (!saved) {
        showMessage(tr("Cannot save the project %1: %2").arg(path, QString::fromStdString(saved.error().message())), true);
        return false;
    }
    queries_->setOutputRoot(queryOutputRoot());
    updateTitle();
    showMessage(tr("Saved the project %1").arg(path));
    return true;
}

Result<void> MainWindow::saveCurrentProject()
{
    if (!project_->hasProject())
        return Error(ErrorCode::InvalidArgument, "the session has no project file yet");
    if (auto saved = project_->save(toProjectView(*canvas_)); !saved)
        return saved.error();
    updateTitle();
    return {};
}

FineTuneDialog* MainWindow::showFineTune()
{
    if (!fineTuneDialog_)
        fineTuneDialog_ = new FineTuneDialog(*this, this);
    fineTuneDialog_->refresh();
    fineTuneDialog_->show();
    fineTuneDialog_->raise();
    fineTuneDialog_->activateWindow();
    return fineTuneDialog_;
}

void MainWindow::saveProject()
{
    if (!project_->hasProject()) {
        chooseProjectPath();
        return;
    }
    auto saved = project_->save(toProjectView(*canvas_));
    if (!saved)
        showMessage(tr("Cannot save the project: %1").arg(QString::fromStdString(saved.error().message())), true);
    else
        showMessage(tr("Saved the project %1").arg(project_->path()));
}

void MainWindow::chooseRaster()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Raster"), QString(),
                                                      tr("Rasters (*.tif *.tiff *.vrt *.jp2 *.img *.png *.jpg);;All files (*)"));
    if (!path.isEmpty())
        openRaster(path);
}

void MainWindow::chooseProject()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Project"), QString(),
                                                      tr("ReferMap projects (*.refermap.gpkg *.gpkg)"));
    if (!path.isEmpty())
        openProject(path);
}

void MainWindow::chooseProjectPath()
{
    QString path = QFileDialog::getSaveFileName(this, tr("Save Project As"), QString(),
                                                tr("ReferMap projects (*.refermap.gpkg)"));
    if (path.isEmpty())
        return;
    if (!path.endsWith(QStringLiteral(".gpkg")))
        path += QStringLiteral(".refermap.gpkg");
    saveProjectAs(path);
}

RasterLayer* MainWindow::currentRaster() const
{
    MapLayer* current = layersPanel_->currentLayer();
    if (auto* raster = qobject_cast<RasterLayer*>(current))
        return raster;
    if (auto* mask = qobject_cast<MaskLayer*>(current))
        return mask->raster();
    return canvas_->frameLayer();
}

bool MainWindow::runQuery(const QString& text, bool visibleExtentOnly)
{
    RasterLayer* raster = currentRaster();
    if (!raster) {
        showMessage(tr("Open a raster first: the query runs over the imagery."), true);
        return false;
    }
    if (const QStringList problems = settings_.problems(); !problems.isEmpty()) {
        showMessage(problems.join(QLatin1Char(' ')), true);
        return false;
    }
    std::optional<geo::PixelRect> window;
    if (visibleExtentOnly) {
        const QRectF extent = canvas_->visibleExtent();
        window = geo::clipToRaster({static_cast<int>(std::floor(extent.left())), static_cast<int>(std::floor(extent.top())),
                                    static_cast<int>(std::ceil(extent.width())), static_cast<int>(std::ceil(extent.height()))},
                                   raster->renderer().width(), raster->renderer().height());
        if (window->width < 16 || window->height < 16) {
            showMessage(tr("The visible extent does not cover the raster; zoom to it first."), true);
            return false;
        }
    }
    if (!queries_->run(raster, text, settings_, window)) {
        showMessage(tr("A query is already running; cancel it or wait."), true);
        return false;
    }
    showMessage(tr("Running the query '%1'…").arg(text));
    return true;
}

void MainWindow::queryFinished(MaskLayer* layer, const QString& error)
{
    if (!layer) {
        showMessage(error.isEmpty() ? tr("The query was cancelled.") : tr("The query failed: %1").arg(error), !error.isEmpty());
        return;
    }
    layersPanel_->setCurrentLayer(layer);
    canvas_->setActiveMaskLayer(layer);
    showMessage(tr("The query '%1' is done.").arg(layer->queryText()));
}

void MainWindow::currentLayerChanged(MapLayer* layer)
{
    if (auto* mask = qobject_cast<MaskLayer*>(layer)) {
        canvas_->setActiveMaskLayer(mask);
        undoGroup_->setActiveStack(mask->undoStack());
    }
    exportAction_->setEnabled(qobject_cast<MaskLayer*>(layer) != nullptr);
}

void MainWindow::removeLayer(MapLayer* layer)
{
    if (!layer)
        return;
    if (queries_->isRunning() && (layer == currentRaster()))
        queries_->cancel();
    layers_->removeLayer(layer);
}

void MainWindow::exportLayer(MaskLayer* layer)
{
    if (!layer) {
        showMessage(tr("Select a mask layer to export."), true);
        return;
    }
    // The edits are part of what is exported: an edited mask is written out first (its source file is
    // the query's, which never changes).
    std::filesystem::path maskPath = layer->maskPath();
    if (layer->isEdited() || maskPath.empty()) {
        const QString folder = QDir(queryOutputRoot()).filePath(QStringLiteral("exports"));
        QDir().mkpath(folder);
        const QString stamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz"));
        maskPath = std::filesystem::path(folder.toStdString()) / ("edited-mask-" + stamp.toStdString() + ".tif");
        ProgressFeedback feedback;
        if (auto saved = layer->mask().save(maskPath, feedback); !saved) {
            showMessage(tr("Cannot write the edited mask: %1").arg(QString::fromStdString(saved.error().message())), true);
            return;
        }
    }
    const QString suggested = QDir(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
                                  .filePath(layer->name().simplified().replace(QLatin1Char(' '), QLatin1Char('-')));
    ExportDialog dialog(QString::fromStdString(maskPath.string()), suggested, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    engine::ExportRequest request = dialog.request();
    request.query = layer->queryText().toStdString();
    request.model = layer->settings().modelFile.toStdString();
    const QString output = QString::fromStdString(request.output.string());
    std::function<Result<std::size_t>(ProgressFeedback&)> job = [request, maskPath](ProgressFeedback& feedback) {
        return engine::runExport(request, maskPath, feedback);
    };
    std::function<void(std::size_t)> done = [this, output](std::size_t features) {
        showMessage(tr("Exported %n feature(s) to %1", nullptr, static_cast<int>(features)).arg(output));
    };
    tasks_->start<std::size_t>(tr("Export: %1").arg(layer->name()), std::move(job), std::move(done));
}

void MainWindow::buildOverviews()
{
    RasterLayer* raster = currentRaster();
    if (!raster) {
        showMessage(tr("Open a raster first."), true);
        return;
    }
    if (raster->renderer().hasOverviews()) {
        showMessage(tr("%1 already has overviews.").arg(raster->name()));
        return;
    }
    const std::filesystem::path path = raster->path();
    std::function<Result<geo::OverviewBuildReport>(ProgressFeedback&)> job = [path](ProgressFeedback& feedback) {
        return geo::OverviewBuilder::build(path, feedback);
    };
    QPointer<RasterLayer> target(raster);
    std::function<void(geo::OverviewBuildReport)> done = [this, target](geo::OverviewBuildReport report) {
        if (!target)
            return;
        if (auto reopened = target->renderer().reopen(); !reopened) {
            showMessage(QString::fromStdString(reopened.error().message()), true);
            return;
        }
        canvas_->reloadRaster(target);
        showMessage(tr("Built %n overview level(s) for %1", nullptr, static_cast<int>(report.factors.size())).arg(target->name()));
    };
    tasks_->start<geo::OverviewBuildReport>(tr("Overviews: %1").arg(raster->name()), std::move(job), std::move(done));
}

void MainWindow::showSettings()
{
    SettingsDialog dialog(settings_, this);
    if (dialog.exec() == QDialog::Accepted)
        setSettings(dialog.settings());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    // Running jobs are cancelled (they stop between tiles) and awaited; the project keeps its last state.
    tasks_->cancelAll();
    if (!tasks_->waitForAll(std::chrono::seconds(30)))
        spdlog::warn("closing while a task still runs");
    if (project_->hasProject() && project_->isDirty()) {
        if (auto saved = project_->save(toProjectView(*canvas_)); !saved)
            spdlog::error("the project could not be saved on close: {}", saved.error().message());
    }
    project_->waitForAutosave();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile())
            openPath(url.toLocalFile());
    event->acceptProposedAction();
}

void MainWindow::showAbout()
{
    const engine::RuntimeReport report = engine::collectRuntimeReport();
    QMessageBox::about(this, tr("About ReferMap"),
                       tr("<h3>ReferMap %1</h3>"
                          "<p>Type what you are looking for over a map and get a georeferenced vector layer back.</p>"
                          "<p>%2<br>PROJ %3<br>libtorch %4<br>BLAS: %5</p>")
                           .arg(QString::fromStdString(report.refermapVersion),
                                QString::fromStdString(report.gdalVersion),
                                QString::fromStdString(report.projVersion),
                                QString::fromStdString(report.torchVersion),
                                QString::fromStdString(report.blas).toHtmlEscaped()));
}

} // namespace refermap::ui
