#include "engine/synthetic_dataset_writer.h"

#include "common/atomic_file.h"
#include "engine/synthetic_scene_generator.h"
#include "geo/gdal_environment.h"
#include "geo/gdal_error_capture.h"

#include <cpl_string.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <nlohmann/json.hpp>
#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <system_error>
#include <unistd.h>

namespace refermap::engine {
namespace fs = std::filesystem;

std::string syntheticStem(std::size_t index)
{
    return fmt::format("synthetic_{:06}", index);
}

DatasetSplit syntheticSplit(std::size_t index)
{
    switch (index % 10) {
    case 8: return DatasetSplit::Val;
    case 9: return DatasetSplit::Test;
    default: return DatasetSplit::Train;
    }
}

namespace {

std::string utmWkt()
{
    OGRSpatialReference srs;
    srs.importFromEPSG(kSyntheticEpsg);
    char* wkt = nullptr;
    srs.exportToWkt(&wkt);
    std::string result = wkt ? wkt : "";
    CPLFree(wkt);
    return result;
}

// A plausible place in UTM zone 33N for scene `index`: scenes lie on a grid 1 km apart.
std::array<double, 6> geoTransformFor(std::size_t index)
{
    const double east = 400000.0 + static_cast<double>(index % 200) * 1000.0;
    const double north = 5100000.0 - static_cast<double>((index / 200) % 400) * 1000.0;
    return {east, kSyntheticGsd, 0.0, north, 0.0, -kSyntheticGsd};
}

// Writes interleaved 8-bit pixels (1 or 3 bands) as a tiled DEFLATE GeoTIFF at `path`.
Result<void> writeGeoTiff(const fs::path& path, int width, int height, int bands, const std::uint8_t* pixels,
                          const std::array<double, 6>& transform, const std::string& wkt)
{
    geo::GdalErrorCapture capture;
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
    if (!driver)
        return Error(ErrorCode::Unsupported, "this GDAL has no GeoTIFF driver");
    const int block = std::min(256, (std::max(width, height) + 15) / 16 * 16);
    CPLStringList creation;
    creation.SetNameValue("TILED", "YES");
    creation.SetNameValue("BLOCKXSIZE", std::to_string(block).c_str());
    creation.SetNameValue("BLOCKYSIZE", std::to_string(block).c_str());
    creation.SetNameValue("COMPRESS", "DEFLATE");
    creation.SetNameValue("PREDICTOR", "2");
    if (bands == 3) {
        creation.SetNameValue("PHOTOMETRIC", "RGB");
        creation.SetNameValue("INTERLEAVE", "PIXEL");
    }
    GDALDataset* dataset = driver->Create(path.c_str(), width, height, bands, GDT_Byte, creation.List());
    if (!dataset)
        return Error(ErrorCode::Io, "cannot create the GeoTIFF").withFile(path.string()).withDetail(capture.lastError());
    dataset->SetGeoTransform(const_cast<double*>(transform.data()));
    dataset->SetProjection(wkt.c_str());
    int bandMap[3] = {1, 2, 3};
    const CPLErr written = dataset->RasterIO(GF_Write, 0, 0, width, height, const_cast<std::uint8_t*>(pixels), width,
                                             height, GDT_Byte, bands, bandMap, bands, static_cast<GSpacing>(width) * bands,
                                             1, nullptr);
    if (bands == 3) {
        dataset->GetRasterBand(1)->SetColorInterpretation(GCI_RedBand);
        dataset->GetRasterBand(2)->SetColorInterpretation(GCI_GreenBand);
        dataset->GetRasterBand(3)->SetColorInterpretation(GCI_BlueBand);
    }
    GDALClose(dataset);
    if (written != CE_None || !capture.lastError().empty())
        return Error(ErrorCode::Io, "cannot write the GeoTIFF").withFile(path.string()).withDetail(capture.lastError());
    return {};
}

// A folder being filled; removed unless released.
class StagingFolder {
public:
    explicit StagingFolder(fs::path path)
        : path_(std::move(path))
    {
    }
    ~StagingFolder()
    {
        if (!path_.empty()) {
            std::error_code ignored;
            fs::remove_all(path_, ignored);
        }
    }
    StagingFolder(const StagingFolder&) = delete;
    StagingFolder& operator=(const StagingFolder&) = delete;
    const fs::path& path() const { return path_; }
    void release() { path_.clear(); }

private:
    fs::path path_;
};

Result<void> writeText(const fs::path& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary);
    out << text;
    out.close();
    if (!out)
        return Error(ErrorCode::Io, "cannot write the file").withFile(path.string());
    return {};
}

Result<void> checkOptions(const SyntheticDatasetOptions& options)
{
    if (options.count < 1 || options.count > kMaxSyntheticCount)
        return Error(ErrorCode::InvalidArgument,
                     "the scene count must be between 1 and " + std::to_string(kMaxSyntheticCount))
            .withKey("count")
            .withDetail("got " + std::to_string(options.count));
    return {};
}

} // namespace

