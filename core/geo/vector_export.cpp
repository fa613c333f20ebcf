#include "geo/vector_export.h"

#include "common/atomic_file.h"
#include "geo/gdal_dataset.h"
#include "geo/gdal_environment.h"
#include "geo/gdal_error_capture.h"
#include "geo/ogr_transaction.h"

#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <unistd.h>
#include <vector>

namespace refermap::geo {

namespace {

constexpr std::size_t kFeaturesPerTransaction = 10000;
// Shapefile sidecars written by GDAL next to the .shp (the .shp itself is the AtomicFile).
constexpr std::array<const char*, 4> kShapefileSidecars = {".shx", ".dbf", ".prj", ".cpg"};
// Indexes an older output may have; they would not match the new .shp.
constexpr std::array<const char*, 4> kStaleShapefileIndexes = {".qix", ".sbn", ".sbx", ".shp.xml"};

struct GeometryDeleter {
    void operator()(OGRGeometry* geometry) const noexcept { OGRGeometryFactory::destroyGeometry(geometry); }
};
using GeometryPtr = std::unique_ptr<OGRGeometry, GeometryDeleter>;

struct CoordinateTransformationDeleter {
    void operator()(OGRCoordinateTransformation* transformation) const noexcept
    {
        OGRCoordinateTransformation::DestroyCT(transformation);
    }
};
using CoordinateTransformationPtr = std::unique_ptr<OGRCoordinateTransformation, CoordinateTransformationDeleter>;

std::string lowercase(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

std::filesystem::path folderOf(const std::filesystem::path& path)
{
    return path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
}

std::filesystem::path withSuffix(const std::filesystem::path& shp, const char* suffix)
{
    std::filesystem::path result = shp;
    result.replace_extension(suffix);
    return result;
}

// Removes the sidecars GDAL wrote next to a temporary .shp unless released (after they were renamed).
class SidecarCleanup {
public:
    explicit SidecarCleanup(std::filesystem::path temporaryShp)
        : shp_(std::move(temporaryShp))
    { }
    SidecarCleanup(const SidecarCleanup&) = delete;
    SidecarCleanup& operator=(const SidecarCleanup&) = delete;
    ~SidecarCleanup()
    {
        if (shp_.empty())
            return;
        std::error_code ignored;
        for (const char* suffix : kShapefileSidecars)
            std::filesystem::remove(withSuffix(shp_, suffix), ignored);
        for (const char* suffix : kStaleShapefileIndexes)
            std::filesystem::remove(withSuffix(shp_, suffix), ignored);
    }
    void release() { shp_.clear(); }

private:
    std::filesystem::path shp_;
};

// The output CRS and the transformation into it (null when none is needed).
struct OutputCrs {
    std::unique_ptr<OGRSpatialReference> crs; // null: the layer has no CRS and none was asked for
    CoordinateTransformationPtr transformation;
    std::string name;
};

OutputCrs resolveOutputCrs(
    const std::string& crsWkt, const std::string& format, const ExportOptions& options, const std::string& file)
{
    OutputCrs output;
    std::unique_ptr<OGRSpatialReference> layerCrs;
    if (!crsWkt.empty()) {
        layerCrs = std::make_unique<OGRSpatialReference>();
        if (layerCrs->importFromWkt(crsWkt.c_str()) != OGRERR_NONE)
            throw Exception(Error(ErrorCode::InvalidData, "the layer's CRS is not valid WKT").withFile(file));
        layerCrs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    }

    std::optional<int> epsg = options.epsg;
    if (format == "GeoJSON") {
        if (epsg && *epsg != 4326)
            throw Exception(Error(ErrorCode::InvalidArgument, "GeoJSON output is always EPSG:4326 (RFC 7946)")
                                .withFile(file)
                                .withDetail("asked for EPSG:" + std::to_string(*epsg)));
        epsg = 4326;
    }
    if (!epsg) {
        output.crs = std::move(layerCrs);
        if (output.crs)
            output.name = output.crs->GetName() ? output.crs->GetName() : "the layer's CRS";
        return output;
    }

    output.name = "EPSG:" + std::to_string(*epsg);
    output.crs = std::make_unique<OGRSpatialReference>();
    {
        GdalErrorCapture errors;
        if (*epsg <= 0 || output.crs->importFromEPSG(*epsg) != OGRERR_NONE)
            throw Exception(Error(ErrorCode::InvalidArgument, "unknown output CRS " + output.name)
                                .withFile(file)
                                .withDetail(errors.lastError()));
    }
    output.crs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (!layerCrs)
        throw Exception(
            Error(ErrorCode::InvalidArgument, "the layer has no CRS, so it cannot be written in " + output.name)
                .withFile(file));
    if (!layerCrs->IsSame(output.crs.get())) {
        GdalErrorCapture errors;
        output.transformation.reset(OGRCreateCoordinateTransformation(layerCrs.get(), output.crs.get()));
        if (!output.transformation)
            throw Exception(Error(ErrorCode::InvalidArgument, "cannot transform the layer into " + output.name)
                                .withFile(file)
                                .withDetail(errors.lastError()));
    }
    return output;
}

Error folderError(const Error& cause, const std::filesystem::path& target)
{
    Error error(cause.code(), "cannot write into the output folder '" + folderOf(target).string() + "'");
    error = error.withFile(target.string());
    if (cause.detail())
        error = error.withDetail(*cause.detail());
    return error;
}

void syncFile(const std::filesystem::path& path)
{
    const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (descriptor >= 0) {
        ::fsync(descriptor);
        ::close(descriptor);
    }
}

void createFields(OGRLayer& layer, bool shapefile, const std::string& file)
{
    const int stringWidth = shapefile ? 254 : 0; // the Shapefile default (80) would cut long queries
    auto add = [&](const char* name, OGRFieldType type, OGRFieldSubType subType = OFSTNone) {
        OGRFieldDefn field(name, type);
        field.SetSubType(subType);
        if (type == OFTString && stringWidth > 0)
            field.SetWidth(stringWidth);
        GdalErrorCapture errors;
        if (layer.CreateField(&field) != OGRERR_NONE)
            throw Exception(Error(ErrorCode::Io, "cannot create a field")
                                .withFile(file)
                                .withKey(name)
                                .withDetail(errors.lastError()));
    };
    add("query", OFTString);
    add("score", OFTReal);
    add("area_m2", OFTReal);
    add(shapefile ? "perim_m" : "perimeter_m", OFTReal);
    add("model", OFTString);
    add("source", OFTString);
    add("run_id", OFTString);
    add("edited", OFTInteger, OFSTBoolean);
}

void writeFeatures(GDALDataset& dataset, OGRLayer& out, VectorFeatureSource& features, const OutputCrs& crs,
    bool multiPolygons, bool useTransactions, const std::string& file, ProgressRange& progress)
{
    const std::size_t total = features.featureCount();
    std::size_t index = 0;
    bool more = true;
    while (more) {
        std::optional<OgrTransaction> transaction;
        if (useTransactions) {
            auto begun = OgrTransaction::begin(dataset);
            if (!begun)
                throw Exception(begun.error().withFile(file));
            transaction.emplace(std::move(*begun));
        }
        for (std::size_t inBatch = 0; inBatch < kFeaturesPerTransaction; ++inBatch, ++index) {
            if (progress.isCancelled())
                throw Exception(Error(ErrorCode::Cancelled, "export cancelled; nothing was written").withFile(file));
            auto next = features.next();
            if (!next)
                throw Exception(next.error());
            if (!*next) {
                more = false;
                break;
            }
            const VectorFeature& source = **next;
            OGRGeometry* parsed = nullptr;
            if (OGRGeometryFactory::createFromWkb(source.wkb.data(), nullptr, &parsed, source.wkb.size())
                != OGRERR_NONE)
                throw Exception(Error(ErrorCode::InvalidData, "feature " + std::to_string(index) + " has invalid WKB")
                                    .withFile(file));
            GeometryPtr geometry(parsed);
            if (crs.transformation) {
                GdalErrorCapture errors;
                if (geometry->transform(crs.transformation.get()) != OGRERR_NONE)
                    throw Exception(Error(ErrorCode::InvalidArgument,
                        "feature " + std::to_string(index) + " cannot be transformed into " + crs.name)
                                        .withFile(file)
                                        .withDetail(errors.lastError()));
            }
            if (multiPolygons)
                geometry.reset(OGRGeometryFactory::forceToMultiPolygon(geometry.release()));

            OGRFeature feature(out.GetLayerDefn());
            feature.SetField(0, source.query.c_str());
            feature.SetField(1, source.score);
            feature.SetField(2, source.areaM2);
            feature.SetField(3, source.perimeterM);
            feature.SetField(4, source.model.c_str());
            feature.SetField(5, source.source.c_str());
            feature.SetField(6, source.runId.c_str());
            feature.SetField(7, source.edited ? 1 : 0);
            feature.SetGeometryDirectly(geometry.release());
            GdalErrorCapture errors;
            if (out.CreateFeature(&feature) != OGRERR_NONE)
                throw Exception(Error(ErrorCode::Io, "cannot write feature " + std::to_string(index))
                                    .withFile(file)
                                    .withDetail(errors.lastError()));
            if (total > 0)
                progress.setProgress(0.95 * static_cast<double>(index + 1) / static_cast<double>(total), "writing");
        }
        if (transaction) {
            if (auto committed = transaction->commit(); !committed)
                throw Exception(committed.error().withFile(file));
        }
    }
    if (progress.isCancelled())
        throw Exception(Error(ErrorCode::Cancelled, "export cancelled; nothing was written").withFile(file));
}

// Features of an in-memory layer, handed out in place.
class LayerFeatureSource final : public VectorFeatureSource {
public:
    explicit LayerFeatureSource(const VectorLayer& layer)
        : layer_(layer)
    { }
    std::string crsWkt() const override { return layer_.crsWkt; }
    std::size_t featureCount() const override { return layer_.features.size(); }
    bool hasMultiPolygons() const override
    {
        for (const VectorFeature& feature : layer_.features) {
            if (feature.wkb.size() >= 5) {
                const std::uint32_t type = feature.wkb[1] | (feature.wkb[2] << 8) | (feature.wkb[3] << 16)
                    | (static_cast<std::uint32_t>(feature.wkb[4]) << 24);
                if (type % 1000 == 6)
                    return true;
            }
        }
        return false;
    }
    Result<const VectorFeature*> next() override
    {
        if (index_ >= layer_.features.size())
            return static_cast<const VectorFeature*>(nullptr);
        return &layer_.features[index_++];
    }

private:
    const VectorLayer& layer_;
    std::size_t index_ = 0;
};

std::string formatFor(const std::filesystem::path& path, const ExportOptions& options)
{
    if (options.format.empty()) {
        auto fromPath = vectorFormatForPath(path);
        if (!fromPath)
            throw Exception(fromPath.error());
        return *fromPath;
    }
    if (options.format != "GPKG" && options.format != "GeoJSON" && options.format != "ESRI Shapefile")
        throw Exception(Error(ErrorCode::InvalidArgument,
            "unsupported vector format '" + options.format + "' (GPKG, GeoJSON or ESRI Shapefile)")
                            .withFile(path.string()));
    return options.format;
}

void checkFolder(const std::filesystem::path& path)
{
    const std::filesystem::path folder = folderOf(path);
    std::error_code ec;
    if (!std::filesystem::is_directory(folder, ec)) {
        const bool exists = std::filesystem::exists(folder, ec);
        throw Exception(Error(ErrorCode::NotFound,
            exists ? "the output folder '" + folder.string() + "' is not a folder"
                   : "the output folder '" + folder.string() + "' does not exist")
                            .withFile(path.string()));
    }
}

void exportImpl(VectorFeatureSource& features, const std::filesystem::path& path, const ExportOptions& options,
    ProgressRange& progress)
{
    const std::string file = path.string();
    const std::string format = formatFor(path, options);
    const bool shapefile = format == "ESRI Shapefile";
    const OutputCrs crs = resolveOutputCrs(features.crsWkt(), format, options, file);

    const std::filesystem::path folder = folderOf(path);
    std::error_code ec;
    checkFolder(path);
    auto created = AtomicFile::create(path);
    if (!created)
        throw Exception(folderError(created.error(), path));
    AtomicFile output = std::move(*created);
    const std::filesystem::path temporary = output.temporaryPath();
    std::filesystem::remove(temporary, ec); // the driver creates the file itself; the name stays ours
    SidecarCleanup sidecars(shapefile ? temporary : std::filesystem::path());

    const bool multiPolygons = features.hasMultiPolygons();

    {
        GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(format.c_str());
        if (!driver)
            throw Exception(Error(ErrorCode::Unsupported, "this GDAL has no " + format + " driver").withFile(file));
        GdalErrorCapture errors;
        GdalDatasetPtr dataset(driver->Create(temporary.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        if (!dataset)
            throw Exception(Error(ErrorCode::Io, "cannot create the output in folder '" + folder.string() + "'")
                                .withFile(file)
                                .withDetail(errors.lastError()));
        char** layerOptions = nullptr;
        if (format == "GeoJSON")
            layerOptions = CSLSetNameValue(layerOptions, "RFC7946", "YES");
        if (shapefile)
            layerOptions = CSLSetNameValue(layerOptions, "ENCODING", "UTF-8");
        const std::string layerName = options.layerName.empty() ? path.stem().string() : options.layerName;
        OGRLayer* out = dataset->CreateLayer(
            layerName.c_str(), crs.crs.get(), multiPolygons ? wkbMultiPolygon : wkbPolygon, layerOptions);
        CSLDestroy(layerOptions);
        if (!out)
            throw Exception(
                Error(ErrorCode::Io, "cannot create the output layer").withFile(file).withDetail(errors.lastError()));
        createFields(*out, shapefile, file);
        writeFeatures(*dataset, *out, features, crs, multiPolygons, format == "GPKG", file, progress);

        GdalErrorCapture closeErrors;
        dataset.reset(); // flushes; GDAL 3.6's close reports failures only through the error handler
        if (!closeErrors.lastError().empty())
            throw Exception(
                Error(ErrorCode::Io, "cannot finish the output").withFile(file).withDetail(closeErrors.lastError()));
    }
    if (progress.isCancelled())
        throw Exception(Error(ErrorCode::Cancelled, "export cancelled; nothing was written").withFile(file));

    if (shapefile) {
        for (const char* suffix : kShapefileSidecars) {
            const std::filesystem::path from = withSuffix(temporary, suffix);
            if (!std::filesystem::exists(from, ec))
                continue;
            syncFile(from);
            std::filesystem::rename(from, withSuffix(path, suffix), ec);
            if (ec)
                throw Exception(Error(ErrorCode::Io, "cannot move the finished output into place")
                                    .withFile(withSuffix(path, suffix).string())
                                    .withDetail(ec.message()));
        }
    }
    if (auto committed = output.commit(); !committed)
        throw Exception(committed.error());
    if (shapefile) {
        sidecars.release();
        for (const char* suffix : kStaleShapefileIndexes)
            std::filesystem::remove(withSuffix(path, suffix), ec);
    }
    progress.setProgress(1.0);
    spdlog::debug("export: {} feature(s) written to {} ({})", features.featureCount(), file, format);
}

} // namespace

Result<std::string> vectorFormatForPath(const std::filesystem::path& path)
{
    const std::string extension = lowercase(path.extension().string());
    if (extension == ".gpkg")
        return std::string("GPKG");
    if (extension == ".geojson" || extension == ".json")
        return std::string("GeoJSON");
    if (extension == ".shp")
        return std::string("ESRI Shapefile");
    return Error(
        ErrorCode::InvalidArgument, "unknown vector format '" + extension + "' (use .gpkg, .geojson, .json or .shp)")
        .withFile(path.string());
}

Result<void> exportLayer(const VectorLayer& layer, const std::filesystem::path& path, const ExportOptions& options,
    ProgressFeedback* feedback)
{
    ensureGdalInitialised();
    ProgressFeedback localFeedback;
    ProgressFeedback& used = feedback ? *feedback : localFeedback;
    ProgressRange range(used, 0.0, 1.0);
    LayerFeatureSource features(layer);
    return captureErrors([&] { exportImpl(features, path, options, range); });
}

Result<void> exportFeatures(VectorFeatureSource& features, const std::filesystem::path& path,
    const ExportOptions& options, ProgressRange& progress)
{
    ensureGdalInitialised();
    return captureErrors([&] { exportImpl(features, path, options, progress); });
}

Result<void> checkExportTarget(
    const std::string& crsWkt, const std::filesystem::path& path, const ExportOptions& options)
{
    ensureGdalInitialised();
    return captureErrors([&] {
        const std::string format = formatFor(path, options);
        resolveOutputCrs(crsWkt, format, options, path.string());
        checkFolder(path);
        auto probe = AtomicFile::create(path); // removed again when `probe` goes out of scope
        if (!probe)
            throw Exception(folderError(probe.error(), path));
    });
}

void removeExportedLayer(const std::filesystem::path& path)
{
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    if (lowercase(path.extension().string()) != ".shp")
        return;
    for (const char* suffix : kShapefileSidecars)
        std::filesystem::remove(withSuffix(path, suffix), ignored);
}

} // namespace refermap::geo
