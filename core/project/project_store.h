#pragma once

#include "common/result.h"
#include "project/project_records.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace refermap::project {

// A ReferMap project file (*.refermap.gpkg): an OGC GeoPackage that GIS tools can open, plus
// ReferMap's own tables. This class owns the open file, checks it really is a ReferMap project of
// a format this build understands, and writes every change inside one transaction (SQLite's
// rollback journal), so a crash or `kill -9` never leaves it half-written: reopening shows the
// last committed state. One thread at a time.
//
// Format 2 tables (format 1 had only refermap_meta):
//   refermap_meta         key/value text: format_version, session_generation, view_state (JSON)
//   refermap_rasters      id, path (relative to the project folder when possible), name, settings
//   refermap_mask_layers  id, raster_id, name, query, settings, style, edited, query files, times
//   refermap_mask_tiles   (layer_id, tile_x, tile_y, tile_size) -> edited, raw_size, deflated BLOB;
//                         indexed by (layer_id, edited) so fine-tuning finds edited tiles quickly.
//   refermap_training_samples  (format 3) id, layer_id, raster_id, query, chip x/y/width/height,
//                         validation, positive, edits hash, created, rgb and mask (deflated BLOBs);
//                         indexed by layer_id.
// Opening a format-1 or format-2 project upgrades it to format 3 in one transaction (its settings
// and records are kept); a newer format is refused.
//
// Errors name the project file, and the table and record ("refermap_mask_layers/7") as the key;
// tile errors also carry the tile column/row.
class ProjectStore {
public:
    static constexpr int currentFormatVersion = 3;

    // Creates a new project; fails if `path` exists. The file appears complete or not at all.
    static Result<ProjectStore> create(const std::filesystem::path& path);
    // Opens an existing project for reading and writing. Refuses files that are not GeoPackages,
    // GeoPackages without ReferMap's tables, and projects of a newer format; upgrades format 1.
    static Result<ProjectStore> open(const std::filesystem::path& path);

    ProjectStore(ProjectStore&&) noexcept;
    ProjectStore& operator=(ProjectStore&&) noexcept;
    ~ProjectStore();

    const std::filesystem::path& path() const { return path_; }
    // The format of the file as it is now (after an upgrade on open: currentFormatVersion).
    int formatVersion() const { return formatVersion_; }
    // The format the file had when open() found it (1 for an upgraded project).
    int openedFormatVersion() const { return openedFormatVersion_; }

    // Project-wide settings (key/value text), each write in its own transaction. Keys the store
    // manages itself (format_version, session_generation, view_state) are refused.
    Result<void> setValue(const std::string& key, const std::string& value);
    Result<std::optional<std::string>> value(const std::string& key) const;

    // Rasters. add() assigns an id when record.id is 0 (a given id must be free) and returns it.
    Result<std::int64_t> addRaster(const RasterRecord& record);
    Result<void> updateRaster(const RasterRecord& record); // NotFound for an unknown id
    // Removes the raster, its mask layers and their tiles.
    Result<void> removeRaster(std::int64_t id);
    Result<std::vector<RasterRecord>> rasters() const; // by id
    Result<RasterRecord> raster(std::int64_t id) const;

    // Mask layers. The raster must exist; an empty name becomes the query text; colour must be
    // "#rrggbb" and opacity 0..1. Times 0 become now (modifiedMs is set to now on every update).
    Result<std::int64_t> addMaskLayer(const MaskLayerRecord& record);
    Result<void> updateMaskLayer(const MaskLayerRecord& record);
    Result<void> removeMaskLayer(std::int64_t id); // and its tiles
    Result<std::vector<MaskLayerRecord>> maskLayers() const; // by order, then id
    Result<MaskLayerRecord> maskLayer(std::int64_t id) const;

    // Mask tiles of one layer. saveMaskTiles() replaces the tiles with the same keys (adds the
    // others) in one transaction; it does not touch other stored tiles of the layer.
    Result<void> saveMaskTiles(std::int64_t layerId, const std::vector<MaskTile>& tiles);
    Result<void> removeMaskTiles(std::int64_t layerId, const std::vector<MaskTileKey>& keys);
    // All stored tiles / only those flagged edited, by (size, y, x). A blob that does not inflate
    // to its recorded size is an InvalidData error naming the layer and the tile.
    Result<std::vector<MaskTile>> maskTiles(std::int64_t layerId) const;
    Result<std::vector<MaskTile>> editedMaskTiles(std::int64_t layerId) const;
    Result<std::vector<MaskTileKey>> editedMaskTileKeys(std::int64_t layerId) const; // no blobs read

    // Training samples (fine-tuning). replaceTrainingSamples() makes the layer's stored samples
    // exactly `samples` (ids assigned; given ids ignored), in one transaction; the layer must exist,
    // rgb must hold width*height*3 bytes and mask width*height. removeMaskLayer()/removeRaster()/
    // saveSession() removing a layer also remove its samples.
    Result<void> replaceTrainingSamples(std::int64_t layerId, const std::vector<TrainingSample>& samples);
    Result<void> removeTrainingSamples(std::int64_t layerId);
    // Every stored sample (no pixels read), by layer then id; layerId > 0: that layer's only.
    Result<std::vector<TrainingSampleInfo>> trainingSamples(std::int64_t layerId = 0) const;
    // One sample with its pixels; NotFound for an unknown id; InvalidData naming the sample when a
    // blob does not inflate to its size.
    Result<TrainingSample> trainingSample(std::int64_t id) const;

    Result<void> setViewState(const ViewState& view);
    Result<std::optional<ViewState>> viewState() const;

    // Autosave: rasters + mask layers (the stored ones become exactly these; ids must be given,
    // see ProjectSession) + tile changes + view, in ONE transaction, so a reopen never sees half
    // a save. Returns the new session generation (1 for the first save).
    Result<std::int64_t> saveSession(const ProjectSession& session);
    Result<ProjectSession> loadSession() const;
    // How many saveSession() calls the file has committed (0: none).
    Result<std::int64_t> sessionGeneration() const;

    // SQLite's PRAGMA integrity_check over the whole file; InvalidData with its report when not "ok".
    Result<void> checkIntegrity() const;

private:
    struct Handle;
    ProjectStore(
        std::filesystem::path path, std::unique_ptr<Handle> handle, int formatVersion, int openedFormatVersion);

    Result<std::vector<MaskTile>> readTiles(std::int64_t layerId, bool editedOnly) const;

    std::filesystem::path path_;
    std::unique_ptr<Handle> handle_;
    int formatVersion_ = 0;
    int openedFormatVersion_ = 0;
};

} // namespace refermap::project