Result<SyntheticDatasetSummary> writeSyntheticDataset(const fs::path& folder, const SyntheticDatasetOptions& options,
                                                      ProgressFeedback& feedback)
{
    if (auto checked = checkOptions(options); !checked)
        return checked.error();
    SyntheticSceneGenerator::Options generatorOptions;
    generatorOptions.size = options.size;
    generatorOptions.objectScale = options.objectScale;
    generatorOptions.kinds = options.kinds;
    generatorOptions.targetCategory = options.targetCategory;
    generatorOptions.targetColour = options.targetColour;
    auto generator = SyntheticSceneGenerator::create(options.seed, generatorOptions);
    if (!generator)
        return generator.error();
    if (folder.empty())
        return Error(ErrorCode::InvalidArgument, "no output folder given");

    const fs::path target = fs::absolute(folder).lexically_normal();
    const fs::path parent = target.has_filename() ? target.parent_path() : target.parent_path().parent_path();
    const fs::path name = target.has_filename() ? target.filename() : target.parent_path().filename();
    const fs::path destination = parent / name;
    std::error_code code;
    if (fs::exists(destination, code)) {
        if (!fs::is_directory(destination, code))
            return Error(ErrorCode::InvalidArgument, "the output exists and is not a folder")
                .withFile(destination.string());
        if (!fs::is_empty(destination, code) && !options.overwrite)
            return Error(ErrorCode::InvalidArgument, "the output folder is not empty (use --overwrite to replace it)")
                .withFile(destination.string());
    }
    if (!fs::is_directory(parent, code))
        return Error(ErrorCode::NotFound, "the output folder's parent folder does not exist").withFile(parent.string());

    // The staging folder sits next to the target, so the final rename stays on one file system.
    const fs::path stagingPath = parent / ("." + name.string() + ".partial-" + std::to_string(::getpid()));
    fs::remove_all(stagingPath, code);
    if (!fs::create_directory(stagingPath, code) || code)
        return Error(code == std::errc::permission_denied || code == std::errc::read_only_file_system
                         ? ErrorCode::PermissionDenied
                         : ErrorCode::Io,
                     "cannot create a folder next to the output")
            .withFile(stagingPath.string())
            .withDetail(code.message());
    StagingFolder staging(stagingPath);
    for (const char* sub : {"images", "masks"}) {
        if (!fs::create_directory(stagingPath / sub, code))
            return Error(ErrorCode::Io, "cannot create a folder").withFile((stagingPath / sub).string()).withDetail(code.message());
    }

    geo::ensureGdalInitialised();
    const std::string wkt = utmWkt();
    SyntheticDatasetSummary summary;
    summary.folder = destination;
    std::array<std::string, 3> phrases;
    std::vector<std::uint8_t> mask255;
    for (std::size_t index = 0; index < options.count; ++index) {
        if (feedback.isCancelled())
            return Error(ErrorCode::Cancelled, "synthetic benchmark generation cancelled");
        auto scene = generator->generate(index);
        if (!scene)
            return scene.error();
        const std::string stem = syntheticStem(index);
        const auto transform = geoTransformFor(index);
        const fs::path imagePath = stagingPath / "images" / (stem + ".tif");
        if (auto written = writeGeoTiff(imagePath, scene->size, scene->size, 3, scene->image.pixels.data(), transform, wkt);
            !written)
            return written.error();
        mask255.resize(scene->mask.pixels.size());
        for (std::size_t i = 0; i < mask255.size(); ++i)
            mask255[i] = scene->mask.pixels[i] ? 255 : 0;
        if (auto written = writeGeoTiff(stagingPath / "masks" / (stem + ".tif"), scene->size, scene->size, 1,
                                        mask255.data(), transform, wkt);
            !written)
            return written.error();
        const DatasetSplit split = syntheticSplit(index);
        phrases[static_cast<std::size_t>(split)] += stem + " " + scene->expression.text + "\n";
        (split == DatasetSplit::Train ? summary.train : split == DatasetSplit::Val ? summary.val : summary.test)++;
        ++summary.kinds[expressionKindName(scene->expression.kind)];
        ++summary.categories[sceneCategoryName(scene->expression.category)];
        feedback.setProgress(static_cast<double>(index + 1) / static_cast<double>(options.count),
                             "scene " + std::to_string(index + 1) + "/" + std::to_string(options.count));
    }
    for (DatasetSplit split : {DatasetSplit::Train, DatasetSplit::Val, DatasetSplit::Test}) {
        const fs::path path = stagingPath / (std::string("output_phrase_") + datasetSplitName(split) + ".txt");
        if (auto written = writeText(path, phrases[static_cast<std::size_t>(split)]); !written)
            return written.error();
    }
    nlohmann::json description = {
        {"generator", "refermap synthetic referring benchmark"},
        {"version", kSyntheticGeneratorVersion},
        {"seed", options.seed},
        {"count", options.count},
        {"size", options.size},
        {"crs", "EPSG:" + std::to_string(kSyntheticEpsg)},
        {"gsd_m", kSyntheticGsd},
        {"layout", "RefSegRS"},
        {"splits", {{"train", summary.train}, {"val", summary.val}, {"test", summary.test}}},
        {"expression_kinds", summary.kinds},
        {"target_categories", summary.categories},
    };
    if (options.objectScale > 0) // only when set, so the default benchmark's files stay as they were
        description["object_scale"] = options.objectScale;
    if (!options.kinds.empty()) {
        std::vector<std::string> kinds;
        for (ExpressionKind kind : options.kinds)
            kinds.emplace_back(expressionKindName(kind));
        description["kinds"] = kinds;
    }
    if (options.targetCategory)
        description["target_category"] = sceneCategoryName(*options.targetCategory);
    if (options.targetColour)
        description["target_colour"] = sceneColourName(*options.targetColour);
    if (auto written = writeText(stagingPath / "synthetic.json", description.dump(2) + "\n"); !written)
        return written.error();
    if (feedback.isCancelled())
        return Error(ErrorCode::Cancelled, "synthetic benchmark generation cancelled");

    // Into place: an old folder is moved aside first and removed once the new one is there.
    fs::path old;
    if (fs::exists(destination, code)) {
        old = parent / ("." + name.string() + ".old-" + std::to_string(::getpid()));
        fs::remove_all(old, code);
        fs::rename(destination, old, code);
        if (code)
            return Error(ErrorCode::Io, "cannot move the existing output folder aside")
                .withFile(destination.string())
                .withDetail(code.message());
    }
    fs::rename(stagingPath, destination, code);
    if (code) {
        std::error_code ignored;
        if (!old.empty())
            fs::rename(old, destination, ignored);
        return Error(ErrorCode::Io, "cannot move the generated folder into place")
            .withFile(destination.string())
            .withDetail(code.message());
    }
    staging.release();
    if (!old.empty())
        fs::remove_all(old, code);
    feedback.setProgress(1.0, "done");
    spdlog::info("synthetic benchmark: {} scenes of {} px (seed {}) written to {}", options.count, options.size,
                 options.seed, destination.string());
    return summary;
}

