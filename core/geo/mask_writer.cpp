#include "geo/mask_writer.h"

#include "geo/gdal_environment.h"
#include "geo/gdal_error_capture.h"
#include "geo/gdal_progress.h"
#include "geo/mask_overview_builder.h"

#include <cpl_string.h>
#include <gdal_priv.h>

#include <cmath>
#include <utility>
#include <vector>

namespace refermap::geo {

namespace {

Error writeError(const std::filesystem::path& target, const std::string& what, const std::string& detail)
{
    return Error(ErrorCode::Io, what).withFile(target.string()).withDetail(detail);
}

} // namespace

MaskWriter::MaskWriter(std::filesystem::path target, AtomicFile staging, AtomicFile output, GdalDatasetPtr dataset,
                       MaskWriterOptions options, int width, int height)
    : target_(std::move(target))
    , staging_(std::move(staging))
    , output_(std::move(output))
    , dataset_(std::move(dataset))
    , options_(std::move(options))
    , width_(width)
    , height_(height)
{
}

MaskWriter::MaskWriter(MaskWriter&&) noexcept = default;
MaskWriter& MaskWriter::operator=(MaskWriter&&) noexcept = default;

MaskWriter::~MaskWriter()
{
    dataset_.reset(); // close before the AtomicFiles remove the temporaries
}

Result<MaskWriter> MaskWriter::create(const std::filesystem::path& target, int width, int height,
                                      const std::optional<std::array<double, 6>>& geoTransform,
                                      const std::string& crsWkt, const MaskWriterOptions& options)
{
    ensureGdalInitialised();
    if (width < 1 || height < 1)
        return Error(ErrorCode::InvalidArgument, "a mask needs at least one pixel").withFile(target.string());
    if (options.blockSize < 16 || options.blockSize % 16 != 0)
        return Error(ErrorCode::InvalidArgument, "the block size must be a multiple of 16").withKey("block_size");

    auto output = AtomicFile::create(target);
    if (!output)
        return output.error();
    auto staging = AtomicFile::create(target.parent_path() / (target.stem().string() + ".staging.tif"));
    if (!staging)
        return staging.error();

    GdalErrorCapture errors;
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
    CPLStringList creation;
    creation.SetNameValue("TILED", "YES");
    creation.SetNameValue("BLOCKXSIZE", std::to_string(options.blockSize).c_str());
    creation.SetNameValue("BLOCKYSIZE", std::to_string(options.blockSize).c_str());
    creation.SetNameValue("COMPRESS", "LZW"); // fast for the intermediate; the COG gets the real one
    creation.SetNameValue("BIGTIFF", "IF_SAFER");
    creation.SetNameValue("NUM_THREADS", "ALL_CPUS");
    std::filesystem::remove(staging->temporaryPath());
    GdalDatasetPtr dataset(
        driver->Create(staging->temporaryPath().c_str(), width, height, 1, GDT_Byte, creation.List()));
    if (!dataset)
        return writeError(target, "cannot create the mask", errors.lastError());
    if (geoTransform) {
        std::array<double, 6> transform = *geoTransform;
        dataset->SetGeoTransform(transform.data());
    }
    if (!crsWkt.empty()) {
        OGRSpatialReference srs;
        if (srs.importFromWkt(crsWkt.c_str()) == OGRERR_NONE)
            dataset->SetSpatialRef(&srs);
    }
    // Pixels without data go to an internal mask, keeping all 256 values for probabilities.
    CPLSetThreadLocalConfigOption("GDAL_TIFF_INTERNAL_MASK", "YES");
    const CPLErr maskCreated = dataset->CreateMaskBand(GMF_PER_DATASET);
    CPLSetThreadLocalConfigOption("GDAL_TIFF_INTERNAL_MASK", nullptr);
    if (maskCreated != CE_None)
        return writeError(target, "cannot create the mask's validity band", errors.lastError());
    dataset->GetRasterBand(1)->SetDescription(options.kind == MaskKind::Probability ? "probability" : "mask");
    return MaskWriter(target, std::move(*staging), std::move(*output), std::move(dataset), options, width, height);
}

Result<void> MaskWriter::writeRows(const StitchedRows& rows)
{
    if (!dataset_)
        return Error(ErrorCode::Internal, "rows written after finish()").withFile(target_.string());
    if (rows.firstRow < 0 || rows.firstColumn < 0 || rows.firstRow + rows.rowCount > height_
        || rows.firstColumn + rows.width > width_)
        return Error(ErrorCode::Internal, "a block outside the mask")
            .withFile(target_.string())
            .withDetail("rows " + std::to_string(rows.firstRow) + "+" + std::to_string(rows.rowCount) + ", columns "
                        + std::to_string(rows.firstColumn) + "+" + std::to_string(rows.width));
    if (rows.rowCount == 0 || rows.width == 0)
        return {};
    const std::size_t pixels = static_cast<std::size_t>(rows.rowCount) * static_cast<std::size_t>(rows.width);
    std::vector<std::uint8_t> values(pixels);
    std::vector<std::uint8_t> validity(pixels);
    for (std::size_t i = 0; i < pixels; ++i) {
        const float p = rows.probabilities[i];
        values[i] = options_.kind == MaskKind::Probability ? static_cast<std::uint8_t>(std::lround(p * 255.0f))
                                                          : static_cast<std::uint8_t>(p >= options_.threshold ? 1 : 0);
        if (!rows.valid[i])
            values[i] = 0;
        validity[i] = rows.valid[i] ? 255 : 0;
    }
    GdalErrorCapture errors;
    GDALRasterBand* band = dataset_->GetRasterBand(1);
    if (band->RasterIO(GF_Write, rows.firstColumn, rows.firstRow, rows.width, rows.rowCount, values.data(), rows.width,
                       rows.rowCount, GDT_Byte, 0, 0, nullptr)
            != CE_None
        || band->GetMaskBand()->RasterIO(GF_Write, rows.firstColumn, rows.firstRow, rows.width, rows.rowCount,
                                         validity.data(), rows.width, rows.rowCount, GDT_Byte, 0, 0, nullptr)
               != CE_None)
        return writeError(target_, "cannot write mask rows", errors.lastError());
    pixelsWritten_ += pixels;
    return {};
}

namespace {

// Overviews are ~1/3 of the pixels: their share of the conversion's progress.
constexpr double overviewShare = 0.3;

} // namespace

Result<std::filesystem::path> MaskWriter::stage(ProgressRange* progress)
{
    keepStaging_ = true;
    if (auto prepared = prepare(progress); !prepared)
        return prepared.error();
    return staging_.temporaryPath();
}

Result<void> MaskWriter::prepare(ProgressRange* progress)
{
    if (!dataset_)
        return Error(ErrorCode::Internal, "the mask was already converted").withFile(target_.string());
    if (staged_)
        return {};
    const std::uint64_t expected = static_cast<std::uint64_t>(width_) * static_cast<std::uint64_t>(height_);
    if (pixelsWritten_ != expected)
        return Error(ErrorCode::Internal, "the mask is incomplete")
            .withFile(target_.string())
            .withDetail(std::to_string(pixelsWritten_) + " of " + std::to_string(expected) + " pixels written");
    GdalErrorCapture errors;
    dataset_->FlushCache();
    if (!errors.lastError().empty())
        return writeError(target_, "cannot write the mask", errors.lastError());

    ProgressFeedback localFeedback;
    ProgressRange localRange(localFeedback, 0.0, 1.0);
    ProgressRange& range = progress ? *progress : localRange;
    // Overviews are built here, block by block, rather than by the COG driver: its generation reads
    // full-width strips, so its memory grew with the raster's width (issue 4). The driver then only
    // copies the levels (and the mask's), tile by tile.
    auto built = MaskOverviewBuilder::build(*dataset_,
                                            options_.kind == MaskKind::Probability ? OverviewResampling::Average
                                                                                   : OverviewResampling::Nearest,
                                            options_.blockSize, range, 0.0, overviewShare);
    if (!built)
        return built.error();
    // Closed and reopened read-only: only a closed GeoTIFF has all its directories written (its
    // internal mask's too), so that another handle reads it whole (stage()).
    dataset_.reset();
    if (!errors.lastError().empty())
        return writeError(target_, "cannot write the mask", errors.lastError());
    dataset_.reset(GDALDataset::Open(staging_.temporaryPath().c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!dataset_)
        return writeError(target_, "cannot read the mask back", errors.lastError());
    staged_ = true;
    return {};
}

Result<void> MaskWriter::finish(ProgressRange* progress)
{
    if (auto prepared = prepare(progress); !prepared)
        return prepared.error();
    ProgressFeedback localFeedback;
    ProgressRange localRange(localFeedback, 0.0, 1.0);
    ProgressRange& range = progress ? *progress : localRange;
    GDALDriver* cog = GetGDALDriverManager()->GetDriverByName("COG");
    if (!cog)
        return Error(ErrorCode::Unsupported, "this GDAL has no COG driver").withFile(target_.string());

    GdalErrorCapture errors;
    CPLStringList creation;
    creation.SetNameValue("COMPRESS", options_.compression.c_str());
    creation.SetNameValue("BLOCKSIZE", std::to_string(options_.blockSize).c_str());
    creation.SetNameValue("OVERVIEWS", "FORCE_USE_EXISTING");
    creation.SetNameValue("BIGTIFF", "IF_SAFER");
    // Conversion is the last step of a job, the other cores are idle by then (2048² query: 0.20 ->
    // 0.16 s for both masks).
    creation.SetNameValue("NUM_THREADS", "ALL_CPUS");
    std::filesystem::remove(output_.temporaryPath());
    void* scaled = GDALCreateScaledProgress(overviewShare, 1.0, gdalProgress, &range);
    GdalDatasetPtr converted(cog->CreateCopy(output_.temporaryPath().c_str(), dataset_.get(), FALSE, creation.List(),
                                             GDALScaledProgress, scaled));
    GDALDestroyScaledProgress(scaled);
    dataset_.reset();
    if (range.isCancelled())
        return Error(ErrorCode::Cancelled, "mask writing cancelled").withFile(target_.string());
    if (!converted)
        return writeError(target_, "cannot write the cloud-optimised mask", errors.lastError());
    converted.reset();
    if (!keepStaging_)
        staging_.discard();
    return output_.commit();
}

} // namespace refermap::geo
