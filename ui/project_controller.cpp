#include "ui/project_controller.h"

#include "project/project_store.h"
#include "ui/layer_model.h"

#include <QColor>
#include <QCoreApplication>
#include <QJsonArray>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QPointer>
#include <QThreadPool>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace refermap::ui {

namespace {

// Autosave writes on this pool's single thread, one save at a time, in order.
QThreadPool& savePool()
{
    static QThreadPool* pool = [] {
        auto* created = new QThreadPool;
        created->setMaxThreadCount(1);
        return created;
    }();
    return *pool;
}

std::string jsonText(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString();
}

QJsonObject jsonObject(const std::string& text)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(text)).object();
}

std::optional<std::filesystem::path> optionalPath(const std::filesystem::path& path)
{
    return path.empty() ? std::nullopt : std::optional<std::filesystem::path>(path);
}

} // namespace

ProjectController::ProjectController(LayerModel& layers, QObject* parent)
    : QObject(parent)
    , layers_(layers)
{
    autosaveTimer_.setSingleShot(true);
    autosaveTimer_.setInterval(5000);
    connect(&autosaveTimer_, &QTimer::timeout, this, [this] {
        if (store_)
            emit autosaveDue();
    });
    connect(&layers_, &LayerModel::layersChanged, this, &ProjectController::markDirty);
    connect(&layers_, &LayerModel::rowsInserted, this, [this](const QModelIndex&, int first, int last) {
        for (int row = first; row <= last; ++row)
            watch(layers_.layerAt(row));
    });
    connect(&layers_, &LayerModel::layerAboutToBeRemoved, this,
            [this](MapLayer* layer) { dirtyTiles_.erase(qobject_cast<MaskLayer*>(layer)); });
    for (int row = 0; row < layers_.layerCount(); ++row)
        watch(layers_.layerAt(row));
}

ProjectController::~ProjectController()
{
    waitForAutosave();
}

QString ProjectController::dataFolder() const
{
    if (path_.isEmpty())
        return {};
    const QFileInfo info(path_);
    QString base = info.fileName();
    for (const QString& suffix : {QStringLiteral(".refermap.gpkg"), QStringLiteral(".gpkg")}) {
        if (base.endsWith(suffix)) {
            base.chop(suffix.size());
            break;
        }
    }
    return info.absoluteDir().filePath(base + QStringLiteral("-data"));
}

void ProjectController::setAutosaveDelay(int milliseconds)
{
    autosaveTimer_.setInterval(std::max(0, milliseconds));
    if (milliseconds <= 0)
        autosaveTimer_.stop();
}

void ProjectController::watch(MapLayer* layer)
{
    if (!layer)
        return;
    connect(layer, &MapLayer::appearanceChanged, this, &ProjectController::markDirty, Qt::UniqueConnection);
    if (auto* mask = qobject_cast<MaskLayer*>(layer)) {
        connect(mask, &MaskLayer::pixelsChanged, this, [this, mask](const QRect& pixels) {
            markTiles(mask, pixels.x(), pixels.y(), pixels.width(), pixels.height());
            markDirty();
        });
    }
}

void ProjectController::markDirty()
{
    if (!dirty_) {
        dirty_ = true;
        emit dirtyChanged(true);
    }
    if (store_ && autosaveTimer_.interval() > 0)
        autosaveTimer_.start();
}

void ProjectController::markTiles(MaskLayer* layer, int x, int y, int width, int height)
{
    const int size = layer->mask().tileSize();
    const int columns = layer->mask().tileColumns(), rows = layer->mask().tileRows();
    if (width <= 0 || height <= 0)
        return;
    const int c0 = std::max(0, x / size), c1 = std::min(columns - 1, (x + width - 1) / size);
    const int r0 = std::max(0, y / size), r1 = std::min(rows - 1, (y + height - 1) / size);
    auto& tiles = dirtyTiles_[layer];
    for (int r = r0; r <= r1; ++r)
        for (int c = c0; c <= c1; ++c)
            tiles.insert({c, r});
}

