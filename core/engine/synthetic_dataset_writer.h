#pragma once

#include "common/progress_feedback.h"
#include "common/result.h"
#include "engine/referring_dataset.h"
#include "engine/synthetic_scene.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace refermap::engine {

// Version of the generator's output: bumped whenever the same seed would give different files.
inline constexpr int kSyntheticGeneratorVersion = 1;

// The projection and ground sampling distance the synthetic rasters are georeferenced with.
inline constexpr int kSyntheticEpsg = 32633; // WGS 84 / UTM zone 33N
inline constexpr double kSyntheticGsd = 0.5; // metres per pixel

struct SyntheticDatasetOptions {
    std::uint64_t seed = 0;
    std::size_t count = 0; // scenes, 1 .. kMaxSyntheticCount
    int size = 128;        // pixels
    double objectScale = 0; // objects sized as in a scene of this many pixels; 0: `size` (see
                            // SyntheticSceneGenerator::Options; recorded in synthetic.json when set)
    std::vector<ExpressionKind> kinds; // the expression kinds used; empty: every kind (recorded when set)
    // Every target of this category (SyntheticSceneGenerator::Options::targetCategory; the only way
    // to get the opt-in SceneCategory::Airplane); none: the default mix (recorded when set).
    std::optional<SceneCategory> targetCategory;
    // Every target in this colour (SyntheticSceneGenerator::Options::targetColour; the only way to
    // get the opt-in SceneColour::Purple); none: the category's palette (recorded when set).
    std::optional<SceneColour> targetColour;
    bool overwrite = false; // replace an existing non-empty folder
};
inline constexpr std::size_t kMaxSyntheticCount = 10'000'000;

struct SyntheticDatasetSummary {
    std::filesystem::path folder;
    std::size_t train = 0;
    std::size_t val = 0;
    std::size_t test = 0;
    std::map<std::string, std::size_t> kinds;      // expression kind -> scenes
    std::map<std::string, std::size_t> categories; // target category -> scenes
};

// Scene `index`'s file stem ("synthetic_000042") and split: indices ending in 8 are val, in 9 test,
// the rest train (80/10/10, the same for any count).
std::string syntheticStem(std::size_t index);
DatasetSplit syntheticSplit(std::size_t index);

// Writes `count` scenes as a RefSegRS-layout folder: images/<stem>.tif (RGB Byte GeoTIFF, tiled,
// DEFLATE, EPSG:32633 at 0.5 m), masks/<stem>.tif (1 band, 0/255, same georeference),
// output_phrase_{train,val,test}.txt (one "<stem> <expression>" line per scene) and synthetic.json
// (seed, count, size, generator version, counts per kind and category, and the object scale, kinds
// and target category when set). Everything is written into a
// temporary folder next to `folder` and renamed into place at the end: a failed or cancelled run
// leaves nothing. An existing empty folder is replaced; a non-empty one only with `overwrite`.
// Progress per scene; cancel between scenes (ErrorCode::Cancelled).
Result<SyntheticDatasetSummary> writeSyntheticDataset(const std::filesystem::path& folder,
                                                      const SyntheticDatasetOptions& options,
                                                      ProgressFeedback& feedback);

struct DemoSceneOptions {
    std::uint64_t seed = 7;
    int size = 1024;
    double objectScale = 384; // objects sized as in a scene of this many pixels
    std::filesystem::path maskPath; // also write the target's 0/255 mask here (optional)
};

// Writes the harbour demonstration scene (SyntheticSceneGenerator::generateHarbour) as a
// Cloud-Optimised GeoTIFF (JPEG, internal overviews) in EPSG:32633 at 0.5 m, atomically. Returns the
// scene, whose expression refers to its target.
Result<SyntheticScene> writeDemoScene(const std::filesystem::path& file, const DemoSceneOptions& options);

} // namespace refermap::engine
