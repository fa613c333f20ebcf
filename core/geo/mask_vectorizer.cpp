#include "geo/mask_vectorizer.h"

#include "geo/gdal_dataset.h"
#include "geo/gdal_environment.h"
#include "geo/gdal_error_capture.h"
#include "geo/gdal_progress.h"
#include "geo/ogr_transaction.h"
#include "geo/vector_export.h"

#include <gdal_alg.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <unistd.h>
#include <unordered_map>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <utility>

namespace refermap::geo {

namespace {

constexpr std::size_t kChunkBytes = 8u << 20; // source rows read at a time, as doubles

struct GeometryDeleter {
    void operator()(OGRGeometry* geometry) const noexcept { OGRGeometryFactory::destroyGeometry(geometry); }
};
using GeometryPtr = std::unique_ptr<OGRGeometry, GeometryDeleter>;

struct FeatureDeleter {
    void operator()(OGRFeature* feature) const noexcept { OGRFeature::DestroyFeature(feature); }
};
using FeaturePtr = std::unique_ptr<OGRFeature, FeatureDeleter>;

struct CoordinateTransformationDeleter {
    void operator()(OGRCoordinateTransformation* transformation) const noexcept
    {
        OGRCoordinateTransformation::DestroyCT(transformation);
    }
};
using CoordinateTransformationPtr = std::unique_ptr<OGRCoordinateTransformation, CoordinateTransformationDeleter>;

// How raster values are read: which are foreground, how a value maps to a 0..1 probability.
struct ValueRule {
    double threshold = 0.5;
    double scale = 1.0; // probability = value / scale
    bool hasNodata = false;
    double nodata = 0.0;

    bool valid(double value) const { return !std::isnan(value) && !(hasNodata && value == nodata); }
};

double integerTypeMaximum(GDALDataType type)
{
    switch (type) {
    case GDT_Byte:
        return 255.0;
    case GDT_UInt16:
        return 65535.0;
    case GDT_Int16:
        return 32767.0;
    case GDT_UInt32:
        return 4294967295.0;
    case GDT_Int32:
        return 2147483647.0;
    default:
        return 255.0;
    }
}

// Reads band 1 in chunks of whole rows as doubles: callback(firstRow, rowCount, values).
class RowChunkReader {
public:
    RowChunkReader(GDALRasterBand& band, std::string file)
        : band_(band)
        , file_(std::move(file))
        , width_(band.GetXSize())
        , height_(band.GetYSize())
    {
        const std::size_t rowBytes = static_cast<std::size_t>(std::max(width_, 1)) * sizeof(double);
        chunkRows_
            = static_cast<int>(std::clamp<std::size_t>(kChunkBytes / rowBytes, 1, static_cast<std::size_t>(height_)));
    }

    int chunkRows() const { return chunkRows_; }

    // Throws refermap::Exception on a read failure or cancel; `range` gets progress per chunk.
    void forEach(ProgressRange& range, const std::function<void(int, int, const std::vector<double>&)>& callback)
    {
        std::vector<double> values;
        for (int row = 0; row < height_; row += chunkRows_) {
            range.throwIfCancelled();
            const int rows = std::min(chunkRows_, height_ - row);
            values.resize(static_cast<std::size_t>(width_) * static_cast<std::size_t>(rows));
            GdalErrorCapture errors;
            if (band_.RasterIO(GF_Read, 0, row, width_, rows, values.data(), width_, rows, GDT_Float64, 0, 0, nullptr)
                != CE_None) {
                throw Exception(Error(ErrorCode::Io, "cannot read the raster (truncated or corrupt file?)")
                                    .withFile(file_)
                                    .withBand(1)
                                    .withDetail("rows " + std::to_string(row) + "-" + std::to_string(row + rows - 1)
                                        + ": " + errors.lastError()));
            }
            callback(row, rows, values);
            range.setProgress(static_cast<double>(row + rows) / height_);
        }
    }

private:
    GDALRasterBand& band_;
    std::string file_;
    int width_;
    int height_;
    int chunkRows_ = 1;
};

ValueRule chooseValueRule(
    GDALRasterBand& band, RowChunkReader& reader, ProgressRange& range, const VectorizeOptions& options)
{
    ValueRule rule;
    int hasNodata = FALSE;
    const double nodata = band.GetNoDataValue(&hasNodata);
    rule.hasNodata = hasNodata != FALSE;
    rule.nodata = nodata;

    const GDALDataType type = band.GetRasterDataType();
    if (GDALDataTypeIsFloating(type)) {
        rule.scale = 1.0;
        rule.threshold = 0.5;
    } else {
        double maximum = -std::numeric_limits<double>::infinity();
        reader.forEach(range, [&](int, int, const std::vector<double>& values) {
            for (double value : values) {
                if (rule.valid(value))
                    maximum = std::max(maximum, value);
            }
        });
        if (maximum <= 1.0) {
            rule.scale = 1.0;
            rule.threshold = 1.0;
        } else {
            rule.scale = integerTypeMaximum(type);
            rule.threshold = std::ceil(rule.scale / 2.0);
        }
    }
    if (options.threshold)
        rule.threshold = *options.threshold;
    spdlog::debug("vectorize: threshold {} (value >= threshold is foreground), probability = value / {}",
        rule.threshold, rule.scale);
    return rule;
}

// Ground area (m²) and ring length (m) of polygons in the layer's CRS.
class GroundMeasure {
public:
    explicit GroundMeasure(const OGRSpatialReference* crs)
    {
        if (!crs)
            return;
        crs_.reset(crs->Clone());
        crs_->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        geographic_ = crs_->IsGeographic() != FALSE;
        if (!geographic_ && crs_->IsProjected())
            metresPerUnit_ = crs_->GetLinearUnits();
    }

