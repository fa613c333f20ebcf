#pragma once

#include "common/progress_feedback.h"
#include "common/result.h"
#include "geo/raster_pipeline.h"

#include <c10/core/Device.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace refermap::model {
struct LoadedBtddnet;
}

namespace refermap::engine {

struct QueryOptions {
    std::filesystem::path raster;
    std::string text;
    std::filesystem::path model;
    std::filesystem::path output; // vector layer: .gpkg, .geojson/.json or .shp
    // The probability raster (Byte 0..255) and the binary mask (0/1); empty: beside the output,
    // "<output stem>.probability.tif" and "<output stem>.mask.tif".
    std::filesystem::path probabilityMask;
    std::filesystem::path binaryMask;
    int tileSize = 0;    // 0: the scene size the model was trained on (provenance query_tile_size), else its input size
    int overlap = -1;    // -1: a quarter of the tile
    double threshold = 0.5; // foreground when the probability is >= this
    std::vector<int> bands; // 1-based; empty: automatic (see geo::RasterSource::open)
    std::optional<double> targetGsd;
    // The global contrast stretch of every band (percentiles of its values), as the display uses.
    double stretchLowPercent = 2.0;
    double stretchHighPercent = 98.0;
    std::string device = "auto"; // auto, cpu, cuda, cuda:N
    int batch = 0;   // tiles per forward; 0: defaultQueryBatch() (8 on CUDA; on the CPU 8 of 128 px, 1 of 448)
    int threads = 0; // compute threads on the CPU; 0: every core
    bool resume = true; // continue from the run journal of an interrupted run of the same command
    double minAreaM2 = 0.0;
    double simplifyTolerance = 0.0;
    std::optional<int> epsg; // output CRS; default the raster's
};

struct QueryReport {
    geo::RasterPipelineReport tiles;
    std::size_t resumedTiles = 0; // taken from the run journal instead of the model
    std::size_t features = 0;
    std::string device;     // e.g. "cpu", "cuda:0"
    std::string runId;
    double modelSeconds = 0.0; // time spent in the network
    double totalSeconds = 0.0;
    std::filesystem::path probabilityMask;
    std::filesystem::path binaryMask;
};

// The ReferMap job: one text query over a whole raster, to a probability raster, a binary mask and
// a vector layer, all in the raster's grid and CRS. The model runs tile by tile (batched, with the
// next tiles read and stretched by a prefetch thread while it runs); a run journal beside the output
// records finished tiles so that rerunning the same command after an interruption continues where it
// stopped, with the same result. Every output appears atomically or not at all; a cancelled run
// leaves no output but keeps its journal. Bad inputs are refused before any work: a missing or corrupt
// model, an empty or overlong query, an unknown device, an unwritable output folder. A tile that fails
// is reported with its reason and left without data. Errors name the file, key or tile.
Result<QueryReport> runQuery(const QueryOptions& options, ProgressFeedback& feedback);

// Tiles per forward when QueryOptions::batch is 0: 8 on CUDA; on the CPU 8 x 128² pixels' worth of
// tiles of `tileSize`, between 1 and 8 (128 px: 8, 256 px: 2, 448 px: 1).
int defaultQueryBatch(const c10::Device& device, int tileSize);

// Where the run journal of a query writing `output` lives.
std::filesystem::path runJournalPath(const std::filesystem::path& output);

// The tile a model sees by default: the scene size it was trained on when its file records it
// (provenance "query_tile_size": tiles are resized to the network's input, so this keeps the ground
// resolution of training), else the network's input size.
int defaultQueryTileSize(const model::LoadedBtddnet& model);

} // namespace refermap::engine
