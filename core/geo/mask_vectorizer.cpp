#include "geo/mask_vectorizer.h"

#include "geo/gdal_dataset.h"
#include "geo/gdal_environment.h"
#include "geo/gdal_error_capture.h"
#include "geo/gdal_progress.h"

#include <gdal_alg.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>
#include <spdlog/spdlog.h>

#include <algorithm>
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

// Mean probability inside each polygon: the polygons are burnt (pixel-centre rule, exact because their
// edges lie on pixel edges) into a label buffer one row chunk at a time, next to the source values.
std::vector<double> meanProbabilities(GDALRasterBand& band, RowChunkReader& reader, const ValueRule& rule,
    const std::array<double, 6>& geoTransform, const std::vector<GeometryPtr>& polygons, ProgressRange& range)
{
    std::vector<double> sums(polygons.size(), 0.0);
    std::vector<std::size_t> counts(polygons.size(), 0);
    if (polygons.empty())
        return sums;
    std::vector<OGREnvelope> envelopes(polygons.size());
    for (std::size_t i = 0; i < polygons.size(); ++i)
        polygons[i]->getEnvelope(&envelopes[i]);

    const int width = band.GetXSize();
    GDALDriver* memory = GetGDALDriverManager()->GetDriverByName("MEM");
    reader.forEach(range, [&](int firstRow, int rows, const std::vector<double>& values) {
        GdalDatasetPtr labels(memory->Create("", width, rows, 1, GDT_Int32, nullptr));
        if (!labels)
            throw Exception(Error(ErrorCode::Internal, "cannot allocate a label buffer"));
        std::array<double, 6> chunkTransform = geoTransform;
        chunkTransform[0] += firstRow * geoTransform[2];
        chunkTransform[3] += firstRow * geoTransform[5];
        labels->SetGeoTransform(chunkTransform.data());

        OGREnvelope chunk;
        for (const auto& [px, py] : {std::pair {0, 0}, {width, 0}, {0, rows}, {width, rows}}) {
            const double x = chunkTransform[0] + px * chunkTransform[1] + py * chunkTransform[2];
            const double y = chunkTransform[3] + px * chunkTransform[4] + py * chunkTransform[5];
            chunk.Merge(x, y);
        }
        std::vector<OGRGeometryH> geometries;
        std::vector<double> burnValues;
        for (std::size_t i = 0; i < polygons.size(); ++i) {
            if (envelopes[i].Intersects(chunk)) {
                geometries.push_back(OGRGeometry::ToHandle(polygons[i].get()));
                burnValues.push_back(static_cast<double>(i + 1));
            }
        }
        if (geometries.empty())
            return;
        int bandList = 1;
        GdalErrorCapture errors;
        if (GDALRasterizeGeometries(GDALDataset::ToHandle(labels.get()), 1, &bandList,
                static_cast<int>(geometries.size()), geometries.data(), nullptr, nullptr, burnValues.data(), nullptr,
                nullptr, nullptr)
            != CE_None)
            throw Exception(
                Error(ErrorCode::Internal, "cannot rasterise polygons to score them").withDetail(errors.lastError()));
        std::vector<std::int32_t> label(static_cast<std::size_t>(width) * static_cast<std::size_t>(rows));
        if (labels->GetRasterBand(1)->RasterIO(
                GF_Read, 0, 0, width, rows, label.data(), width, rows, GDT_Int32, 0, 0, nullptr)
            != CE_None)
            throw Exception(Error(ErrorCode::Internal, "cannot read the label buffer"));
        for (std::size_t p = 0; p < label.size(); ++p) {
            if (label[p] > 0 && rule.valid(values[p])) {
                sums[static_cast<std::size_t>(label[p] - 1)] += values[p] / rule.scale;
                ++counts[static_cast<std::size_t>(label[p] - 1)];
            }
        }
    });
    for (std::size_t i = 0; i < sums.size(); ++i)
        sums[i] = counts[i] > 0 ? sums[i] / static_cast<double>(counts[i]) : 0.0;
    return sums;
}

