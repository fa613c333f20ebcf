#include "engine/mask_export.h"

#include "common/atomic_file.h"
#include "geo/crs_lookup.h"
#include "geo/gdal_environment.h"
#include "geo/gdal_progress.h"
#include "geo/mask_vectorizer.h"
#include "geo/vector_export.h"

#include <gdal_priv.h>
#include <gdal_utils.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

namespace refermap::engine {

namespace {

std::string lowerCase(std::string text)
{
    std::transform(
        text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

struct DatasetCloser {
    void operator()(GDALDatasetH dataset) const noexcept { GDALClose(dataset); }
};
using DatasetHandle = std::unique_ptr<void, DatasetCloser>;

struct MaskGrid {
    double pixelWidth = 1.0;
};

Result<MaskGrid> readGrid(const std::filesystem::path& maskPath)
{
    std::error_code status;
    if (!std::filesystem::is_regular_file(maskPath, status))
        return Error(ErrorCode::NotFound, "the mask raster does not exist").withFile(maskPath.string());
    CPLPushErrorHandler(CPLQuietErrorHandler);
    std::unique_ptr<GDALDataset> dataset(
        GDALDataset::Open(maskPath.string().c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    const std::string gdalMessage = CPLGetLastErrorMsg();
    CPLPopErrorHandler();
    if (!dataset)
        return Error(ErrorCode::InvalidData, "cannot open the mask raster")
            .withFile(maskPath.string())
            .withDetail(gdalMessage);
    std::array<double, 6> transform {0.0, 1.0, 0.0, 0.0, 0.0, 1.0};
    dataset->GetGeoTransform(transform.data()); // identity (pixels) when it has none
    MaskGrid grid;
    grid.pixelWidth = std::hypot(transform[1], transform[4]);
    if (!(grid.pixelWidth > 0))
        grid.pixelWidth = 1.0;
    return grid;
}

// Copies (or warps) the mask into `output.temporaryPath()` with a GDAL utility; GDAL's failure becomes an Error.
Result<void> copyMaskRaster(const ExportRequest& request, const std::filesystem::path& maskPath,
    const AtomicFile& output, ProgressFeedback& feedback)
{
    ProgressRange range(feedback, 0.0, 1.0);
    std::vector<std::string> arguments {"-of", "GTiff", "-co", "COMPRESS=DEFLATE", "-co", "TILED=YES"};
    if (request.epsg) // nearest neighbour keeps mask values; -overwrite replaces the empty temporary file
        arguments.insert(
            arguments.end(), {"-t_srs", "EPSG:" + std::to_string(*request.epsg), "-r", "near", "-overwrite"});
    std::vector<char*> argv;
    for (std::string& argument : arguments)
        argv.push_back(argument.data());
    argv.push_back(nullptr);

    CPLErrorReset();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    DatasetHandle source(GDALOpen(maskPath.string().c_str(), GA_ReadOnly));
    DatasetHandle result;
    int usageError = FALSE;
    if (source) {
        GDALDatasetH sources[] = {source.get()};
        if (request.epsg) {
            GDALWarpAppOptions* options = GDALWarpAppOptionsNew(argv.data(), nullptr);
            GDALWarpAppOptionsSetProgress(options, geo::gdalProgress, &range);
            result.reset(GDALWarp(output.temporaryPath().string().c_str(), nullptr, 1, sources, options, &usageError));
            GDALWarpAppOptionsFree(options);
        } else {
            GDALTranslateOptions* options = GDALTranslateOptionsNew(argv.data(), nullptr);
            GDALTranslateOptionsSetProgress(options, geo::gdalProgress, &range);
            result.reset(GDALTranslate(output.temporaryPath().string().c_str(), source.get(), options, &usageError));
            GDALTranslateOptionsFree(options);
        }
    }
    std::string gdalMessage = CPLGetLastErrorMsg();
    const bool produced = result != nullptr;
    CPLErrorReset();
    result.reset(); // closing writes the last blocks: before the rename, and its errors count
    const bool closeFailed = CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal;
    if (closeFailed)
        gdalMessage = CPLGetLastErrorMsg();
    const bool failed = !produced || closeFailed;
    CPLPopErrorHandler();
    if (!source)
        return Error(ErrorCode::InvalidData, "cannot open the mask raster")
            .withFile(maskPath.string())
            .withDetail(gdalMessage);
    if (feedback.isCancelled())
        return Error(ErrorCode::Cancelled, "the export was cancelled").withFile(request.output.string());
    if (failed)
        return Error(ErrorCode::Io, "cannot write the mask GeoTIFF")
            .withFile(request.output.string())
            .withDetail(gdalMessage);
    return {};
}

} // namespace

std::string suffixFor(MaskExportFormat format)
{
    switch (format) {
    case MaskExportFormat::GeoPackage:
        return ".gpkg";
    case MaskExportFormat::GeoJson:
        return ".geojson";
    case MaskExportFormat::Shapefile:
        return ".shp";
    case MaskExportFormat::MaskGeoTiff:
        return ".tif";
    }
    return {};
}

Result<std::size_t> runExport(
    const ExportRequest& request, const std::filesystem::path& maskPath, ProgressFeedback& feedback)
{
    geo::ensureGdalInitialised();
    if (request.output.empty())
        return Error(ErrorCode::InvalidArgument, "no output file was given");
    const std::string suffix = lowerCase(request.output.extension().string());
    const bool suffixFits = suffix == suffixFor(request.format)
        || (request.format == MaskExportFormat::GeoJson && suffix == ".json")
        || (request.format == MaskExportFormat::MaskGeoTiff && suffix == ".tiff");
    if (!suffixFits)
        return Error(ErrorCode::InvalidArgument, "the output file's extension does not fit the format")
            .withFile(request.output.string())
            .withDetail("expected " + suffixFor(request.format));
    if (request.epsg) {
        if (auto known = geo::lookupEpsg(*request.epsg); !known)
            return known.error();
        if (request.format == MaskExportFormat::GeoJson && *request.epsg != 4326)
            return Error(ErrorCode::InvalidArgument, "GeoJSON is always written in WGS 84 (EPSG:4326)")
                .withFile(request.output.string());
    }
    if (request.simplifyPixels < 0 || request.minAreaM2 < 0 || !std::isfinite(request.simplifyPixels)
        || !std::isfinite(request.minAreaM2))
        return Error(ErrorCode::InvalidArgument, "the simplification tolerance and minimum area must be 0 or more");
    auto grid = readGrid(maskPath);
    if (!grid)
        return grid.error();

    if (request.format == MaskExportFormat::MaskGeoTiff) {
        auto output = AtomicFile::create(request.output);
        if (!output)
            return output.error();
        if (auto copied = copyMaskRaster(request, maskPath, *output, feedback); !copied)
            return copied.error(); // the AtomicFile removes its temporary file
        if (auto committed = output->commit(); !committed)
            return committed.error();
        feedback.setProgress(1.0, "mask written");
        spdlog::info("exported the mask {} to {}", maskPath.string(), request.output.string());
        return std::size_t {0};
    }

    geo::VectorizeOptions vectorize;
    vectorize.minAreaM2 = request.minAreaM2;
    vectorize.simplifyTolerance = request.simplifyPixels * grid->pixelWidth;
    vectorize.query = request.query;
    vectorize.model = request.model;
    vectorize.runId = request.runId;
    geo::ExportOptions exportOptions;
    exportOptions.format = request.format == MaskExportFormat::GeoPackage ? "GPKG"
        : request.format == MaskExportFormat::GeoJson                     ? "GeoJSON"
                                                                          : "ESRI Shapefile";
    exportOptions.epsg = request.epsg;
    auto written = geo::vectorizeMaskToFile(maskPath, request.output, vectorize, exportOptions, &feedback);
    if (!written)
        return written.error();
    spdlog::info("exported {} polygons from {} to {}", *written, maskPath.string(), request.output.string());
    return *written;
}

} // namespace refermap::engine