    // {area m², perimeter m}. Throws refermap::Exception when a geographic polygon cannot be projected.
    std::pair<double, double> measure(const OGRGeometry& geometry)
    {
        if (!geographic_) {
            return {areaOf(geometry) * metresPerUnit_ * metresPerUnit_, ringLength(geometry) * metresPerUnit_};
        }
        OGREnvelope envelope;
        geometry.getEnvelope(&envelope);
        // Equal-area everywhere, so the area is exact wherever the centre is; the perimeter's scale error
        // is ~1e-5 within a 1° cell, so one projection per cell is reused.
        const int lonCell = static_cast<int>(std::floor((envelope.MinX + envelope.MaxX) / 2.0));
        const int latCell = static_cast<int>(std::floor((envelope.MinY + envelope.MaxY) / 2.0));
        OGRCoordinateTransformation& transformation = equalAreaFor(lonCell, latCell);
        GeometryPtr projected(geometry.clone());
        if (projected->transform(&transformation) != OGRERR_NONE)
            throw Exception(Error(ErrorCode::InvalidData, "cannot project a polygon to measure its area"));
        return {areaOf(*projected), ringLength(*projected)};
    }

private:
    static double areaOf(const OGRGeometry& geometry)
    {
        return OGR_G_Area(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(&geometry)));
    }

    static double ringLength(const OGRGeometry& geometry)
    {
        double length = 0.0;
        const OGRwkbGeometryType type = wkbFlatten(geometry.getGeometryType());
        if (type == wkbPolygon) {
            for (const OGRLinearRing* ring : *geometry.toPolygon())
                length += ring->get_Length();
        } else if (type == wkbMultiPolygon || type == wkbGeometryCollection) {
            for (const OGRGeometry* part : *geometry.toGeometryCollection())
                length += ringLength(*part);
        }
        return length;
    }

    OGRCoordinateTransformation& equalAreaFor(int lonCell, int latCell)
    {
        const auto key = std::make_pair(lonCell, latCell);
        auto found = transformations_.find(key);
        if (found != transformations_.end())
            return *found->second;
        OGRSpatialReference equalArea;
        equalArea.CopyGeogCSFrom(crs_.get());
        equalArea.SetLAEA(std::clamp(latCell + 0.5, -90.0, 90.0), lonCell + 0.5, 0.0, 0.0);
        equalArea.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        GdalErrorCapture errors;
        CoordinateTransformationPtr transformation(OGRCreateCoordinateTransformation(crs_.get(), &equalArea));
        if (!transformation)
            throw Exception(Error(ErrorCode::Internal, "cannot create an equal-area projection to measure areas")
                                .withDetail(errors.lastError()));
        return *transformations_.emplace(key, std::move(transformation)).first->second;
    }

