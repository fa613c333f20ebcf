#pragma once

#include "common/progress_feedback.h"
#include "common/result.h"

#include <filesystem>
#include <string>
#include <vector>

namespace refermap::geo {

struct OverviewBuildOptions {
    // Levels 2, 4, 8, … are added until the smallest side of the last level is below this.
    int minimumSize = 256;
    // GDAL resampling name; AVERAGE honours nodata and masks.
    std::string resampling = "AVERAGE";
    // Replace an existing external "<raster>.ovr"; otherwise its presence is an error.
    bool replaceExisting = false;
};

struct OverviewBuildReport {
    std::filesystem::path overviewPath; // "<raster>.ovr"; empty when no level was needed
    std::vector<int> factors; // the levels built (empty: the raster is already small)
};

// Builds external overviews ("<raster>.ovr", the name GDAL looks for) for a raster that may be
// read-only: the raster itself is never opened for writing. A long job: progress goes to
// `progress`, and cancelling stops GDAL. The .ovr appears whole or not at all: GDAL writes it for a
// temporary link to the raster in the same folder ("<folder>/.<name>.ovr-tmp-….<ext>", so its .ovr
// gets a temporary name) which is renamed to "<raster>.ovr" only on success; on failure or
// cancellation every temporary file is removed and an existing .ovr is left as it was.
// Open readers (RasterViewRenderer) do not see the new levels: reopen them.
class OverviewBuilder {
public:
    // The factors 2, 4, 8, … until min(width, height) / factor < minimumSize; empty when the raster's
    // smallest side is already below minimumSize.
    static std::vector<int> factorsFor(int width, int height, int minimumSize);

    // Errors name the file: not a raster, internal overviews already present (InvalidArgument: they
    // are used as they are), "<raster>.ovr" present without replaceExisting, a folder we cannot
    // write to (PermissionDenied), GDAL failing (Io, with GDAL's message), Cancelled.
    static Result<OverviewBuildReport> build(
        const std::filesystem::path& raster, ProgressFeedback& progress, const OverviewBuildOptions& options = {});
};

} // namespace refermap::geo