VectorLayer vectorize(const std::filesystem::path& path, const VectorizeOptions& options, ProgressFeedback& feedback)
{
    const std::string file = path.string();
    auto opened = openRasterDataset(path);
    if (!opened)
        throw Exception(opened.error());
    GDALDataset& source = **opened;
    if (source.GetRasterCount() != 1)
        throw Exception(Error(ErrorCode::InvalidData, "expected a single-band mask or probability raster")
                            .withFile(file)
                            .withDetail("the raster has " + std::to_string(source.GetRasterCount()) + " bands"));
    GDALRasterBand& band = *source.GetRasterBand(1);
    if (GDALDataTypeIsComplex(band.GetRasterDataType()))
        throw Exception(
            Error(ErrorCode::Unsupported, "complex pixel values cannot be thresholded").withFile(file).withBand(1));
    if (options.minAreaM2 < 0 || options.simplifyTolerance < 0 || (options.threshold && std::isnan(*options.threshold)))
        throw Exception(Error(ErrorCode::InvalidArgument,
            "minimum area, simplification tolerance and threshold "
            "must be non-negative numbers"));

    const int width = source.GetRasterXSize();
    const int height = source.GetRasterYSize();
    std::array<double, 6> geoTransform {0.0, 1.0, 0.0, 0.0, 0.0, 1.0};
    source.GetGeoTransform(geoTransform.data()); // keeps the identity when the raster has none
    const OGRSpatialReference* crs = source.GetSpatialRef();

    RowChunkReader reader(band, file);
    ProgressRange rangeRule(feedback, 0.0, 0.1);
    const ValueRule rule = chooseValueRule(band, reader, rangeRule, options);

    // 1. Threshold into a Byte in-memory mask (1 = foreground), chunk by chunk.
    GDALDriver* memory = GetGDALDriverManager()->GetDriverByName("MEM");
    GdalDatasetPtr binary(memory->Create("", width, height, 1, GDT_Byte, nullptr));
    if (!binary)
        throw Exception(Error(ErrorCode::Io, "not enough memory for the in-memory mask").withFile(file));
    binary->SetGeoTransform(geoTransform.data());
    GDALRasterBand& binaryBand = *binary->GetRasterBand(1);
    ProgressRange rangeThreshold(feedback, 0.1, 0.3);
    std::vector<GByte> chunkMask;
    reader.forEach(rangeThreshold, [&](int firstRow, int rows, const std::vector<double>& values) {
        chunkMask.resize(values.size());
        for (std::size_t i = 0; i < values.size(); ++i)
            chunkMask[i] = rule.valid(values[i]) && values[i] >= rule.threshold ? 1 : 0;
        if (binaryBand.RasterIO(
                GF_Write, 0, firstRow, width, rows, chunkMask.data(), width, rows, GDT_Byte, 0, 0, nullptr)
            != CE_None)
            throw Exception(Error(ErrorCode::Internal, "cannot write the in-memory mask").withFile(file));
    });

    // 2. Polygonize the foreground (the mask band is the mask itself, so no background polygons).
    GDALDriver* vectorMemory = GetGDALDriverManager()->GetDriverByName("Memory");
    GdalDatasetPtr store(vectorMemory->Create("", 0, 0, 0, GDT_Unknown, nullptr));
    OGRLayer* polygonLayer = store->CreateLayer("polygons", nullptr, wkbPolygon, nullptr);
    OGRFieldDefn valueField("value", OFTInteger);
    polygonLayer->CreateField(&valueField);
    {
        ProgressRange rangePolygonize(feedback, 0.3, 0.7);
        char** polygonizeOptions = CSLSetNameValue(nullptr, "8CONNECTED", "8");
        GdalErrorCapture errors;
        const CPLErr result
            = GDALPolygonize(GDALRasterBand::ToHandle(&binaryBand), GDALRasterBand::ToHandle(&binaryBand),
                OGRLayer::ToHandle(polygonLayer), 0, polygonizeOptions, gdalProgress, &rangePolygonize);
        CSLDestroy(polygonizeOptions);
        feedback.throwIfCancelled();
        if (result != CE_None)
            throw Exception(Error(ErrorCode::Internal, "polygonizing the mask failed")
                                .withFile(file)
                                .withDetail(errors.lastError()));
    }
    binary.reset(); // the one full-size buffer is no longer needed

    // 3. Minimum area, simplification, measurements.
    GroundMeasure measure(crs);
    std::vector<GeometryPtr> rawPolygons;
    std::vector<GeometryPtr> finalPolygons;
    std::vector<std::pair<double, double>> measures;
    const double featureCount = std::max<double>(1.0, static_cast<double>(polygonLayer->GetFeatureCount()));
    ProgressRange rangeShape(feedback, 0.7, 0.8);
    polygonLayer->ResetReading();
    int seen = 0;
    while (FeaturePtr feature {polygonLayer->GetNextFeature()}) {
        rangeShape.setProgress(++seen / featureCount);
        if (feature->GetFieldAsInteger(0) == 0)
            continue;
        GeometryPtr polygon(feature->StealGeometry());
        if (!polygon || polygon->IsEmpty())
            continue;
        if (options.minAreaM2 > 0 && measure.measure(*polygon).first < options.minAreaM2)
            continue;
        GeometryPtr shaped = options.simplifyTolerance > 0 ? simplify(*polygon, options.simplifyTolerance)
                                                           : GeometryPtr(polygon->clone());
        measures.push_back(measure.measure(*shaped));
        finalPolygons.push_back(std::move(shaped));
        rawPolygons.push_back(std::move(polygon));
        if (seen % 256 == 0)
            feedback.throwIfCancelled();
    }
    store.reset();

    // 4. Scores from the source values under the (unsimplified) polygons.
    ProgressRange rangeScore(feedback, 0.8, 1.0);
    const std::vector<double> scores = meanProbabilities(band, reader, rule, geoTransform, rawPolygons, rangeScore);

    VectorLayer layer;
    if (crs) {
        char* wkt = nullptr;
        const char* wktOptions[] = {"FORMAT=WKT2_2019", nullptr};
        crs->exportToWkt(&wkt, wktOptions);
        layer.crsWkt = wkt ? wkt : "";
        CPLFree(wkt);
    }
    layer.features.reserve(finalPolygons.size());
    for (std::size_t i = 0; i < finalPolygons.size(); ++i) {
        VectorFeature feature;
        feature.wkb.resize(static_cast<std::size_t>(finalPolygons[i]->WkbSize()));
        finalPolygons[i]->exportToWkb(wkbNDR, feature.wkb.data(), wkbVariantIso);
        feature.query = options.query;
        feature.score = scores[i];
        feature.areaM2 = measures[i].first;
        feature.perimeterM = measures[i].second;
        feature.model = options.model;
        feature.source = options.source.empty() ? file : options.source;
        feature.runId = options.runId;
        feature.edited = options.edited;
        layer.features.push_back(std::move(feature));
    }
    feedback.setProgress(1.0);
    spdlog::debug("vectorize: {} polygon(s) from {}", layer.features.size(), file);
    return layer;
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

} // namespace refermap::geo
