#pragma once

#include "common/atomic_file.h"
#include "common/progress_feedback.h"
#include "common/result.h"
#include "geo/gdal_dataset.h"
#include "geo/probability_stitcher.h"

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace refermap::geo {

enum class MaskKind {
    Probability, // Byte 0..255 = probability * 255, rounded
    Binary,      // Byte 0/1 by the threshold
};

struct MaskWriterOptions {
    MaskKind kind = MaskKind::Probability;
    double threshold = 0.5; // for Binary: probability >= threshold -> 1
    int blockSize = 512;
    std::string compression = "DEFLATE";
};

// Writes a mask raster in the source's grid and CRS, strip by strip, as a cloud-optimised GeoTIFF
// with overviews and an internal per-dataset mask for pixels without data. Rows go into a tiled
// temporary GeoTIFF next to the target; finish() builds its overviews block by block (averaged for
// probabilities, nearest for binary masks, the mask's too: see MaskOverviewBuilder), has GDAL's COG
// driver copy it into a COG and renames that into place. Memory does not grow with the raster's size. Destroying the
// writer before finish() succeeds — failure or cancel — removes every temporary file and leaves the
// target untouched. One thread.
class MaskWriter {
public:
    // `geoTransform`/`crsWkt` may be empty for non-georeferenced sources (pixel coordinates).
    static Result<MaskWriter> create(const std::filesystem::path& target, int width, int height,
                                     const std::optional<std::array<double, 6>>& geoTransform,
                                     const std::string& crsWkt, const MaskWriterOptions& options = {});

    MaskWriter(MaskWriter&&) noexcept;
    MaskWriter& operator=(MaskWriter&&) noexcept;
    ~MaskWriter();

    // Blocks from the stitcher, in any order; together they must cover the raster exactly once.
    Result<void> writeRows(const StitchedRows& rows);
    // Completes the intermediate GeoTIFF (full resolution and overviews, closed and reopened
    // read-only) and returns its path, for work that needs the finished mask before its COG exists: that file may be opened
    // read-only, also while finish() runs, and stays until the writer is destroyed. Optional; the
    // first ~30 % of the conversion's progress.
    Result<std::filesystem::path> stage(ProgressRange* progress = nullptr);
    // Converts to COG and publishes the file (staging it first unless stage() did). `progress`
    // (optional) reports the conversion and can cancel it (then nothing is published).
    Result<void> finish(ProgressRange* progress = nullptr);

    const std::filesystem::path& target() const { return target_; }

private:
    Result<void> prepare(ProgressRange* progress);
    MaskWriter(std::filesystem::path target, AtomicFile staging, AtomicFile output, GdalDatasetPtr dataset,
               MaskWriterOptions options, int width, int height);

    std::filesystem::path target_;
    AtomicFile staging_; // the tiled intermediate, never published
    AtomicFile output_;  // the COG, published by finish()
    GdalDatasetPtr dataset_;
    MaskWriterOptions options_;
    int width_ = 0;
    int height_ = 0;
    std::uint64_t pixelsWritten_ = 0;
    bool staged_ = false;      // the intermediate is complete
    bool keepStaging_ = false; // stage() handed its path out: it stays until destruction
};

} // namespace refermap::geo