    std::unique_ptr<OGRSpatialReference> crs_;
    bool geographic_ = false;
    double metresPerUnit_ = 1.0;
    std::map<std::pair<int, int>, CoordinateTransformationPtr> transformations_;
};

// Simplifies with SimplifyPreserveTopology and repairs the rare invalid result; falls back to the
// unsimplified polygon when GEOS gives nothing usable.
GeometryPtr simplify(const OGRGeometry& geometry, double tolerance)
{
    GdalErrorCapture errors;
    GeometryPtr simplified(geometry.SimplifyPreserveTopology(tolerance));
    if (simplified && !simplified->IsEmpty() && !simplified->IsValid()) {
        GeometryPtr repaired(simplified->MakeValid());
        const auto type = repaired ? wkbFlatten(repaired->getGeometryType()) : wkbUnknown;
        if (type == wkbPolygon || type == wkbMultiPolygon)
            simplified = std::move(repaired);
    }
    if (!simplified || simplified->IsEmpty()) {
        spdlog::debug("vectorize: simplification failed, polygon kept as is: {}", errors.lastError());
        return GeometryPtr(geometry.clone());
    }
    return simplified;
}

// Band 1 of a ThresholdDataset: Byte 1 where the source pixel is foreground, 0 elsewhere, computed
// from the source one block (a few full-width rows) at a time when GDAL reads it, so the thresholded
// mask is never stored whole (only the GDAL block cache holds recent blocks). The first read failure
// is kept as a refermap::Error, because GDALPolygonize only reports that it failed.
class ThresholdBand final : public GDALRasterBand {
public:
    ThresholdBand(GDALDataset* owner, GDALRasterBand& source, const ValueRule& rule, std::string file)
        : source_(source)
        , rule_(rule)
        , file_(std::move(file))
    {
        poDS = owner;
        nBand = 1;
        eDataType = GDT_Byte;
        nRasterXSize = source.GetXSize();
        nRasterYSize = source.GetYSize();
        nBlockXSize = nRasterXSize;
        // About 1 MiB of doubles per block: small next to the 64 MiB block cache at any width.
        nBlockYSize = std::clamp(static_cast<int>((1u << 20) / (sizeof(double) * std::max(nRasterXSize, 1))), 1,
            std::max(nRasterYSize, 1));
    }

    const std::optional<Error>& readError() const { return readError_; }

protected:
    CPLErr IReadBlock(int, int blockRow, void* data) override
    {
        const int firstRow = blockRow * nBlockYSize;
        const int rows = std::min(nBlockYSize, nRasterYSize - firstRow);
        auto* out = static_cast<GByte*>(data);
        std::fill(out, out + static_cast<std::size_t>(nBlockXSize) * nBlockYSize, GByte {0});
        values_.resize(static_cast<std::size_t>(nRasterXSize) * static_cast<std::size_t>(rows));
        GdalErrorCapture errors;
        if (source_.RasterIO(GF_Read, 0, firstRow, nRasterXSize, rows, values_.data(), nRasterXSize, rows,
                GDT_Float64, 0, 0, nullptr)
            != CE_None) {
            if (!readError_)
                readError_ = Error(ErrorCode::Io, "cannot read the raster (truncated or corrupt file?)")
                                 .withFile(file_)
                                 .withBand(1)
                                 .withDetail("rows " + std::to_string(firstRow) + "-"
                                     + std::to_string(firstRow + rows - 1) + ": " + errors.lastError());
            CPLError(CE_Failure, CPLE_FileIO, "cannot read rows %d-%d", firstRow, firstRow + rows - 1);
            return CE_Failure;
        }
        for (std::size_t i = 0; i < values_.size(); ++i)
            out[i] = rule_.valid(values_[i]) && values_[i] >= rule_.threshold ? 1 : 0;
        return CE_None;
    }

private:
    GDALRasterBand& source_;
    ValueRule rule_;
    std::string file_;
    std::vector<double> values_;
    std::optional<Error> readError_;
};

// A one-band dataset around a ThresholdBand, in the source's pixel grid.
class ThresholdDataset final : public GDALDataset {
public:
    ThresholdDataset(GDALRasterBand& source, const ValueRule& rule, const std::string& file,
        const std::array<double, 6>& geoTransform)
        : geoTransform_(geoTransform)
    {
        nRasterXSize = source.GetXSize();
        nRasterYSize = source.GetYSize();
        band_ = new ThresholdBand(this, source, rule, file);
        SetBand(1, band_); // owned by the dataset
    }
    ~ThresholdDataset() override { FlushCache(true); }

    ThresholdBand& band() { return *band_; }