Result<void> ProjectController::assignIds()
{
    std::lock_guard<std::mutex> lock(*storeMutex_);
    for (RasterLayer* raster : layers_.rasterLayers()) {
        if (raster->projectId() != 0)
            continue;
        project::RasterRecord record;
        record.path = raster->path();
        record.displayName = raster->name().toStdString();
        auto id = store_->addRaster(record);
        if (!id)
            return id.error();
        raster->setProjectId(*id);
    }
    for (MaskLayer* mask : layers_.maskLayers()) {
        if (mask->projectId() != 0)
            continue;
        project::MaskLayerRecord record;
        record.rasterId = mask->raster()->projectId();
        record.name = mask->name().toStdString();
        record.queryText = mask->queryText().toStdString();
        auto id = store_->addMaskLayer(record);
        if (!id)
            return id.error();
        mask->setProjectId(*id);
        // Its edits are all new to this file.
        for (const auto& tile : mask->mask().editedTiles())
            dirtyTiles_[mask].insert(tile);
    }
    return {};
}

Result<project::ProjectSession> ProjectController::snapshot(const project::ViewState& view, bool everyTile)
{
    project::ProjectSession session;
    for (RasterLayer* raster : layers_.rasterLayers()) {
        project::RasterRecord record;
        record.id = raster->projectId();
        record.path = raster->path();
        record.displayName = raster->name().toStdString();
        QJsonArray bands;
        for (int band : raster->options().bands)
            bands.append(band);
        record.settingsJson = jsonText(QJsonObject{{QStringLiteral("bands"), bands},
                                                   {QStringLiteral("stretch_low_percent"), raster->options().stretch.lowPercent},
                                                   {QStringLiteral("stretch_high_percent"), raster->options().stretch.highPercent}});
        session.rasters.push_back(std::move(record));
    }
    for (MaskLayer* mask : layers_.maskLayers()) {
        project::MaskLayerRecord record;
        record.id = mask->projectId();
        record.rasterId = mask->raster()->projectId();
        record.name = mask->name().toStdString();
        record.queryText = mask->queryText().toStdString();
        record.settingsJson = jsonText(mask->settings().toJson());
        record.colour = mask->color().name(QColor::HexRgb).toStdString();
        record.opacity = mask->opacity();
        record.visible = mask->isVisible();
        record.order = layers_.rowOf(mask);
        record.outline = mask->showsOutline();
        record.edited = mask->isEdited();
        record.maskPath = optionalPath(mask->maskPath());
        record.probabilityPath = optionalPath(mask->probabilityPath());
        session.maskLayers.push_back(record);

        const auto editedList = mask->mask().editedTiles();
        const std::set<std::pair<int, int>> edited(editedList.begin(), editedList.end());
        std::set<std::pair<int, int>> keys = everyTile ? edited : dirtyTiles_[mask];
        project::MaskTileChanges changes;
        changes.layerId = record.id;
        for (const auto& [column, row] : keys) {
            const project::MaskTileKey key{column, row, mask->mask().tileSize()};
            if (edited.count({column, row}) == 0) {
                changes.removed.push_back(key); // edited back to the query's result
                continue;
            }
            auto bytes = mask->mask().tile(column, row);
            if (!bytes)
                return bytes.error();
            changes.tiles.push_back({key, true, std::move(*bytes)});
        }
        if (!changes.tiles.empty() || !changes.removed.empty())
            session.tileChanges.push_back(std::move(changes));
    }
    session.view = view;
    return session;
}

Result<void> ProjectController::write(const project::ProjectSession& session)
{
    std::lock_guard<std::mutex> lock(*storeMutex_);
    auto generation = store_->saveSession(session);
    if (!generation)
        return generation.error();
    return {};
}

Result<void> ProjectController::save(const project::ViewState& view)
{
    if (!store_)
        return Error(ErrorCode::InvalidArgument, "the session has no project file yet; use Save As");
    waitForAutosave();
    if (auto assigned = assignIds(); !assigned)
        return assigned.error();
    auto session = snapshot(view, false);
    if (!session)
        return session.error();
    if (auto written = write(*session); !written)
        return written.error();
    dirtyTiles_.clear();
    autosaveTimer_.stop();
    if (dirty_) {
        dirty_ = false;
        emit dirtyChanged(false);
    }
    emit saved(path_);
    return {};
}

