#include "geo/overview_builder.h"

#include "common/atomic_file.h"
#include "geo/gdal_dataset.h"
#include "geo/gdal_error_capture.h"
#include "geo/gdal_progress.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gdal_priv.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <system_error>

namespace refermap::geo {

namespace {

namespace fs = std::filesystem;

// Removes the temporary link to the raster and whatever GDAL put beside it, except the .ovr the
// AtomicFile owns (committed or discarded by it).
class TemporaryLink {
public:
    explicit TemporaryLink(fs::path path)
        : path_(std::move(path))
    { }
    TemporaryLink(const TemporaryLink&) = delete;
    TemporaryLink& operator=(const TemporaryLink&) = delete;
    ~TemporaryLink()
    {
        std::error_code ignored;
        fs::remove(path_, ignored);
        fs::remove(path_.string() + ".aux.xml", ignored);
        fs::remove(path_.string() + ".ovr.aux.xml", ignored);
    }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

} // namespace

std::vector<int> OverviewBuilder::factorsFor(int width, int height, int minimumSize)
{
    std::vector<int> factors;
    const int smallest = std::min(width, height);
    if (minimumSize < 1 || smallest < minimumSize)
        return factors;
    for (int factor = 2; factor > 0 && factor <= smallest; factor *= 2) {
        factors.push_back(factor);
        if (smallest / factor < minimumSize) // GDAL's level size is ceil(size / factor); close enough to stop
            break;
    }
    return factors;
}

Result<OverviewBuildReport> OverviewBuilder::build(
    const fs::path& raster, ProgressFeedback& progress, const OverviewBuildOptions& options)
{
    const std::string name = raster.string();
    if (options.minimumSize < 1)
        return Error(ErrorCode::InvalidArgument, "the minimum overview size must be positive")
            .withFile(name)
            .withDetail(std::to_string(options.minimumSize));
    if (progress.isCancelled())
        return Error(ErrorCode::Cancelled, "overview building cancelled").withFile(name);

    const fs::path target = raster.string() + ".ovr";
    int width = 0;
    int height = 0;
    {
        auto opened = openRasterDataset(raster);
        if (!opened)
            return opened.error();
        GDALDataset& dataset = **opened;
        width = dataset.GetRasterXSize();
        height = dataset.GetRasterYSize();
        std::error_code ec;
        const bool externalExists = fs::exists(target, ec);
        if (dataset.GetRasterBand(1)->GetOverviewCount() > 0 && !externalExists)
            return Error(
                ErrorCode::InvalidArgument, "the raster already has internal overviews; they are used as they are")
                .withFile(name)
                .withDetail(std::to_string(dataset.GetRasterBand(1)->GetOverviewCount()) + " level(s)");
        if (externalExists && !options.replaceExisting)
            return Error(ErrorCode::InvalidArgument, "external overviews already exist").withFile(target.string());
    }

    OverviewBuildReport report;
    report.factors = factorsFor(width, height, options.minimumSize);
    if (report.factors.empty()) {
        spdlog::info("raster '{}' ({} x {}) is small enough: no overviews needed", name, width, height);
        progress.setProgress(1.0);
        return report;
    }

    // The .ovr name is fixed by GDAL ("<dataset path>.ovr"), so GDAL builds for a temporary link to the
    // raster whose ".ovr" is exactly AtomicFile's temporary file: commit() renames it into place.
    auto output = AtomicFile::create(target);
    if (!output)
        return output.error().withFile(target.string());
    const std::string temporary = output->temporaryPath().string();
    const fs::path linkPath = temporary.substr(0, temporary.size() - std::string(".ovr").size());
    std::error_code ec;
    // GDAL must create the .ovr itself: an empty file there would be taken for a broken overview file.
    fs::remove(output->temporaryPath(), ec);
    fs::create_symlink(fs::absolute(raster, ec), linkPath, ec);
    if (ec)
        return Error(ErrorCode::PermissionDenied, "cannot create a temporary link next to the raster")
            .withFile(linkPath.string())
            .withDetail(ec.message());
    TemporaryLink link(linkPath);

    ProgressRange range(progress, 0.0, 1.0);
    {
        GdalErrorCapture errors;
        GDALDatasetH dataset
            = GDALOpenEx(linkPath.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
        if (!dataset)
            return Error(ErrorCode::Io, "cannot open the raster for building overviews")
                .withFile(name)
                .withDetail(errors.lastError());
        GdalDatasetPtr owned(GDALDataset::FromHandle(dataset));
        std::vector<int> factors = report.factors;
        const CPLErr built = GDALBuildOverviews(dataset, options.resampling.c_str(), static_cast<int>(factors.size()),
            factors.data(), 0, nullptr, gdalProgress, &range);
        if (progress.isCancelled())
            return Error(ErrorCode::Cancelled, "overview building cancelled").withFile(name);
        if (built != CE_None)
            return Error(ErrorCode::Io, "GDAL could not build the overviews")
                .withFile(name)
                .withDetail(errors.lastError());
        owned.reset(); // flushes and closes the .ovr
        if (!errors.lastError().empty())
            return Error(ErrorCode::Io, "GDAL could not write the overviews")
                .withFile(target.string())
                .withDetail(errors.lastError());
    }
    if (!fs::exists(output->temporaryPath(), ec))
        return Error(ErrorCode::Internal, "GDAL wrote no overview file").withFile(target.string());
    if (auto committed = output->commit(); !committed)
        return committed.error();
    report.overviewPath = target;
    range.setProgress(1.0);
    spdlog::info("built overviews {} of '{}' into '{}'", fmt::format("{}", fmt::join(report.factors, ", ")), name,
        target.string());
    return report;
}

} // namespace refermap::geo