    // GDALPolygonize maps pixel edges to coordinates with this.
    CPLErr GetGeoTransform(double* transform) override
    {
        std::copy(geoTransform_.begin(), geoTransform_.end(), transform);
        return CE_None;
    }

private:
    ThresholdBand* band_ = nullptr;
    std::array<double, 6> geoTransform_;
};

// A GeoPackage for intermediate features; the file (and SQLite's side files) are removed on
// destruction, so no exit path leaves it behind. Written without journal or fsync: it is scratch.
class TemporaryGeoPackage {
public:
    explicit TemporaryGeoPackage(std::filesystem::path path)
        : path_(std::move(path))
    {
        GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
        if (!driver)
            throw Exception(Error(ErrorCode::Unsupported, "this GDAL has no GPKG driver"));
        GdalErrorCapture errors;
        dataset_.reset(driver->Create(path_.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        if (!dataset_)
            throw Exception(Error(ErrorCode::Io, "cannot create a temporary GeoPackage for the polygons")
                                .withFile(path_.string())
                                .withDetail(errors.lastError()));
        dataset_->ExecuteSQL("PRAGMA synchronous = OFF", nullptr, nullptr);
        dataset_->ExecuteSQL("PRAGMA journal_mode = OFF", nullptr, nullptr);
    }
    TemporaryGeoPackage(const TemporaryGeoPackage&) = delete;
    TemporaryGeoPackage& operator=(const TemporaryGeoPackage&) = delete;
    ~TemporaryGeoPackage()
    {
        {
            GdalErrorCapture ignored; // a scratch file about to be deleted: closing complaints do not matter
            dataset_.reset();
        }
        std::error_code ignored;
        for (const char* suffix : {"", "-journal", "-wal", "-shm"})
            std::filesystem::remove(path_.string() + suffix, ignored);
    }

    GDALDataset& dataset() { return *dataset_; }

    // A unique hidden name in `folder` for the temporary GeoPackage of `stem`.
    static std::filesystem::path nameIn(const std::filesystem::path& folder, const std::string& stem)
    {
        static std::atomic<unsigned> counter {0};
        return folder
            / ("." + stem + ".vectorize-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".gpkg");
    }

private:
    std::filesystem::path path_;
    GdalDatasetPtr dataset_;
};

OGRLayer& createLayer(GDALDataset& dataset, const char* name, OGRwkbGeometryType type,
    const std::vector<std::pair<const char*, OGRFieldType>>& fields)
{
    GdalErrorCapture errors;
    char** layerOptions = CSLSetNameValue(nullptr, "SPATIAL_INDEX", "YES");
    OGRLayer* layer = dataset.CreateLayer(name, nullptr, type, layerOptions);
    CSLDestroy(layerOptions);
    if (!layer)
        throw Exception(
            Error(ErrorCode::Io, "cannot create a temporary polygon layer").withDetail(errors.lastError()));
    for (const auto& [fieldName, fieldType] : fields) {
        OGRFieldDefn field(fieldName, fieldType);
        if (layer->CreateField(&field) != OGRERR_NONE)
            throw Exception(Error(ErrorCode::Io, "cannot create a temporary field")
                                .withKey(fieldName)
                                .withDetail(errors.lastError()));
    }
    layer->SyncToDisk(); // creates the table now, not in a transaction a cancel may roll back
    return *layer;
}

void commitOrThrow(std::optional<OgrTransaction>& transaction, const std::string& file)
{
    if (transaction) {
        if (auto committed = transaction->commit(); !committed)
            throw Exception(committed.error().withFile(file));
        transaction.reset();
    }
}

OgrTransaction beginOrThrow(GDALDataset& dataset, const std::string& file)
{
    auto begun = OgrTransaction::begin(dataset);
    if (!begun)
        throw Exception(begun.error().withFile(file));
    return std::move(*begun);
}

// Scores every region of `regions` (field 0 "value", field 1 "score"): a sweep over row chunks burns
// the regions meeting each chunk (spatial index) into a label buffer and sums the source values under
// each label; a region is final once a chunk no longer meets it (regions are connected, so their
// bounding boxes are runs of rows), and its score is written back then. Only regions meeting the
// current chunk are in memory.
void scoreRegions(GDALRasterBand& band, RowChunkReader& reader, const ValueRule& rule,
    const std::array<double, 6>& geoTransform, GDALDataset& store, OGRLayer& regions, const std::string& file,
    ProgressRange& range)
{
    struct Sum {
        double sum = 0.0;
        std::size_t count = 0;
        bool seen = false;
    };
    std::unordered_map<GIntBig, Sum> open;
    const int width = band.GetXSize();
    GDALDriver* memory = GetGDALDriverManager()->GetDriverByName("MEM");
    const int scoreField = 1;

    auto writeScores = [&](bool all) {
        std::optional<OgrTransaction> transaction(beginOrThrow(store, file));
        for (auto position = open.begin(); position != open.end();) {
            if (!all && position->second.seen) {
                position->second.seen = false;
                ++position;
                continue;
            }
            FeaturePtr feature(regions.GetFeature(position->first));
            if (!feature)
                throw Exception(Error(ErrorCode::Internal, "a temporary polygon disappeared").withFile(file));
            const Sum& sum = position->second;
            feature->SetField(scoreField, sum.count > 0 ? sum.sum / static_cast<double>(sum.count) : 0.0);
            GdalErrorCapture errors;
            if (regions.SetFeature(feature.get()) != OGRERR_NONE)
                throw Exception(Error(ErrorCode::Io, "cannot store a polygon's score")
                                    .withFile(file)
                                    .withDetail(errors.lastError()));
            position = open.erase(position);
        }
        commitOrThrow(transaction, file);
    };

    reader.forEach(range, [&](int firstRow, int rows, const std::vector<double>& values) {
        std::array<double, 6> chunkTransform = geoTransform;
        chunkTransform[0] += firstRow * geoTransform[2];
        chunkTransform[3] += firstRow * geoTransform[5];
        OGREnvelope chunk;
        for (const auto& [px, py] : {std::pair {0, 0}, {width, 0}, {0, rows}, {width, rows}}) {
            const double x = chunkTransform[0] + px * chunkTransform[1] + py * chunkTransform[2];
            const double y = chunkTransform[3] + px * chunkTransform[4] + py * chunkTransform[5];
            chunk.Merge(x, y);
        }
        regions.SetSpatialFilterRect(chunk.MinX, chunk.MinY, chunk.MaxX, chunk.MaxY);
        regions.ResetReading();
        std::vector<GeometryPtr> polygons;
        std::vector<OGRGeometryH> geometries;
        std::vector<double> burnValues;
        while (FeaturePtr feature {regions.GetNextFeature()}) {
            GeometryPtr polygon(feature->StealGeometry());
            if (!polygon || polygon->IsEmpty())
                continue;
            open[feature->GetFID()].seen = true;
            geometries.push_back(OGRGeometry::ToHandle(polygon.get()));
            burnValues.push_back(static_cast<double>(feature->GetFID()));
            polygons.push_back(std::move(polygon));
        }
        regions.SetSpatialFilter(nullptr);
        if (!geometries.empty()) {
            GdalDatasetPtr labels(memory->Create("", width, rows, 1, GDT_Int32, nullptr));
            if (!labels)
                throw Exception(Error(ErrorCode::Internal, "cannot allocate a label buffer"));
            labels->SetGeoTransform(chunkTransform.data());
            int bandList = 1;
            GdalErrorCapture errors;
            if (GDALRasterizeGeometries(GDALDataset::ToHandle(labels.get()), 1, &bandList,
                    static_cast<int>(geometries.size()), geometries.data(), nullptr, nullptr, burnValues.data(),
                    nullptr, nullptr, nullptr)
                != CE_None)
                throw Exception(Error(ErrorCode::Internal, "cannot rasterise polygons to score them")
                                    .withDetail(errors.lastError()));
            std::vector<std::int32_t> label(static_cast<std::size_t>(width) * static_cast<std::size_t>(rows));
            if (labels->GetRasterBand(1)->RasterIO(
                    GF_Read, 0, 0, width, rows, label.data(), width, rows, GDT_Int32, 0, 0, nullptr)
                != CE_None)
                throw Exception(Error(ErrorCode::Internal, "cannot read the label buffer"));
            GIntBig lastLabel = 0;
            Sum* last = nullptr;
            for (std::size_t p = 0; p < label.size(); ++p) {
                if (label[p] > 0 && rule.valid(values[p])) {
                    if (label[p] != lastLabel) {
                        lastLabel = label[p];
                        last = &open[lastLabel];
                    }
                    last->sum += values[p] / rule.scale;
                    ++last->count;
                }
            }
        }
        writeScores(false);
    });
    writeScores(true);
}

// Shapes one region: minimum area, simplification, measurements. False when the region is dropped.
bool shapeRegion(OGRFeature& region, const VectorizeOptions& options, GroundMeasure& measure,
    const std::string& source, VectorFeature& out, bool& multiPolygon)
{
    GeometryPtr polygon(region.StealGeometry());
    if (!polygon || polygon->IsEmpty())
        return false;
    if (options.minAreaM2 > 0 && measure.measure(*polygon).first < options.minAreaM2)
        return false;
    GeometryPtr shaped = options.simplifyTolerance > 0 ? simplify(*polygon, options.simplifyTolerance)
                                                       : std::move(polygon);
    const auto [area, perimeter] = measure.measure(*shaped);
    multiPolygon = wkbFlatten(shaped->getGeometryType()) != wkbPolygon;
    out.wkb.resize(static_cast<std::size_t>(shaped->WkbSize()));
    shaped->exportToWkb(wkbNDR, out.wkb.data(), wkbVariantIso);
    out.query = options.query;
    out.score = region.GetFieldAsDouble(1);
    out.areaM2 = area;
    out.perimeterM = perimeter;
    out.model = options.model;
    out.source = source;
    out.runId = options.runId;
    out.edited = options.edited;
    return true;
}

// The finished features of a temporary layer (geometry + score, area_m2, perimeter_m), read back one
// at a time for the export; the provenance attributes are the same on every feature.
class StoredFeatureSource final : public VectorFeatureSource {
public:
    StoredFeatureSource(OGRLayer& layer, std::string crsWkt, bool multiPolygons, const VectorizeOptions& options,
        std::string source)
        : layer_(layer)
        , crsWkt_(std::move(crsWkt))
        , multiPolygons_(multiPolygons)
        , count_(static_cast<std::size_t>(std::max<GIntBig>(0, layer.GetFeatureCount())))
    {
        current_.query = options.query;
        current_.model = options.model;
        current_.source = std::move(source);
        current_.runId = options.runId;
        current_.edited = options.edited;
        layer_.ResetReading();
    }

    std::string crsWkt() const override { return crsWkt_; }
    std::size_t featureCount() const override { return count_; }
    bool hasMultiPolygons() const override { return multiPolygons_; }
    Result<const VectorFeature*> next() override
    {
        FeaturePtr feature(layer_.GetNextFeature());
        if (!feature)
            return static_cast<const VectorFeature*>(nullptr);
        const OGRGeometry* geometry = feature->GetGeometryRef();
        if (!geometry)
            return Error(ErrorCode::Internal, "a temporary feature lost its geometry");
        current_.wkb.resize(static_cast<std::size_t>(geometry->WkbSize()));
        geometry->exportToWkb(wkbNDR, current_.wkb.data(), wkbVariantIso);
        current_.score = feature->GetFieldAsDouble(0);
        current_.areaM2 = feature->GetFieldAsDouble(1);
        current_.perimeterM = feature->GetFieldAsDouble(2);
        return &current_;
    }

private:
    OGRLayer& layer_;
    std::string crsWkt_;
    bool multiPolygons_;
    std::size_t count_;
    VectorFeature current_;
};

// The opened, checked mask raster.
struct MaskRaster {
    GdalDatasetPtr dataset;
    GDALRasterBand* band = nullptr;
    std::array<double, 6> geoTransform {0.0, 1.0, 0.0, 0.0, 0.0, 1.0};
    std::string crsWkt;
};

MaskRaster openMask(const std::filesystem::path& path, const VectorizeOptions& options)
{
    const std::string file = path.string();
    auto opened = openRasterDataset(path);
    if (!opened)
        throw Exception(opened.error());
    MaskRaster mask;
    mask.dataset = std::move(*opened);
    GDALDataset& source = *mask.dataset;
    if (source.GetRasterCount() != 1)
        throw Exception(Error(ErrorCode::InvalidData, "expected a single-band mask or probability raster")
                            .withFile(file)
                            .withDetail("the raster has " + std::to_string(source.GetRasterCount()) + " bands"));
    mask.band = source.GetRasterBand(1);
    if (GDALDataTypeIsComplex(mask.band->GetRasterDataType()))
        throw Exception(
            Error(ErrorCode::Unsupported, "complex pixel values cannot be thresholded").withFile(file).withBand(1));
    if (options.minAreaM2 < 0 || options.simplifyTolerance < 0 || (options.threshold && std::isnan(*options.threshold)))
        throw Exception(Error(ErrorCode::InvalidArgument,
            "minimum area, simplification tolerance and threshold "
            "must be non-negative numbers"));
    source.GetGeoTransform(mask.geoTransform.data()); // keeps the identity when the raster has none
    if (const OGRSpatialReference* crs = source.GetSpatialRef()) {
        char* wkt = nullptr;
        const char* wktOptions[] = {"FORMAT=WKT2_2019", nullptr};
        crs->exportToWkt(&wkt, wktOptions);
        mask.crsWkt = wkt ? wkt : "";
        CPLFree(wkt);
    }
    return mask;
}

// Steps 1-3 of the vectoriser (see the header) over `progress` [0, 1] of `range`: the scored regions
// end up in `store`'s layer "regions"; `shapeEach` then gets every kept region, in polygonize order.
void vectorizeRegions(const std::filesystem::path& path, MaskRaster& mask, const VectorizeOptions& options,
    TemporaryGeoPackage& store, ProgressFeedback& feedback, double end,
    const std::function<void(OGRFeature&)>& eachRegion)
{
    const std::string file = path.string();
    GDALRasterBand& band = *mask.band;
    RowChunkReader reader(band, file);
    auto at = [end](double fraction) { return fraction * end; };
    ProgressRange rangeRule(feedback, at(0.0), at(0.1));
    const ValueRule rule = chooseValueRule(band, reader, rangeRule, options);

    // 1. Polygonize the thresholded band, which is its own mask (background gives no polygons).
    OGRLayer& regions = createLayer(store.dataset(), "regions", wkbPolygon, {{"value", OFTInteger}, {"score", OFTReal}});
    {
        ThresholdDataset threshold(band, rule, file, mask.geoTransform);
        ProgressRange rangePolygonize(feedback, at(0.1), at(0.5));
        std::optional<OgrTransaction> transaction(beginOrThrow(store.dataset(), file));
        char** polygonizeOptions = CSLSetNameValue(nullptr, "8CONNECTED", "8");
        GdalErrorCapture errors;
        GDALRasterBandH thresholdBand = GDALRasterBand::ToHandle(&threshold.band());
        const CPLErr result = GDALPolygonize(thresholdBand, thresholdBand, OGRLayer::ToHandle(&regions), 0,
            polygonizeOptions, gdalProgress, &rangePolygonize);
        CSLDestroy(polygonizeOptions);
        feedback.throwIfCancelled();
        if (threshold.band().readError())
            throw Exception(*threshold.band().readError());
        if (result != CE_None)
            throw Exception(Error(ErrorCode::Internal, "polygonizing the mask failed")
                                .withFile(file)
                                .withDetail(errors.lastError()));
        commitOrThrow(transaction, file);
    }

    // 2. Scores from the source values under the (unsimplified) regions.
    ProgressRange rangeScore(feedback, at(0.5), at(0.75));
    scoreRegions(band, reader, rule, mask.geoTransform, store.dataset(), regions, file, rangeScore);

    // 3. Every region, in polygonize order, to the caller.
    ProgressRange rangeShape(feedback, at(0.75), at(1.0));
    const double regionCount = std::max<double>(1.0, static_cast<double>(regions.GetFeatureCount()));
    regions.ResetReading();
    std::size_t seen = 0;
    while (FeaturePtr region {regions.GetNextFeature()}) {
        if (++seen % 256 == 0) {
            feedback.throwIfCancelled();
            rangeShape.setProgress(static_cast<double>(seen) / regionCount, "shaping polygons");
        }
        eachRegion(*region);
    }
    feedback.throwIfCancelled();
}

VectorLayer vectorize(const std::filesystem::path& path, const VectorizeOptions& options, ProgressFeedback& feedback)
{
    const std::string file = path.string();
    MaskRaster mask = openMask(path, options);
    std::error_code ec;
    const std::filesystem::path temporaryFolder = std::filesystem::temp_directory_path(ec);
    if (ec)
        throw Exception(Error(ErrorCode::Io, "no temporary folder for the polygons").withDetail(ec.message()));
    TemporaryGeoPackage store(TemporaryGeoPackage::nameIn(temporaryFolder, "refermap"));

    VectorLayer layer;
    layer.crsWkt = mask.crsWkt;
    GroundMeasure measure(mask.dataset->GetSpatialRef());
    const std::string source = options.source.empty() ? file : options.source;
    vectorizeRegions(path, mask, options, store, feedback, 1.0, [&](OGRFeature& region) {
        VectorFeature feature;
        bool multiPolygon = false;
        if (shapeRegion(region, options, measure, source, feature, multiPolygon))
            layer.features.push_back(std::move(feature));
    });
    feedback.setProgress(1.0);
    spdlog::debug("vectorize: {} polygon(s) from {}", layer.features.size(), file);
    return layer;
}

std::size_t vectorizeToFile(const std::filesystem::path& path, const std::filesystem::path& outputPath,
    const VectorizeOptions& options, const ExportOptions& exportOptions, ProgressFeedback& feedback)
{
    const std::string file = path.string();
    MaskRaster mask = openMask(path, options);
    if (auto checked = checkExportTarget(mask.crsWkt, outputPath, exportOptions); !checked)
        throw Exception(checked.error());

    const std::filesystem::path folder = outputPath.has_parent_path() ? outputPath.parent_path() : ".";
    TemporaryGeoPackage store(TemporaryGeoPackage::nameIn(folder, outputPath.filename().string()));
    OGRLayer& shapedLayer = createLayer(store.dataset(), "features", wkbUnknown,
        {{"score", OFTReal}, {"area_m2", OFTReal}, {"perimeter_m", OFTReal}});
    GroundMeasure measure(mask.dataset->GetSpatialRef());
    const std::string source = options.source.empty() ? file : options.source;
    bool anyMultiPolygon = false;
    std::size_t written = 0;
    std::optional<OgrTransaction> transaction;
    VectorFeature shaped;
    vectorizeRegions(path, mask, options, store, feedback, 0.9, [&](OGRFeature& region) {
        bool multiPolygon = false;
        if (!shapeRegion(region, options, measure, source, shaped, multiPolygon))
            return;
        anyMultiPolygon = anyMultiPolygon || multiPolygon;
        if (!transaction)
            transaction.emplace(beginOrThrow(store.dataset(), file));
        OGRGeometry* geometry = nullptr;
        OGRGeometryFactory::createFromWkb(shaped.wkb.data(), nullptr, &geometry, shaped.wkb.size());
        OGRFeature feature(shapedLayer.GetLayerDefn());
        feature.SetField(0, shaped.score);
        feature.SetField(1, shaped.areaM2);
        feature.SetField(2, shaped.perimeterM);
        feature.SetGeometryDirectly(geometry);
        GdalErrorCapture errors;
        if (shapedLayer.CreateFeature(&feature) != OGRERR_NONE)
            throw Exception(
                Error(ErrorCode::Io, "cannot store a shaped polygon").withFile(file).withDetail(errors.lastError()));
        if (++written % 10000 == 0)
            commitOrThrow(transaction, file);
    });
    commitOrThrow(transaction, file);

    ProgressRange rangeExport(feedback, 0.9, 1.0);
    StoredFeatureSource features(shapedLayer, mask.crsWkt, anyMultiPolygon, options, source);
    if (auto exported = exportFeatures(features, outputPath, exportOptions, rangeExport); !exported)
        throw Exception(exported.error());
    feedback.setProgress(1.0);
    spdlog::debug("vectorize: {} polygon(s) from {} written to {}", written, file, outputPath.string());
    return written;
}

} // namespace

Result<VectorLayer> vectorizeMask(
    const std::filesystem::path& path, const VectorizeOptions& options, ProgressFeedback* feedback)
{
    ensureGdalInitialised();
    ProgressFeedback localFeedback;
    ProgressFeedback& used = feedback ? *feedback : localFeedback;
    auto result = captureErrors([&] { return vectorize(path, options, used); });
    if (!result && result.error().code() == ErrorCode::Cancelled && !result.error().file())
        return result.error().withFile(path.string());
    return result;
}

Result<std::size_t> vectorizeMaskToFile(const std::filesystem::path& maskPath, const std::filesystem::path& outputPath,
    const VectorizeOptions& options, const ExportOptions& exportOptions, ProgressFeedback* feedback)
{
    ensureGdalInitialised();
    ProgressFeedback localFeedback;
    ProgressFeedback& used = feedback ? *feedback : localFeedback;
    auto result = captureErrors([&] { return vectorizeToFile(maskPath, outputPath, options, exportOptions, used); });
    if (!result && result.error().code() == ErrorCode::Cancelled && !result.error().file())
        return result.error().withFile(maskPath.string());
    return result;
}

} // namespace refermap::geo