Result<SyntheticScene> writeDemoScene(const fs::path& file, const DemoSceneOptions& options)
{
    SyntheticSceneGenerator::Options generatorOptions;
    generatorOptions.size = options.size;
    generatorOptions.objectScale = options.objectScale;
    auto generator = SyntheticSceneGenerator::create(options.seed, generatorOptions);
    if (!generator)
        return generator.error();
    auto scene = generator->generateHarbour();
    if (!scene)
        return scene.error();
    geo::ensureGdalInitialised();
    const std::string wkt = utmWkt();
    // Near Trieste's harbour in UTM 33N; any plausible place would do.
    const std::array<double, 6> transform{403000.0, kSyntheticGsd, 0.0, 5055000.0, 0.0, -kSyntheticGsd};

    auto writeCog = [&](const fs::path& path, int bands, const std::uint8_t* pixels, bool jpeg) -> Result<void> {
        auto staging = AtomicFile::create(path);
        if (!staging)
            return staging.error();
        // Build in memory, then copy as a COG (the COG driver writes by copying).
        const fs::path memory = "/vsimem/refermap-demo-" + std::to_string(::getpid()) + ".tif";
        if (auto written = writeGeoTiff(memory, scene->size, scene->size, bands, pixels, transform, wkt); !written)
            return written.error().withFile(path.string());
        geo::GdalErrorCapture capture;
        GDALDataset* source = GDALDataset::Open(memory.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY);
        GDALDriver* cog = GetGDALDriverManager()->GetDriverByName("COG");
        GDALDataset* copy = nullptr;
        if (source && cog) {
            CPLStringList creation;
            creation.SetNameValue("COMPRESS", jpeg ? "JPEG" : "DEFLATE");
            if (jpeg)
                creation.SetNameValue("QUALITY", "90");
            creation.SetNameValue("BLOCKSIZE", "256");
            creation.SetNameValue("OVERVIEW_RESAMPLING", jpeg ? "AVERAGE" : "NEAREST");
            copy = cog->CreateCopy(staging->temporaryPath().c_str(), source, FALSE, creation.List(), nullptr, nullptr);
        }
        const bool ok = copy != nullptr;
        if (copy)
            GDALClose(copy);
        if (source)
            GDALClose(source);
        VSIUnlink(memory.c_str());
        if (!ok)
            return Error(ErrorCode::Io, "cannot write the Cloud-Optimised GeoTIFF")
                .withFile(path.string())
                .withDetail(cog ? capture.lastError() : "this GDAL has no COG driver");
        return staging->commit();
    };
    if (auto written = writeCog(file, 3, scene->image.pixels.data(), true); !written)
        return written.error();
    if (!options.maskPath.empty()) {
        std::vector<std::uint8_t> mask255(scene->mask.pixels.size());
        for (std::size_t i = 0; i < mask255.size(); ++i)
            mask255[i] = scene->mask.pixels[i] ? 255 : 0;
        if (auto written = writeCog(options.maskPath, 1, mask255.data(), false); !written)
            return written.error();
    }
    return scene;
}

} // namespace refermap::engine
