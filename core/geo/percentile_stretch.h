#pragma once

#include "common/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

class GDALDataset;

namespace refermap::geo {

// The linear stretch of one band: `low` maps to 0, `high` to 1, values outside are clamped.
struct BandStretch {
    double low = 0.0;
    double high = 1.0;
    bool constant = false; // the band's valid pixels all share one value (low/high straddle it: mid grey)
    bool noValidPixels = false; // the band had no valid pixel in the sample (low/high = 0/1)

    // (value − low) / (high − low), clamped to [0, 1].
    float apply(double value) const;
};

// How PercentileStretch::compute chooses its numbers.
struct StretchOptions {
    double lowPercent = 2.0;
    double highPercent = 98.0;
    // Caller-given ranges instead of percentiles: one for all bands, or one per band. No pixels are read.
    std::vector<BandStretch> fixedRanges;
    // The sample is the smallest overview with at least this many pixels, or the full band when no
    // overview is that large.
    std::int64_t minimumSamplePixels = 256 * 1024;
    // A sample source with at most this many pixels is read whole (exact percentiles); a larger one
    // is sampled block by block: about a quarter of this many pixels, in whole blocks spread evenly over it.
    std::int64_t maximumSamplePixels = 4 * 1024 * 1024;
};

// One global, nodata-aware linear stretch per band of a raster, computed once (never per tile), so
// results never depend on the processing window.
//
// Percentiles: the valid values v[0..N−1] of a band's sample, sorted ascending; percentile p is
// v[k] with k = round(p / 100 · (N − 1)) (nearest rank, no interpolation). Integer bands (Byte,
// UInt16, Int16) use an exact histogram, Float32 bands a sorted sample. A pixel is valid for band b
// when b's GDAL mask (nodata, per-dataset mask, alpha band) is non-zero, it is not b's nodata value
// and it is finite. When the percentiles coincide the valid minimum/maximum are used instead; a
// constant band maps to 0.5 and is flagged (warning logged).
// Deterministic: the same raster and options give the same numbers. A plain value, any thread.
class PercentileStretch {
public:
    PercentileStretch() = default;

    // Reads a bounded sample of `bands` (1-based) of `dataset` on the calling thread; `fileName`
    // names the raster in errors and logs. Fails on bad options, on unsupported data types (naming
    // the band), on a read failure, and (InvalidData, naming the file) when none of the bands has a
    // single valid pixel in the sample.
    static Result<PercentileStretch> compute(GDALDataset& dataset, const std::vector<int>& bands,
        const StretchOptions& options, const std::string& fileName);

    const std::vector<BandStretch>& bands() const { return bands_; }
    const BandStretch& band(std::size_t channel) const { return bands_.at(channel); }
    std::size_t size() const { return bands_.size(); }

    // Pixels read per band to compute the stretch (0 for fixed ranges); bounded by the options, not
    // by the raster size.
    std::int64_t samplePixelCount() const { return samplePixelCount_; }
    // Where the sample came from, for logs: "full band 791x718", "overview 512x512", "36 blocks of 1000x1000 …".
    const std::string& sampleSource() const { return sampleSource_; }
    bool exact() const { return exact_; } // the sample was the full-resolution band

private:
    std::vector<BandStretch> bands_;
    std::int64_t samplePixelCount_ = 0;
    std::string sampleSource_;
    bool exact_ = false;
};

} // namespace refermap::geo
