#pragma once

#include "common/progress_feedback.h"
#include "common/result.h"
#include "project/project_records.h"

#include <cstdint>
#include <string>
#include <vector>

namespace refermap::geo {
struct RasterWindow;
}

namespace refermap::project {
class ProjectStore;
}

namespace refermap::engine {

struct CorrectionSampleOptions {
    int chipSize = 256;           // raster pixels per chip side: the query's tile, so chips have its scale
    double validationShare = 0.2; // share of a layer's chips held out (positives and negatives each)
    // Chips without the target kept per chip with it (at random); the rest are dropped, so that a
    // thin or sparse target does not drown in background. All are kept when none has the target.
    double negativesPerPositive = 1.0;
    std::uint64_t seed = 0;       // which chips are held out
    bool refresh = true;          // false: keep a layer's stored samples even if its edits changed
};

// What takeCorrectionSamples() found for one layer.
struct CorrectionLayerSamples {
    std::int64_t layerId = 0;
    std::string layerName;
    std::size_t train = 0;
    std::size_t validation = 0;
    std::size_t positive = 0; // chips whose corrected mask has foreground
    bool taken = false;         // taken now (else: the stored samples were current, or kept)
    bool rasterMissing = false; // the raster (or the query's mask) is gone; the stored samples were kept
};

// Turns one edited mask layer of a project into training samples and stores them in the project
// (ProjectStore::replaceTrainingSamples: one transaction), unless the stored ones were taken from
// the same edits and options (a SHA-256 of both is stored with every sample).
//
// Where the chips lie: the layer's edited tiles (the 256-pixel grid the application stores) are
// grouped into 4-connected areas; each area's bounding box is covered by chips of chipSize pixels,
// spread evenly so that none extends past the box (a box smaller than a chip gets one chip centred
// on it, clamped to the raster), and a chip is kept when at least a quarter of it is edited. A chip's
// mask is the layer's mask as the user left it (the query's mask file with every stored tile over
// it); its image is the raster window read with the layer's bands and stretch, as the query saw it
// (8-bit). Chips with foreground are positives; chips the user emptied are negatives, which teach
// the network where not to fire (at most negativesPerPositive of them per positive). Unedited ground is never sampled: only what the user looked at
// and corrected is trusted.
//
// A layer without a query mask (drawn by hand) starts from an empty mask.
// Errors: the layer's raster or query mask missing while no samples are stored (names the file and
// the layer, "refermap_mask_layers/<id>"), a mask whose size differs from the raster's, unreadable
// files. When they are missing but samples are stored, those are kept (rasterMissing) and a warning
// is logged. Cancel between chips (nothing stored).
Result<CorrectionLayerSamples> takeCorrectionSamples(project::ProjectStore& store,
                                                     const project::MaskLayerRecord& layer,
                                                     const CorrectionSampleOptions& options,
                                                     ProgressRange& progress);

// A chip's pixels as samples store them: a stretched window (planar 0..1, see geo::RasterWindow)
// as interleaved 8-bit RGB, pixels without data black.
std::vector<std::uint8_t> correctionChipRgb(const geo::RasterWindow& window);

} // namespace refermap::engine
