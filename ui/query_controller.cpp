#include "ui/query_controller.h"

#include "engine/query_runner.h"
#include "geo/editable_mask.h"
#include "ui/layer_model.h"

#include <QDateTime>
#include <QDir>
#include <QStandardPaths>

#include <spdlog/spdlog.h>

#include <filesystem>
#include <system_error>

namespace refermap::ui {

namespace {

struct QueryOutcome {
    std::filesystem::path folder;
    std::filesystem::path mask;        // in the raster's grid
    std::filesystem::path probability; // in the raster's grid
    engine::QueryReport report;
};

// A new, empty folder for one query's outputs.
std::filesystem::path newQueryFolder(const QString& root)
{
    const QString stamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz"));
    std::filesystem::path folder = std::filesystem::path(root.toStdString()) / ("query-" + stamp.toStdString());
    for (int n = 2; std::filesystem::exists(folder); ++n)
        folder = std::filesystem::path(root.toStdString()) / ("query-" + stamp.toStdString() + "-" + std::to_string(n));
    return folder;
}

Result<QueryOutcome> runInFolder(engine::QueryOptions options, const std::optional<geo::PixelRect>& window,
                                 const std::filesystem::path& folder, ProgressFeedback& feedback)
{
    std::error_code failed;
    std::filesystem::create_directories(folder, failed);
    if (failed)
        return Error(ErrorCode::Io, "cannot create the query's folder").withFile(folder.string()).withDetail(failed.message());
    const std::filesystem::path raster = options.raster;
    if (window) {
        options.raster = folder / "window.vrt";
        if (auto cut = geo::writeWindowVrt(raster, *window, options.raster); !cut)
            return cut.error();
    }
    options.output = folder / "vectors.gpkg";
    options.binaryMask = folder / "mask.tif";
    options.probabilityMask = folder / "probability.tif";
    auto report = engine::runQuery(options, feedback);
    if (!report)
        return report.error();
    QueryOutcome outcome{folder, options.binaryMask, options.probabilityMask, *report};
    if (window) {
        outcome.mask = folder / "mask-layer.vrt";
        outcome.probability = folder / "probability-layer.vrt";
        if (auto placed = geo::writePlacedVrt(options.binaryMask, window->x, window->y, raster, outcome.mask); !placed)
            return placed.error();
        if (auto placed = geo::writePlacedVrt(options.probabilityMask, window->x, window->y, raster, outcome.probability);
            !placed)
            return placed.error();
    }
    return outcome;
}

} // namespace

QueryController::QueryController(LayerModel& layers, TaskManager& tasks, QObject* parent)
    : QObject(parent)
    , layers_(layers)
    , tasks_(tasks)
    , outputRoot_(QDir(QStandardPaths::writableLocation(QStandardPaths::CacheLocation)).filePath(QStringLiteral("queries")))
{
    connect(&tasks_, &TaskManager::finished, this, &QueryController::ended);
    connect(&tasks_, &TaskManager::cancelled, this, [this](TaskId id) { ended(id, false, QString()); });
    // A raster removed while its query runs: the query is no longer wanted.
    connect(&layers_, &LayerModel::layerAboutToBeRemoved, this, [this](MapLayer* layer) {
        if (running_ != 0 && layer == raster_.data())
            cancel();
    });
}

bool QueryController::run(RasterLayer* raster, const QString& text, const AppSettings& settings,
                          const std::optional<geo::PixelRect>& window)
{
    if (running_ != 0 || !raster)
        return false;
    engine::QueryOptions options;
    options.raster = raster->path();
    options.text = text.toStdString();
    options.model = settings.modelFile.toStdString();
    options.device = settings.device.toStdString();
    options.tileSize = settings.tileSize;
    options.overlap = settings.overlap;
    options.threshold = settings.threshold;
    for (int band : settings.bands)
        options.bands.push_back(band);
    options.stretchLowPercent = settings.stretchLowPercent;
    options.stretchHighPercent = settings.stretchHighPercent;
    options.resume = false; // each query has a new folder; an interrupted one is removed

    QuerySettings stored;
    stored.modelFile = settings.modelFile;
    stored.device = settings.device;
    stored.tile = settings.tileSize;
    stored.overlap = settings.overlap;
    stored.threshold = settings.threshold;
    QStringList bands;
    for (int band : settings.bands)
        bands << QString::number(band);
    stored.bands = bands.join(QLatin1Char(','));
    stored.scope = window ? QStringLiteral("view") : QStringLiteral("raster");
    stored.stretchLowPercent = settings.stretchLowPercent;
    stored.stretchHighPercent = settings.stretchHighPercent;

    const std::filesystem::path folder = newQueryFolder(outputRoot_);
    raster_ = raster;
    added_ = false;
    std::function<Result<QueryOutcome>(ProgressFeedback&)> job = [options, window, folder](ProgressFeedback& feedback)
        -> Result<QueryOutcome> {
        auto outcome = runInFolder(options, window, folder, feedback);
        if (!outcome) {
            // Nothing of a failed or cancelled query stays behind (its journal included).
            std::error_code ignored;
            std::filesystem::remove_all(folder, ignored);
        }
        return outcome;
    };
    std::function<void(QueryOutcome)> done = [this, text, stored](QueryOutcome outcome) {
        RasterLayer* target = raster_.data();
        auto mask = target ? geo::EditableMask::open(outcome.mask)
                           : Result<geo::EditableMask>(Error(ErrorCode::Cancelled, "the raster was removed"));
        if (!mask) {
            std::error_code ignored;
            std::filesystem::remove_all(outcome.folder, ignored);
            emit queryFinished(nullptr, QString::fromStdString(mask.error().message()));
            return;
        }
        auto layer = std::make_unique<MaskLayer>(target, std::move(*mask), text, stored);
        layer->setOutputFiles(outcome.mask, outcome.probability);
        spdlog::info("query '{}': {} tiles on {} in {:.1f} s, {} features", text.toStdString(),
                     outcome.report.tiles.processed, outcome.report.device, outcome.report.totalSeconds,
                     outcome.report.features);
        auto* added = static_cast<MaskLayer*>(layers_.addLayer(std::move(layer)));
        added_ = true;
        emit queryFinished(added, QString());
    };
    running_ = tasks_.start<QueryOutcome>(tr("Query: %1").arg(text), std::move(job), std::move(done));
    emit runningChanged(true);
    return true;
}

void QueryController::cancel()
{
    if (running_ != 0)
        tasks_.cancel(running_);
}

void QueryController::ended(TaskId id, bool ok, const QString& error)
{
    if (id != running_)
        return;
    running_ = 0;
    if (!ok)
        emit queryFinished(nullptr, error);
    emit runningChanged(false);
}

} // namespace refermap::ui