void ProjectController::autosave(const project::ViewState& view)
{
    if (!store_ || writing_)
        return;
    auto assigned = assignIds();
    auto session = assigned ? snapshot(view, false) : Result<project::ProjectSession>(assigned.error());
    if (!session) {
        emit saveFailed(QString::fromStdString(session.error().message()));
        return;
    }
    auto pending = std::move(dirtyTiles_);
    dirtyTiles_.clear();
    const bool wasDirty = dirty_;
    dirty_ = false;
    writing_ = true;
    QPointer<ProjectController> self(this);
    auto store = store_;
    auto mutex = storeMutex_;
    auto data = std::make_shared<project::ProjectSession>(std::move(*session));
    savePool().start([self, store, mutex, data, pending, wasDirty]() mutable {
        std::optional<Error> failure;
        {
            std::lock_guard<std::mutex> lock(*mutex);
            if (auto generation = store->saveSession(*data); !generation)
                failure = generation.error();
        }
        QMetaObject::invokeMethod(qApp, [self, failure, pending = std::move(pending), wasDirty]() mutable {
            if (!self)
                return;
            self->writing_ = false;
            if (failure) {
                // Keep what was not written for the next save.
                for (auto& [layer, tiles] : pending)
                    self->dirtyTiles_[layer].insert(tiles.begin(), tiles.end());
                self->dirty_ = self->dirty_ || wasDirty;
                spdlog::error("autosave failed: {}", failure->message());
                emit self->saveFailed(QString::fromStdString(failure->message()));
                return;
            }
            if (!self->dirty_)
                emit self->dirtyChanged(false);
            emit self->saved(self->path_);
        }, Qt::QueuedConnection);
    });
}

void ProjectController::waitForAutosave()
{
    savePool().waitForDone();
    QCoreApplication::sendPostedEvents(qApp, QEvent::MetaCall);
}

Result<void> ProjectController::saveAs(const QString& path, const project::ViewState& view)
{
    waitForAutosave();
    const std::filesystem::path target = path.toStdString();
    std::filesystem::path temporary = target;
    temporary += ".saving";
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    auto created = project::ProjectStore::create(temporary);
    if (!created)
        return created.error();

    // The new file gets its own ids; the old ones come back if anything fails.
    std::map<MapLayer*, qint64> previousIds;
    for (int row = 0; row < layers_.layerCount(); ++row) {
        MapLayer* layer = layers_.layerAt(row);
        previousIds[layer] = layer->projectId();
        layer->setProjectId(0);
    }
    auto previousStore = std::move(store_);
    auto previousTiles = dirtyTiles_;
    store_ = std::make_shared<project::ProjectStore>(std::move(*created));
    auto restore = [&](const Error& error) -> Result<void> {
        store_ = std::move(previousStore);
        dirtyTiles_ = std::move(previousTiles);
        for (auto& [layer, id] : previousIds)
            layer->setProjectId(id);
        std::error_code removeFailed;
        std::filesystem::remove(temporary, removeFailed);
        return error;
    };
    if (auto assigned = assignIds(); !assigned)
        return restore(assigned.error());
    auto session = snapshot(view, true);
    if (!session)
        return restore(session.error());
    if (auto written = write(*session); !written)
        return restore(written.error());
    store_.reset(); // closes the file before it is renamed
    std::error_code renamed;
    std::filesystem::rename(temporary, target, renamed);
    if (renamed)
        return restore(Error(ErrorCode::Io, "cannot replace the project file").withFile(target.string()).withDetail(renamed.message()));
    auto reopened = project::ProjectStore::open(target);
    if (!reopened)
        return restore(reopened.error());
    store_ = std::make_shared<project::ProjectStore>(std::move(*reopened));
    path_ = path;
    dirtyTiles_.clear();
    dirty_ = false;
    emit dirtyChanged(false);
    emit saved(path_);
    return {};
}

