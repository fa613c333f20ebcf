#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace refermap::project {

// The records a ProjectStore keeps: plain values, copied in and out. Ids are positive; 0 means
// "not stored yet" (add*() assigns one). JSON fields are stored as the caller's text: the store
// keeps them verbatim and does not interpret them.

// A raster reference the user added to the session.
struct RasterRecord {
    std::int64_t id = 0;
    // Where the raster is. On write the store keeps it relative to the project file's folder when
    // it lies in that folder or below (so a project moved together with its rasters still finds
    // them) and absolute otherwise (see ProjectPaths). On read it is always resolved: absolute,
    // or a GDAL virtual path (/vsizip/…) as given.
    std::filesystem::path path;
    std::string displayName;
    std::string settingsJson = "{}"; // band selection, stretch
};

// A query's result shown as a mask layer over a raster.
struct MaskLayerRecord {
    std::int64_t id = 0;
    std::int64_t rasterId = 0; // must name a stored raster
    std::string name; // empty: the store uses the query text
    std::string queryText;
    std::string settingsJson = "{}"; // model file, model hash, tile, overlap, threshold, bands, device
    std::string colour = "#ff0000"; // "#rrggbb"
    double opacity = 0.5; // 0..1
    bool visible = true;
    int order = 0; // layers are listed by order, then id
    bool outline = false;
    bool edited = false; // the user changed the mask after the query
    // Files the query wrote; stored like RasterRecord::path (relative when possible).
    std::optional<std::filesystem::path> probabilityPath;
    std::optional<std::filesystem::path> maskPath;
    std::int64_t createdMs = 0; // Unix time in milliseconds; 0 on add: now
    std::int64_t modifiedMs = 0; // Unix time in milliseconds; 0 on add/update: now
};

// Where a mask tile lies: tile column/row in a grid of `size`-pixel tiles.
struct MaskTileKey {
    int x = 0;
    int y = 0;
    int size = 0;
    bool operator==(const MaskTileKey& other) const { return x == other.x && y == other.y && size == other.size; }
};

// One tile of a layer's mask as the user left it. Only tiles that differ from the mask file the
// query wrote need storing (the caller decides which); `bytes` are opaque to the store (any
// length, any packing), compressed with deflate on disk and returned byte-exact.
struct MaskTile {
    MaskTileKey key;
    bool edited = false; // true: a training sample for fine-tuning
    std::vector<std::uint8_t> bytes;
};

// Changes to one layer's stored tiles: `tiles` replace the stored tiles with the same keys (or
// are added); `removed` keys are deleted (e.g. a tile edited back to the query's result).
struct MaskTileChanges {
    std::int64_t layerId = 0;
    std::vector<MaskTile> tiles;
    std::vector<MaskTileKey> removed;
};

// A training sample taken from a user's corrections (fine-tuning, engine/correction_samples.h): an
// image chip of a raster, the corrected mask over it and the query text. The chip's pixels are
// stored (as the query saw them: the layer's bands after its stretch), so samples keep working when
// the raster moves and travel with the project; the source is recorded for provenance and refreshes.
struct TrainingSampleInfo {
    std::int64_t id = 0;
    std::int64_t layerId = 0;  // the mask layer whose edits it comes from
    std::int64_t rasterId = 0;
    std::string queryText;
    int x = 0; // the chip in raster pixels
    int y = 0;
    int width = 0;
    int height = 0;
    bool validation = false;  // held out: validation only
    bool positive = false;    // the corrected mask has foreground in the chip
    std::string layerEditsSha256; // hash of the layer's edited tiles when the sample was taken
    std::int64_t createdMs = 0;   // 0 on write: now
};

struct TrainingSample {
    TrainingSampleInfo info;
    // Interleaved RGB, width*height*3 bytes, and the mask, width*height bytes (0/1); deflated on
    // disk (MaskTileCodec) and returned byte-exact.
    std::vector<std::uint8_t> rgb;
    std::vector<std::uint8_t> mask;
};

// The map view: what the user was looking at.
struct ViewState {
    double centreX = 0.0;
    double centreY = 0.0;
    double scale = 1.0; // map units per screen pixel
    double rotationDegrees = 0.0; // the canvas does not rotate yet: 0
    std::optional<std::int64_t> activeLayerId;
    double extentMinX = 0.0;
    double extentMinY = 0.0;
    double extentMaxX = 0.0;
    double extentMaxY = 0.0;
};

// Everything autosave writes. saveSession() makes the stored rasters and mask layers exactly
// these (records not listed are removed, with their tiles), applies the tile changes and stores
// the view, all in one transaction. loadSession() returns rasters, layers and view with no tile
// changes (tiles are read per layer: ProjectStore::maskTiles()).
struct ProjectSession {
    std::vector<RasterRecord> rasters;
    std::vector<MaskLayerRecord> maskLayers;
    std::vector<MaskTileChanges> tileChanges;
    std::optional<ViewState> view;
};

} // namespace refermap::project