Result<std::optional<project::ViewState>> ProjectController::open(const QString& path, QStringList& problems)
{
    waitForAutosave();
    auto opened = project::ProjectStore::open(path.toStdString());
    if (!opened)
        return opened.error();
    auto store = std::make_shared<project::ProjectStore>(std::move(*opened));
    auto session = store->loadSession();
    if (!session)
        return session.error();

    layers_.clear();
    std::map<std::int64_t, RasterLayer*> rasters;
    for (const auto& record : session->rasters) {
        geo::RasterViewOptions options;
        const QJsonObject settings = jsonObject(record.settingsJson);
        for (const auto& band : settings.value(QStringLiteral("bands")).toArray())
            options.bands.push_back(band.toInt());
        options.stretch.lowPercent = settings.value(QStringLiteral("stretch_low_percent")).toDouble(options.stretch.lowPercent);
        options.stretch.highPercent = settings.value(QStringLiteral("stretch_high_percent")).toDouble(options.stretch.highPercent);
        auto layer = RasterLayer::open(record.path, options);
        if (!layer) {
            problems << tr("Raster '%1' was not opened: %2")
                            .arg(QString::fromStdString(record.path.string()),
                                 QString::fromStdString(layer.error().message()));
            continue;
        }
        (*layer)->setProjectId(record.id);
        if (!record.displayName.empty())
            (*layer)->setName(QString::fromStdString(record.displayName));
        rasters[record.id] = static_cast<RasterLayer*>(layers_.addLayer(std::move(*layer)));
    }
    // Bottom layer first: each added mask goes on top.
    auto records = session->maskLayers;
    std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) { return a.order > b.order; });
    for (const auto& record : records) {
        const QString name = QString::fromStdString(record.name);
        auto raster = rasters.find(record.rasterId);
        if (raster == rasters.end()) {
            problems << tr("Mask layer '%1' was not opened: its raster is missing.").arg(name);
            continue;
        }
        Result<geo::EditableMask> mask = Error(ErrorCode::NotFound, "no mask file");
        if (record.maskPath && std::filesystem::exists(*record.maskPath))
            mask = geo::EditableMask::open(*record.maskPath);
        if (!mask) {
            const auto& grid = raster->second->renderer();
            if (record.maskPath)
                problems << tr("Mask layer '%1': the query's mask file is missing; only the edits are shown.").arg(name);
            mask = geo::EditableMask::blank(grid.width(), grid.height(), grid.geoTransform(), grid.crsWkt());
            if (!mask) {
                problems << tr("Mask layer '%1' was not opened: %2").arg(name, QString::fromStdString(mask.error().message()));
                continue;
            }
        }
        auto tiles = store->maskTiles(record.id);
        if (!tiles) {
            problems << tr("Mask layer '%1': its edits could not be read: %2")
                            .arg(name, QString::fromStdString(tiles.error().message()));
        } else {
            for (const auto& tile : *tiles) {
                if (tile.key.size != mask->tileSize()) {
                    problems << tr("Mask layer '%1': an edit was saved with another tile size and is skipped.").arg(name);
                    continue;
                }
                if (auto restored = mask->setTile(tile.key.x, tile.key.y, tile.bytes); !restored)
                    problems << tr("Mask layer '%1': %2").arg(name, QString::fromStdString(restored.error().message()));
            }
        }
        auto layer = std::make_unique<MaskLayer>(raster->second, std::move(*mask), QString::fromStdString(record.queryText),
                                                 QuerySettings::fromJson(jsonObject(record.settingsJson)));
        layer->setProjectId(record.id);
        layer->setName(name);
        layer->setColor(QColor(QString::fromStdString(record.colour)));
        layer->setOpacity(record.opacity);
        layer->setVisible(record.visible);
        layer->setShowsOutline(record.outline);
        layer->setOutputFiles(record.maskPath.value_or(std::filesystem::path()),
                              record.probabilityPath.value_or(std::filesystem::path()));
        layers_.addLayer(std::move(layer));
    }
    store_ = std::move(store);
    path_ = path;
    dirtyTiles_.clear();
    autosaveTimer_.stop();
    dirty_ = false;
    emit dirtyChanged(false);
    for (const QString& problem : problems)
        spdlog::warn("{}", problem.toStdString());
    return session->view;
}

void ProjectController::close()
{
    waitForAutosave();
    autosaveTimer_.stop();
    store_.reset();
    path_.clear();
    dirtyTiles_.clear();
    for (int row = 0; row < layers_.layerCount(); ++row)
        layers_.layerAt(row)->setProjectId(0);
}

} // namespace refermap::ui
