#include "project/project_store.h"

#include "common/atomic_file.h"
#include "geo/gdal_dataset.h"
#include "geo/gdal_environment.h"
#include "geo/gdal_error_capture.h"
#include "geo/ogr_transaction.h"
#include "project/mask_tile_codec.h"
#include "project/project_paths.h"

#include <gdal_priv.h>
#include <nlohmann/json.hpp>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <functional>
#include <set>
#include <utility>

namespace refermap::project {

namespace {

constexpr const char* metaTable = "refermap_meta";
constexpr const char* rasterTable = "refermap_rasters";
constexpr const char* layerTable = "refermap_mask_layers";
constexpr const char* tileTable = "refermap_mask_tiles";
constexpr const char* sampleTable = "refermap_training_samples";
constexpr const char* formatVersionKey = "format_version";
constexpr const char* generationKey = "session_generation";
constexpr const char* viewStateKey = "view_state";

// Format 2 schema (the session tables). No REFERENCES clauses: SQLite leaves foreign keys unenforced unless a pragma
// turns them on per connection, so the store checks them itself (and removes dependants itself).
const char* const schemaV2[] = {
    "CREATE TABLE refermap_rasters (id INTEGER PRIMARY KEY NOT NULL, path TEXT NOT NULL, "
    "display_name TEXT NOT NULL, settings_json TEXT NOT NULL)",
    "CREATE TABLE refermap_mask_layers (id INTEGER PRIMARY KEY NOT NULL, raster_id INTEGER NOT NULL, "
    "name TEXT NOT NULL, query_text TEXT NOT NULL, settings_json TEXT NOT NULL, colour TEXT NOT NULL, "
    "opacity REAL NOT NULL, visible INTEGER NOT NULL, layer_order INTEGER NOT NULL, outline INTEGER NOT NULL, "
    "edited INTEGER NOT NULL, probability_path TEXT, mask_path TEXT, created_ms INTEGER NOT NULL, "
    "modified_ms INTEGER NOT NULL)",
    "CREATE TABLE refermap_mask_tiles (layer_id INTEGER NOT NULL, tile_x INTEGER NOT NULL, "
    "tile_y INTEGER NOT NULL, tile_size INTEGER NOT NULL, edited INTEGER NOT NULL, raw_size INTEGER NOT NULL, "
    "data BLOB NOT NULL, PRIMARY KEY (layer_id, tile_size, tile_y, tile_x))",
    // Fine-tuning asks "which tiles of this layer did the user edit?": answered from the index.
    "CREATE INDEX refermap_mask_tiles_edited ON refermap_mask_tiles (layer_id, edited)",
};

// What format 3 adds: training samples. The pixels are stored deflated (MaskTileCodec) with their
// raw sizes, so a damaged blob is told apart from a short one.
const char* const schemaV3[] = {
    "CREATE TABLE refermap_training_samples (id INTEGER PRIMARY KEY NOT NULL, layer_id INTEGER NOT NULL, "
    "raster_id INTEGER NOT NULL, query_text TEXT NOT NULL, chip_x INTEGER NOT NULL, chip_y INTEGER NOT NULL, "
    "chip_width INTEGER NOT NULL, chip_height INTEGER NOT NULL, validation INTEGER NOT NULL, "
    "positive INTEGER NOT NULL, layer_edits_sha256 TEXT NOT NULL, created_ms INTEGER NOT NULL, "
    "rgb_raw_size INTEGER NOT NULL, rgb BLOB NOT NULL, mask_raw_size INTEGER NOT NULL, mask BLOB NOT NULL)",
    // Samples are listed, replaced and removed per layer.
    "CREATE INDEX refermap_training_samples_layer ON refermap_training_samples (layer_id)",
};

std::string quoted(const std::string& text)
{
    std::string out = "'";
    for (char c : text)
        out += (c == '\'') ? std::string("''") : std::string(1, c);
    return out + "'";
}

std::string quotedOrNull(const std::optional<std::string>& text)
{
    return text ? quoted(*text) : std::string("NULL");
}

// Shortest round-trip form, independent of the C locale.
std::string sqlNumber(double value)
{
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return ec == std::errc() ? std::string(buffer, end) : std::string("0");
}

std::string hexBlob(const std::vector<std::uint8_t>& bytes)
{
    static const char digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(bytes.size() * 2 + 3);
    out += "X'";
    for (std::uint8_t byte : bytes) {
        out += digits[byte >> 4];
        out += digits[byte & 0x0F];
    }
    out += '\'';
    return out;
}

std::string idList(const std::vector<std::int64_t>& ids)
{
    std::string out = "(";
    for (std::size_t i = 0; i < ids.size(); ++i)
        out += (i ? "," : "") + std::to_string(ids[i]);
    return out + ")";
}

std::string recordKey(const char* table, std::int64_t id)
{
    return std::string(table) + "/" + std::to_string(id);
}

std::int64_t nowMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// Runs a statement that returns no rows; errors carry GDAL's (SQLite's) message.
Result<void> execute(GDALDataset& dataset, const std::string& sql)
{
    geo::GdalErrorCapture errors;
    OGRLayer* result = dataset.ExecuteSQL(sql.c_str(), nullptr, nullptr);
    if (result)
        dataset.ReleaseResultSet(result);
    if (!errors.lastError().empty())
        return Error(ErrorCode::Io, "cannot write to the project")
            .withFile(dataset.GetDescription())
            .withDetail(errors.lastError());
    return {};
}

// Runs a SELECT and calls `row` for each result row (fields in SELECT order).
Result<void> query(GDALDataset& dataset, const std::string& sql, const std::function<Result<void>(OGRFeature&)>& row)
{
    geo::GdalErrorCapture errors;
    OGRLayer* result = dataset.ExecuteSQL(sql.c_str(), nullptr, nullptr);
    if (!errors.lastError().empty() || !result) {
        if (result)
            dataset.ReleaseResultSet(result);
        // A query with no rows may legitimately give no layer; only GDAL's message means failure.
        if (errors.lastError().empty())
            return {};
        return Error(ErrorCode::InvalidData, "cannot read the project")
            .withFile(dataset.GetDescription())
            .withDetail(errors.lastError());
    }
    Result<void> outcome;
    for (OGRFeatureUniquePtr feature {result->GetNextFeature()}; feature; feature.reset(result->GetNextFeature())) {
        outcome = row(*feature);
        if (!outcome)
            break;
    }
    dataset.ReleaseResultSet(result);
    if (outcome && !errors.lastError().empty())
        return Error(ErrorCode::InvalidData, "cannot read the project")
            .withFile(dataset.GetDescription())
            .withDetail(errors.lastError());
    return outcome;
}

Result<std::int64_t> countRows(GDALDataset& dataset, const std::string& sql)
{
    std::int64_t count = 0;
    auto done = query(dataset, sql, [&](OGRFeature& feature) -> Result<void> {
        count = feature.GetFieldAsInteger64(0);
        return {};
    });
    if (!done)
        return done.error();
    return count;
}

Result<bool> exists(GDALDataset& dataset, const char* table, std::int64_t id)
{
    auto count = countRows(dataset, std::string("SELECT COUNT(*) FROM ") + table + " WHERE id = " + std::to_string(id));
    if (!count)
        return count.error();
    return *count > 0;
}

Result<std::int64_t> nextId(GDALDataset& dataset, const char* table)
{
    return countRows(dataset, std::string("SELECT COALESCE(MAX(id), 0) + 1 FROM ") + table);
}

Result<std::optional<std::string>> queryValue(GDALDataset& dataset, const std::string& key)
{
    std::optional<std::string> value;
    auto done = query(dataset, std::string("SELECT value FROM ") + metaTable + " WHERE key = " + quoted(key),
        [&](OGRFeature& feature) -> Result<void> {
            value = std::string(feature.GetFieldAsString(0));
            return {};
        });
    if (!done)
        return done.error().withKey(std::string(metaTable) + "/" + key);
    return value;
}

Result<void> putValue(GDALDataset& dataset, const std::string& key, const std::string& value)
{
    auto written = execute(dataset,
        std::string("INSERT OR REPLACE INTO ") + metaTable + " (key, value) VALUES (" + quoted(key) + ", "
            + quoted(value) + ")");
    if (!written)
        return written.error().withKey(std::string(metaTable) + "/" + key);
    return {};
}

Result<bool> tableExists(GDALDataset& dataset, const std::string& table)
{
    bool found = false;
    auto done = query(dataset, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = " + quoted(table),
        [&](OGRFeature&) -> Result<void> {
            found = true;
            return {};
        });
    if (!done)
        return done.error();
    return found;
}

template <std::size_t N>
Result<void> executeAll(GDALDataset& dataset, const char* const (&statements)[N])
{
    for (const char* sql : statements) {
        if (auto done = execute(dataset, sql); !done)
            return done;
    }
    return {};
}

// The tables format `from` lacks, up to the current format (from = 0: a new project).
Result<void> createSchemaFrom(GDALDataset& dataset, int from)
{
    if (from < 2) {
        if (auto done = executeAll(dataset, schemaV2); !done)
            return done;
    }
    if (from < 3) {
        if (auto done = executeAll(dataset, schemaV3); !done)
            return done;
    }
    return {};
}

// --- validation ------------------------------------------------------------------------------

bool isColour(const std::string& colour)
{
    return colour.size() == 7 && colour[0] == '#' && std::all_of(colour.begin() + 1, colour.end(), [](char c) {
        return std::isxdigit(static_cast<unsigned char>(c));
    });
}

Result<void> validateLayer(const MaskLayerRecord& layer)
{
    const std::string key = recordKey(layerTable, layer.id);
    if (!isColour(layer.colour))
        return Error(ErrorCode::InvalidArgument, "a mask layer colour must be #rrggbb")
            .withKey(key)
            .withDetail(layer.colour);
    if (!std::isfinite(layer.opacity) || layer.opacity < 0.0 || layer.opacity > 1.0)
        return Error(ErrorCode::InvalidArgument, "a mask layer opacity must be between 0 and 1")
            .withKey(key)
            .withDetail(sqlNumber(layer.opacity));
    if (layer.name.empty() && layer.queryText.empty())
        return Error(ErrorCode::InvalidArgument, "a mask layer needs a name or a query text").withKey(key);
    return {};
}

Result<void> validateTileKey(std::int64_t layerId, const MaskTileKey& key)
{
    if (key.size <= 0)
        return Error(ErrorCode::InvalidArgument, "a mask tile needs a positive tile size")
            .withKey(recordKey(tileTable, layerId))
            .withTile(key.x, key.y);
    return {};
}

// --- rows ------------------------------------------------------------------------------------

Result<void> writeRaster(GDALDataset& dataset, const ProjectPaths& paths, const RasterRecord& raster)
{
    if (raster.path.empty())
        return Error(ErrorCode::InvalidArgument, "a raster needs a path").withKey(recordKey(rasterTable, raster.id));
    const std::string sql = std::string("INSERT INTO ") + rasterTable
        + " (id, path, display_name, settings_json) VALUES (" + std::to_string(raster.id) + ", "
        + quoted(paths.toStored(raster.path)) + ", " + quoted(raster.displayName) + ", " + quoted(raster.settingsJson)
        + ") ON CONFLICT(id) DO UPDATE SET path = excluded.path, display_name = "
          "excluded.display_name, settings_json = excluded.settings_json";
    if (auto done = execute(dataset, sql); !done)
        return done.error().withKey(recordKey(rasterTable, raster.id));
    return {};
}

Result<void> writeLayer(GDALDataset& dataset, const ProjectPaths& paths, const MaskLayerRecord& layer)
{
    auto stored = [&](const std::optional<std::filesystem::path>& path) -> std::optional<std::string> {
        if (!path || path->empty())
            return std::nullopt;
        return paths.toStored(*path);
    };
    const std::string sql = std::string("INSERT INTO ") + layerTable
        + " (id, raster_id, name, query_text, settings_json, colour, opacity, visible, layer_order, outline, "
          "edited, probability_path, mask_path, created_ms, modified_ms) VALUES ("
        + std::to_string(layer.id) + ", " + std::to_string(layer.rasterId) + ", "
        + quoted(layer.name.empty() ? layer.queryText : layer.name) + ", " + quoted(layer.queryText) + ", "
        + quoted(layer.settingsJson) + ", " + quoted(layer.colour) + ", " + sqlNumber(layer.opacity) + ", "
        + (layer.visible ? "1" : "0") + ", " + std::to_string(layer.order) + ", " + (layer.outline ? "1" : "0") + ", "
        + (layer.edited ? "1" : "0") + ", " + quotedOrNull(stored(layer.probabilityPath)) + ", "
        + quotedOrNull(stored(layer.maskPath)) + ", " + std::to_string(layer.createdMs) + ", "
        + std::to_string(layer.modifiedMs)
        + ") ON CONFLICT(id) DO UPDATE SET raster_id = excluded.raster_id, name = excluded.name, "
          "query_text = excluded.query_text, settings_json = excluded.settings_json, colour = excluded.colour, "
          "opacity = excluded.opacity, visible = excluded.visible, layer_order = excluded.layer_order, "
          "outline = excluded.outline, edited = excluded.edited, probability_path = excluded.probability_path, "
          "mask_path = excluded.mask_path, created_ms = excluded.created_ms, modified_ms = excluded.modified_ms";
    if (auto done = execute(dataset, sql); !done)
        return done.error().withKey(recordKey(layerTable, layer.id));
    return {};
}

Result<void> writeTiles(GDALDataset& dataset, std::int64_t layerId, const std::vector<MaskTile>& tiles)
{
    for (const MaskTile& tile : tiles) {
        if (auto valid = validateTileKey(layerId, tile.key); !valid)
            return valid;
        if (tile.bytes.empty())
            return Error(ErrorCode::InvalidArgument, "a mask tile without bytes")
                .withKey(recordKey(layerTable, layerId))
                .withTile(tile.key.x, tile.key.y);
        auto compressed = MaskTileCodec::compress(tile.bytes);
        if (!compressed)
            return compressed.error().withKey(recordKey(layerTable, layerId)).withTile(tile.key.x, tile.key.y);
        const std::string sql = std::string("INSERT OR REPLACE INTO ") + tileTable
            + " (layer_id, tile_x, tile_y, tile_size, edited, raw_size, data) VALUES (" + std::to_string(layerId) + ", "
            + std::to_string(tile.key.x) + ", " + std::to_string(tile.key.y) + ", " + std::to_string(tile.key.size)
            + ", " + (tile.edited ? "1" : "0") + ", " + std::to_string(tile.bytes.size()) + ", " + hexBlob(*compressed)
            + ")";
        if (auto done = execute(dataset, sql); !done)
            return done.error().withKey(recordKey(layerTable, layerId)).withTile(tile.key.x, tile.key.y);
    }
    return {};
}

Result<void> deleteTiles(GDALDataset& dataset, std::int64_t layerId, const std::vector<MaskTileKey>& keys)
{
    for (const MaskTileKey& key : keys) {
        const std::string sql = std::string("DELETE FROM ") + tileTable + " WHERE layer_id = " + std::to_string(layerId)
            + " AND tile_x = " + std::to_string(key.x) + " AND tile_y = " + std::to_string(key.y)
            + " AND tile_size = " + std::to_string(key.size);
        if (auto done = execute(dataset, sql); !done)
            return done.error().withKey(recordKey(layerTable, layerId)).withTile(key.x, key.y);
    }
    return {};
}

std::string viewToJson(const ViewState& view)
{
    nlohmann::json json {
        {"centre_x", view.centreX},
        {"centre_y", view.centreY},
        {"scale", view.scale},
        {"rotation_degrees", view.rotationDegrees},
        {"active_layer_id", view.activeLayerId ? nlohmann::json(*view.activeLayerId) : nlohmann::json(nullptr)},
        {"extent", {view.extentMinX, view.extentMinY, view.extentMaxX, view.extentMaxY}},
    };
    return json.dump();
}

Result<ViewState> viewFromJson(const std::string& text)
{
    return captureErrors([&]() -> ViewState {
        try {
            const nlohmann::json json = nlohmann::json::parse(text);
            ViewState view;
            view.centreX = json.at("centre_x").get<double>();
            view.centreY = json.at("centre_y").get<double>();
            view.scale = json.at("scale").get<double>();
            view.rotationDegrees = json.value("rotation_degrees", 0.0);
            if (json.contains("active_layer_id") && !json.at("active_layer_id").is_null())
                view.activeLayerId = json.at("active_layer_id").get<std::int64_t>();
            const auto& extent = json.at("extent");
            view.extentMinX = extent.at(0).get<double>();
            view.extentMinY = extent.at(1).get<double>();
            view.extentMaxX = extent.at(2).get<double>();
            view.extentMaxY = extent.at(3).get<double>();
            return view;
        } catch (const nlohmann::json::exception& e) {
            throw Exception(Error(ErrorCode::InvalidData, "the stored view state is not valid").withDetail(e.what()));
        }
    });
}

Result<void> writeView(GDALDataset& dataset, const ViewState& view)
{
    for (double number : {view.centreX, view.centreY, view.scale, view.rotationDegrees, view.extentMinX,
             view.extentMinY, view.extentMaxX, view.extentMaxY}) {
        if (!std::isfinite(number))
            return Error(ErrorCode::InvalidArgument, "the view state has a non-finite number")
                .withKey(std::string(metaTable) + "/" + viewStateKey);
    }
    return putValue(dataset, viewStateKey, viewToJson(view));
}

Result<std::int64_t> readGeneration(GDALDataset& dataset)
{
    auto stored = queryValue(dataset, generationKey);
    if (!stored)
        return stored.error();
    if (!stored->has_value())
        return std::int64_t {0};
    std::int64_t generation = 0;
    const std::string& text = **stored;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), generation);
    if (ec != std::errc() || end != text.data() + text.size() || generation < 0)
        return Error(ErrorCode::InvalidData, "the stored session generation is not a number")
            .withKey(std::string(metaTable) + "/" + generationKey)
            .withDetail(text);
    return generation;
}

std::optional<std::filesystem::path> optionalPath(const ProjectPaths& paths, OGRFeature& feature, int field)
{
    if (!feature.IsFieldSetAndNotNull(field))
        return std::nullopt;
    return paths.fromStored(feature.GetFieldAsString(field));
}

} // namespace

struct ProjectStore::Handle {
    geo::GdalDatasetPtr dataset;
    ProjectPaths paths;
};

ProjectStore::ProjectStore(
    std::filesystem::path path, std::unique_ptr<Handle> handle, int formatVersion, int openedFormatVersion)
    : path_(std::move(path))
    , handle_(std::move(handle))
    , formatVersion_(formatVersion)
    , openedFormatVersion_(openedFormatVersion)
{ }

ProjectStore::ProjectStore(ProjectStore&&) noexcept = default;
ProjectStore& ProjectStore::operator=(ProjectStore&&) noexcept = default;
ProjectStore::~ProjectStore() = default;

Result<ProjectStore> ProjectStore::create(const std::filesystem::path& path)
{
    geo::ensureGdalInitialised();
    std::error_code ec;
    if (std::filesystem::exists(path, ec))
        return Error(ErrorCode::InvalidArgument, "a file with that name already exists").withFile(path.string());

    auto output = AtomicFile::create(path);
    if (!output)
        return output.error();
    // The GeoPackage driver creates its own file: give it the temporary name, free.
    std::filesystem::remove(output->temporaryPath(), ec);
    {
        geo::GdalErrorCapture errors;
        GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
        if (!driver)
            return Error(ErrorCode::Unsupported, "this GDAL has no GeoPackage driver");
        geo::GdalDatasetPtr dataset(driver->Create(output->temporaryPath().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        if (!dataset)
            return Error(ErrorCode::Io, "cannot create the project")
                .withFile(path.string())
                .withDetail(errors.lastError());
        auto transaction = geo::OgrTransaction::begin(*dataset);
        if (!transaction)
            return transaction.error().withFile(path.string());
        const std::string table
            = std::string("CREATE TABLE ") + metaTable + " (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)";
        if (auto done = execute(*dataset, table); !done)
            return done.error().withFile(path.string()).withKey(metaTable);
        if (auto done = putValue(*dataset, formatVersionKey, std::to_string(currentFormatVersion)); !done)
            return done.error().withFile(path.string());
        if (auto done = createSchemaFrom(*dataset, 0); !done)
            return done.error().withFile(path.string());
        if (auto committed = transaction->commit(); !committed)
            return committed.error().withFile(path.string());
    } // closing the dataset flushes it before the rename
    if (auto committed = output->commit(); !committed)
        return committed.error();
    return open(path);
}

Result<ProjectStore> ProjectStore::open(const std::filesystem::path& path)
{
    geo::ensureGdalInitialised();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        return Error(ErrorCode::NotFound, "the project file does not exist").withFile(path.string());

    geo::GdalErrorCapture errors;
    const char* const drivers[] = {"GPKG", nullptr};
    // Opening for update also rolls back a transaction a crashed writer left in the journal.
    geo::GdalDatasetPtr dataset(
        GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, drivers, nullptr, nullptr));
    if (!dataset)
        return Error(ErrorCode::InvalidData, "not a GeoPackage project")
            .withFile(path.string())
            .withDetail(errors.lastError());

    auto hasMeta = tableExists(*dataset, metaTable);
    if (!hasMeta)
        return hasMeta.error().withFile(path.string());
    if (!*hasMeta)
        return Error(ErrorCode::InvalidData, "the GeoPackage is not a ReferMap project (no refermap_meta table)")
            .withFile(path.string());

    auto version = queryValue(*dataset, formatVersionKey);
    if (!version)
        return version.error().withFile(path.string());
    int formatVersion = 0;
    if (version->has_value()) {
        const std::string& text = **version;
        auto [end, parsed] = std::from_chars(text.data(), text.data() + text.size(), formatVersion);
        if (parsed != std::errc() || end != text.data() + text.size())
            formatVersion = 0;
    }
    if (formatVersion < 1)
        return Error(ErrorCode::InvalidData, "the project has no valid format version")
            .withFile(path.string())
            .withKey(std::string(metaTable) + "/" + formatVersionKey);
    if (formatVersion > currentFormatVersion)
        return Error(ErrorCode::Unsupported, "the project was saved by a newer ReferMap")
            .withFile(path.string())
            .withDetail("format " + std::to_string(formatVersion) + ", this build reads up to "
                + std::to_string(currentFormatVersion));

    // The tables the format found must all be there (format 1 had only refermap_meta).
    std::vector<const char*> expected;
    if (formatVersion >= 2)
        expected.insert(expected.end(), {rasterTable, layerTable, tileTable});
    if (formatVersion >= 3)
        expected.push_back(sampleTable);
    for (const char* table : expected) {
        auto found = tableExists(*dataset, table);
        if (!found)
            return found.error().withFile(path.string());
        if (!*found)
            return Error(ErrorCode::InvalidData, "the project is missing one of its tables")
                .withFile(path.string())
                .withKey(table);
    }
    if (formatVersion < currentFormatVersion) {
        // Add what the older format lacks and record the new format: all or nothing.
        auto transaction = geo::OgrTransaction::begin(*dataset);
        if (!transaction)
            return transaction.error().withFile(path.string());
        Result<void> upgraded = createSchemaFrom(*dataset, formatVersion);
        if (upgraded)
            upgraded = putValue(*dataset, formatVersionKey, std::to_string(currentFormatVersion));
        if (upgraded)
            upgraded = transaction->commit();
        if (!upgraded)
            return Error(ErrorCode::Io,
                "cannot upgrade the format " + std::to_string(formatVersion) + " project to format "
                    + std::to_string(currentFormatVersion))
                .withFile(path.string())
                .withDetail(upgraded.error().message());
    }

    auto handle = std::make_unique<Handle>(Handle {std::move(dataset), ProjectPaths(path)});
    return ProjectStore(path, std::move(handle), currentFormatVersion, formatVersion);
}

Result<void> ProjectStore::setValue(const std::string& key, const std::string& value)
{
    if (key.empty())
        return Error(ErrorCode::InvalidArgument, "empty project setting name").withFile(path_.string());
    if (key == formatVersionKey || key == generationKey || key == viewStateKey)
        return Error(ErrorCode::InvalidArgument, "this project setting is managed by ReferMap")
            .withFile(path_.string())
            .withKey(std::string(metaTable) + "/" + key);
    GDALDataset& dataset = *handle_->dataset;
    auto transaction = geo::OgrTransaction::begin(dataset);
    if (!transaction)
        return transaction.error().withFile(path_.string());
    if (auto written = putValue(dataset, key, value); !written)
        return written.error().withFile(path_.string());
    if (auto committed = transaction->commit(); !committed)
        return committed.error().withFile(path_.string());
    return {};
}

Result<std::optional<std::string>> ProjectStore::value(const std::string& key) const
{
    auto stored = queryValue(*handle_->dataset, key);
    if (!stored)
        return stored.error().withFile(path_.string());
    return stored;
}

// --- rasters ---------------------------------------------------------------------------------

Result<std::int64_t> ProjectStore::addRaster(const RasterRecord& record)
{
    GDALDataset& dataset = *handle_->dataset;
    auto transaction = geo::OgrTransaction::begin(dataset);
    if (!transaction)
        return transaction.error().withFile(path_.string());
    RasterRecord stored = record;
    if (stored.id < 0)
        return Error(ErrorCode::InvalidArgument, "a negative id")
            .withFile(path_.string())
            .withKey(recordKey(rasterTable, stored.id));
    if (stored.id == 0) {
        auto id = nextId(dataset, rasterTable);
        if (!id)
            return id.error().withFile(path_.string()).withKey(rasterTable);
        stored.id = *id;
    } else {
        auto taken = exists(dataset, rasterTable, stored.id);
        if (!taken)
            return taken.error().withFile(path_.string());
        if (*taken)
            return Error(ErrorCode::InvalidArgument, "a raster with this id already exists")
                .withFile(path_.string())
                .withKey(recordKey(rasterTable, stored.id));
    }
    if (auto written = writeRaster(dataset, handle_->paths, stored); !written)
        return written.error().withFile(path_.string());
    if (auto committed = transaction->commit(); !committed)
        return committed.error().withFile(path_.string());
    return stored.id;
}

Result<void> ProjectStore::updateRaster(const RasterRecord& record)
{
    GDALDataset& dataset = *handle_->dataset;
    auto transaction = geo::OgrTransaction::begin(dataset);
    if (!transaction)
        return transaction.error().withFile(path_.string());
    auto found = exists(dataset, rasterTable, record.id);
    if (!found)
        return found.error().withFile(path_.string());
    if (!*found)
        return Error(ErrorCode::NotFound, "no such raster")
            .withFile(path_.string())
            .withKey(recordKey(rasterTable, record.id));
    if (auto written = writeRaster(dataset, handle_->paths, record); !written)
        return written.error().withFile(path_.string());
    return transaction->commit();
}

Result<void> ProjectStore::removeRaster(std::int64_t id)
{
    GDALDataset& dataset = *handle_->dataset;
    auto transaction = geo::OgrTransaction::begin(dataset);
    if (!transaction)
        return transaction.error().withFile(path_.string());
    auto found = exists(dataset, rasterTable, id);
    if (!found)
        return found.error().withFile(path_.string());
    if (!*found)
        return Error(ErrorCode::NotFound, "no such raster")
            .withFile(path_.string())
            .withKey(recordKey(rasterTable, id));
    const std::string ids = std::to_string(id);
    const std::string layersOfRaster = std::string("(SELECT id FROM ") + layerTable + " WHERE raster_id = " + ids + ")";
    for (const std::string& sql : {std::string("DELETE FROM ") + tileTable + " WHERE layer_id IN " + layersOfRaster,
             std::string("DELETE FROM ") + sampleTable + " WHERE layer_id IN " + layersOfRaster,
             std::string("DELETE FROM ") + layerTable + " WHERE raster_id = " + ids,
             std::string("DELETE FROM ") + rasterTable + " WHERE id = " + ids}) {
        if (auto done = execute(dataset, sql); !done)
            return done.error().withFile(path_.string()).withKey(recordKey(rasterTable, id));
    }
    return transaction->commit();
}

namespace {

// The record with `id` among `all` (the tables are small: a project holds tens of records).
template <typename Record>
Result<Record> findRecord(Result<std::vector<Record>> all, std::int64_t id, const char* missing,
                          const std::filesystem::path& file, const char* table)
{
    if (!all)
        return all.error();
    for (Record& record : *all)
        if (record.id == id)
            return std::move(record);
    return Error(ErrorCode::NotFound, missing).withFile(file.string()).withKey(recordKey(table, id));
}

} // namespace

Result<std::vector<RasterRecord>> ProjectStore::rasters() const
{
    std::vector<RasterRecord> out;
    auto done = query(*handle_->dataset,
        std::string("SELECT id + 0, path, display_name, settings_json FROM ") + rasterTable + " ORDER BY id",
        [&](OGRFeature& feature) -> Result<void> {
            RasterRecord raster;
            raster.id = feature.GetFieldAsInteger64(0);
            raster.path = handle_->paths.fromStored(feature.GetFieldAsString(1));
            raster.displayName = feature.GetFieldAsString(2);
            raster.settingsJson = feature.GetFieldAsString(3);
            out.push_back(std::move(raster));
            return {};
        });
    if (!done)
        return done.error().withFile(path_.string()).withKey(rasterTable);
    return out;
}

Result<RasterRecord> ProjectStore::raster(std::int64_t id) const
{
    return findRecord(rasters(), id, "no such raster", path_, rasterTable);
}

// --- mask layers -----------------------------------------------------------------------------

Result<std::int64_t> ProjectStore::addMaskLayer(const MaskLayerRecord& record)
{
    if (auto valid = validateLayer(record); !valid)
        return valid.error().withFile(path_.string());
    if (record.id < 0)
        return Error(ErrorCode::InvalidArgument, "a negative id")
            .withFile(path_.string())
            .withKey(recordKey(layerTable, record.id));
    GDALDataset& dataset = *handle_->dataset;
    auto transaction = geo::OgrTransaction::begin(dataset);
    if (!transaction)
        return transaction.error().withFile(path_.string());
    auto rasterFound = exists(dataset, rasterTable, record.rasterId);
    if (!rasterFound)
        return rasterFound.error().withFile(path_.string());
    if (!*rasterFound)
        return Error(ErrorCode::NotFound, "the mask layer's raster is not in the project")
            .withFile(path_.string())
            .withKey(recordKey(rasterTable, record.rasterId));
    MaskLayerRecord stored = record;
    if (stored.id == 0) {
        auto id = nextId(dataset, layerTable);
        if (!id)
            return id.error().withFile(path_.string()).withKey(layerTable);
        stored.id = *id;
    } else {
        auto taken = exists(dataset, layerTable, stored.id);
        if (!taken)
            return taken.error().withFile(path_.string());
        if (*taken)
            return Error(ErrorCode::InvalidArgument, "a mask layer with this id already exists")
                .withFile(path_.string())
                .withKey(recordKey(layerTable, stored.id));
    }
    const std::int64_t now = nowMs();
    if (stored.createdMs == 0)
        stored.createdMs = now;
    if (stored.modifiedMs == 0)
        stored.modifiedMs = now;
    if (auto written = writeLayer(dataset, handle_->paths, stored); !written)
        return written.error().withFile(path_.string());
    if (auto committed = transaction->commit(); !committed)
        return committed.error().withFile(path_.string());
    return stored.id;
}

Result<void> ProjectStore::updateMaskLayer(const MaskLayerRecord& record)
{
    if (auto valid = validateLayer(record); !valid)
        return valid.error().withFile(path_.string());
    GDALDataset& dataset = *handle_->dataset;
    auto transaction = geo::OgrTransaction::begin(dataset);
    if (!transaction)
        return transaction.error().withFile(path_.string());
    for (auto [table, id] : {std::pair {layerTable, record.id}, std::pair {rasterTable, record.rasterId}}) {
        auto found = exists(dataset, table, id);
        if (!found)
            return found.error().withFile(path_.string());
        if (!*found)
            return Error(ErrorCode::NotFound,
                table == layerTable ? "no such mask layer" : "the mask layer's raster is not in the project")
                .withFile(path_.string())
                .withKey(recordKey(table, id));
    }
    MaskLayerRecord stored = record;
    if (stored.createdMs == 0) {
        // Keep the stored creation time rather than inventing one.
        auto created = countRows(
            dataset, std::string("SELECT created_ms FROM ") + layerTable + " WHERE id = " + std::to_string(stored.id));
        if (!created)
            return created.error().withFile(path_.string()).withKey(recordKey(layerTable, stored.id));
        stored.createdMs = *created;
    }
    stored.modifiedMs = nowMs();
    if (auto written = writeLayer(dataset, handle_->paths, stored); !written)
        return written.error().withFile(path_.string());
    return transaction->commit();
}

Result<void> ProjectStore::removeMaskLayer(std::int64_t id)
{
    GDALDataset& dataset = *handle_->dataset;
    auto transaction = geo::OgrTransaction::begin(dataset);
    if (!transaction)
        return transaction.error().withFile(path_.string());
    auto found = exists(dataset, layerTable, id);
    if (!found)
        return found.error().withFile(path_.string());
    if (!*found)
        return Error(ErrorCode::NotFound, "no such mask layer")
            .withFile(path_.string())
            .withKey(recordKey(layerTable, id));
    for (const std::string& sql : {std::string("DELETE FROM ") + tileTable + " WHERE layer_id = " + std::to_string(id),
             std::string("DELETE FROM ") + sampleTable + " WHERE layer_id = " + std::to_string(id),
             std::string("DELETE FROM ") + layerTable + " WHERE id = " + std::to_string(id)}) {
        if (auto done = execute(dataset, sql); !done)
            return done.error().withFile(path_.string()).withKey(recordKey(layerTable, id));
    }
    return transaction->commit();
}

Result<std::vector<MaskLayerRecord>> ProjectStore::maskLayers() const
{
    std::vector<MaskLayerRecord> out;
    auto done = query(*handle_->dataset,
        std::string("SELECT id + 0, raster_id, name, query_text, settings_json, colour, opacity, visible, layer_order, "
                    "outline, edited, probability_path, mask_path, created_ms, modified_ms FROM ")
            + layerTable + " ORDER BY layer_order, id",
        [&](OGRFeature& feature) -> Result<void> {
            MaskLayerRecord layer;
            layer.id = feature.GetFieldAsInteger64(0);
            layer.rasterId = feature.GetFieldAsInteger64(1);
            layer.name = feature.GetFieldAsString(2);
            layer.queryText = feature.GetFieldAsString(3);
            layer.settingsJson = feature.GetFieldAsString(4);
            layer.colour = feature.GetFieldAsString(5);
            layer.opacity = feature.GetFieldAsDouble(6);
            layer.visible = feature.GetFieldAsInteger64(7) != 0;
            layer.order = static_cast<int>(feature.GetFieldAsInteger64(8));
            layer.outline = feature.GetFieldAsInteger64(9) != 0;
            layer.edited = feature.GetFieldAsInteger64(10) != 0;
            layer.probabilityPath = optionalPath(handle_->paths, feature, 11);
            layer.maskPath = optionalPath(handle_->paths, feature, 12);
            layer.createdMs = feature.GetFieldAsInteger64(13);
            layer.modifiedMs = feature.GetFieldAsInteger64(14);
            out.push_back(std::move(layer));
            return {};
        });
    if (!done)
        return done.error().withFile(path_.string()).withKey(layerTable);
    return out;
}

Result<MaskLayerRecord> ProjectStore::maskLayer(std::int64_t id) const
{
    return findRecord(maskLayers(), id, "no such mask layer", path_, layerTable);
}

// --- mask tiles ------------------------------------------------------------------------------

Result<void> ProjectStore::saveMaskTiles(std::int64_t layerId, const std::vector<MaskTile>& tiles)
{
    GDALDataset& dataset = *handle_->dataset;
    auto transaction = geo::OgrTransaction::begin(dataset);
    if (!transaction)
        return transaction.error().withFile(path_.string());
    auto found = exists(dataset, layerTable, layerId);
    if (!found)
        return found.error().withFile(path_.string());
    if (!*found)
        return Error(ErrorCode::NotFound, "no such mask layer")
            .withFile(path_.string())
            .withKey(recordKey(layerTable, layerId));
    if (auto written = writeTiles(dataset, layerId, tiles); !written)
        return written.error().withFile(path_.string());
    return transaction->commit();
}

Result<void> ProjectStore::removeMaskTiles(std::int64_t layerId, const std::vector<MaskTileKey>& keys)
{
    GDALDataset& dataset = *handle_->dataset;
    auto transaction = geo::OgrTransaction::begin(dataset);
    if (!transaction)
        return transaction.error().withFile(path_.string());
    if (auto removed = deleteTiles(dataset, layerId, keys); !removed)
        return removed.error().withFile(path_.string());
    return transaction->commit();
}

Result<std::vector<MaskTile>> ProjectStore::readTiles(std::int64_t layerId, bool editedOnly) const
{
    GDALDataset& dataset = *handle_->dataset;
    auto found = exists(dataset, layerTable, layerId);
    if (!found)
        return found.error().withFile(path_.string());
    if (!*found)
        return Error(ErrorCode::NotFound, "no such mask layer")
            .withFile(path_.string())
            .withKey(recordKey(layerTable, layerId));
    std::vector<MaskTile> out;
    const std::string key = recordKey(tileTable, layerId);
    auto done = query(dataset,
        std::string("SELECT tile_x, tile_y, tile_size, edited, raw_size, data FROM ") + tileTable + " WHERE layer_id = "
            + std::to_string(layerId) + (editedOnly ? " AND edited = 1" : "") + " ORDER BY tile_size, tile_y, tile_x",
        [&](OGRFeature& feature) -> Result<void> {
            MaskTile tile;
            tile.key.x = static_cast<int>(feature.GetFieldAsInteger64(0));
            tile.key.y = static_cast<int>(feature.GetFieldAsInteger64(1));
            tile.key.size = static_cast<int>(feature.GetFieldAsInteger64(2));
            tile.edited = feature.GetFieldAsInteger64(3) != 0;
            const std::int64_t rawSize = feature.GetFieldAsInteger64(4);
            int blobSize = 0;
            const GByte* blob = feature.GetFieldAsBinary(5, &blobSize);
            if (rawSize < 0 || !blob || blobSize <= 0)
                return Error(ErrorCode::InvalidData, "a stored mask tile has no data")
                    .withFile(path_.string())
                    .withKey(key)
                    .withTile(tile.key.x, tile.key.y);
            auto bytes = MaskTileCodec::decompress(
                blob, static_cast<std::size_t>(blobSize), static_cast<std::size_t>(rawSize));
            if (!bytes)
                return bytes.error().withFile(path_.string()).withKey(key).withTile(tile.key.x, tile.key.y);
            tile.bytes = std::move(*bytes);
            out.push_back(std::move(tile));
            return {};
        });
    if (!done)
        return done.error().withFile(path_.string()).withKey(done.error().key().value_or(key));
    return out;
}

Result<std::vector<MaskTile>> ProjectStore::maskTiles(std::int64_t layerId) const
{
    return readTiles(layerId, false);
}

Result<std::vector<MaskTile>> ProjectStore::editedMaskTiles(std::int64_t layerId) const
{
    return readTiles(layerId, true);
}

Result<std::vector<MaskTileKey>> ProjectStore::editedMaskTileKeys(std::int64_t layerId) const
{
    std::vector<MaskTileKey> out;
    auto done = query(*handle_->dataset,
        std::string("SELECT tile_x, tile_y, tile_size FROM ") + tileTable
            + " WHERE layer_id = " + std::to_string(layerId) + " AND edited = 1 ORDER BY tile_size, tile_y, tile_x",
        [&](OGRFeature& feature) -> Result<void> {
            out.push_back({static_cast<int>(feature.GetFieldAsInteger64(0)),
                static_cast<int>(feature.GetFieldAsInteger64(1)), static_cast<int>(feature.GetFieldAsInteger64(2))});
            return {};
        });
    if (!done)
        return done.error().withFile(path_.string()).withKey(recordKey(tileTable, layerId));
    return out;
}

// --- training samples ------------------------------------------------------------------------

namespace {

// A sample's chip must be a real rectangle in the raster and its pixels must fill it exactly.
Result<void> validateSample(std::int64_t layerId, std::size_t index, const TrainingSample& sample)
{
    const TrainingSampleInfo& info = sample.info;
    const std::string where = "sample " + std::to_string(index);
    const auto invalid = [&](const char* what, const std::string& detail) {
        return Error(ErrorCode::InvalidArgument, what)
            .withKey(recordKey(layerTable, layerId))
            .withDetail(where + ": " + detail);
    };
    if (info.width <= 0 || info.height <= 0 || info.x < 0 || info.y < 0)
        return invalid("a training sample's chip must lie in the raster and have a positive size",
            "x " + std::to_string(info.x) + ", y " + std::to_string(info.y) + ", " + std::to_string(info.width)
                + " x " + std::to_string(info.height));
    const std::size_t pixels = static_cast<std::size_t>(info.width) * static_cast<std::size_t>(info.height);
    if (sample.rgb.size() != pixels * 3)
        return invalid("a training sample's RGB bytes do not match its chip",
            std::to_string(sample.rgb.size()) + " bytes, width*height*3 = " + std::to_string(pixels * 3));
    if (sample.mask.size() != pixels)
        return invalid("a training sample's mask bytes do not match its chip",
            std::to_string(sample.mask.size()) + " bytes, width*height = " + std::to_string(pixels));
    return {};
}

constexpr const char* sampleInfoColumns = "id + 0, layer_id, raster_id, query_text, chip_x, chip_y, chip_width, "
                                          "chip_height, validation, positive, layer_edits_sha256, created_ms";

TrainingSampleInfo sampleInfoFrom(OGRFeature& feature)
{
    TrainingSampleInfo info;
    info.id = feature.GetFieldAsInteger64(0);
    info.layerId = feature.GetFieldAsInteger64(1);
    info.rasterId = feature.GetFieldAsInteger64(2);
    info.queryText = feature.GetFieldAsString(3);
    info.x = static_cast<int>(feature.GetFieldAsInteger64(4));
    info.y = static_cast<int>(feature.GetFieldAsInteger64(5));
    info.width = static_cast<int>(feature.GetFieldAsInteger64(6));
    info.height = static_cast<int>(feature.GetFieldAsInteger64(7));
    info.validation = feature.GetFieldAsInteger64(8) != 0;
    info.positive = feature.GetFieldAsInteger64(9) != 0;
    info.layerEditsSha256 = feature.GetFieldAsString(10);
    info.createdMs = feature.GetFieldAsInteger64(11);
    return info;
}

// Inflates one of a sample's blobs (fields `sizeField`, `sizeField + 1`); `what` names it in errors.
Result<std::vector<std::uint8_t>> inflateSampleBlob(OGRFeature& feature, int sizeField, const char* what)
{
    const std::int64_t rawSize = feature.GetFieldAsInteger64(sizeField);
    int blobSize = 0;
    const GByte* blob = feature.GetFieldAsBinary(sizeField + 1, &blobSize);
    if (rawSize < 0 || !blob || blobSize <= 0)
        return Error(ErrorCode::InvalidData, std::string("a stored training sample has no ") + what + " data");
    auto bytes
        = MaskTileCodec::decompress(blob, static_cast<std::size_t>(blobSize), static_cast<std::size_t>(rawSize));
    if (!bytes)
        return Error(ErrorCode::InvalidData, std::string("a stored training sample's ") + what + " data is damaged")
            .withDetail(bytes.error().message());
    return bytes;
}

} // namespace

Result<void> ProjectStore::replaceTrainingSamples(std::int64_t layerId, const std::vector<TrainingSample>& samples)
{
    for (std::size_t i = 0; i < samples.size(); ++i) {
        if (auto valid = validateSample(layerId, i, samples[i]); !valid)
            return valid.error().withFile(path_.string());
    }
    GDALDataset& dataset = *handle_->dataset;
    auto transaction = geo::OgrTransaction::begin(dataset);
    if (!transaction)
        return transaction.error().withFile(path_.string());
    const std::string layerKey = recordKey(layerTable, layerId);
    // The layer's raster, which also tells whether the layer exists.
    std::optional<std::int64_t> rasterId;
    auto found = query(dataset,
        std::string("SELECT raster_id FROM ") + layerTable + " WHERE id = " + std::to_string(layerId),
        [&](OGRFeature& feature) -> Result<void> {
            rasterId = feature.GetFieldAsInteger64(0);
            return {};
        });
    if (!found)
        return found.error().withFile(path_.string()).withKey(layerKey);
    if (!rasterId)
        return Error(ErrorCode::NotFound, "no such mask layer").withFile(path_.string()).withKey(layerKey);
    for (std::size_t i = 0; i < samples.size(); ++i) {
        // The samples belong to the layer's raster; a caller naming another one has mixed layers up.
        const std::int64_t given = samples[i].info.rasterId;
        if (given != 0 && given != *rasterId)
            return Error(ErrorCode::InvalidArgument, "a training sample names a raster other than its layer's")
                .withFile(path_.string())
                .withKey(layerKey)
                .withDetail("sample " + std::to_string(i) + ": raster " + std::to_string(given) + ", the layer's is "
                    + std::to_string(*rasterId));
    }
    if (auto removed = execute(dataset,
            std::string("DELETE FROM ") + sampleTable + " WHERE layer_id = " + std::to_string(layerId));
        !removed)
        return removed.error().withFile(path_.string()).withKey(layerKey);
    auto firstId = nextId(dataset, sampleTable);
    if (!firstId)
        return firstId.error().withFile(path_.string()).withKey(sampleTable);
    const std::int64_t now = nowMs();
    for (std::size_t i = 0; i < samples.size(); ++i) {
        const TrainingSample& sample = samples[i];
        const TrainingSampleInfo& info = sample.info;
        const std::int64_t id = *firstId + static_cast<std::int64_t>(i);
        const std::string key = recordKey(sampleTable, id);
        auto rgb = MaskTileCodec::compress(sample.rgb);
        if (!rgb)
            return rgb.error().withFile(path_.string()).withKey(key);
        auto mask = MaskTileCodec::compress(sample.mask);
        if (!mask)
            return mask.error().withFile(path_.string()).withKey(key);
        const std::string sql = std::string("INSERT INTO ") + sampleTable
            + " (id, layer_id, raster_id, query_text, chip_x, chip_y, chip_width, chip_height, validation, positive, "
              "layer_edits_sha256, created_ms, rgb_raw_size, rgb, mask_raw_size, mask) VALUES ("
            + std::to_string(id) + ", " + std::to_string(layerId) + ", " + std::to_string(*rasterId) + ", "
            + quoted(info.queryText) + ", " + std::to_string(info.x) + ", " + std::to_string(info.y) + ", "
            + std::to_string(info.width) + ", " + std::to_string(info.height) + ", " + (info.validation ? "1" : "0")
            + ", " + (info.positive ? "1" : "0") + ", " + quoted(info.layerEditsSha256) + ", "
            + std::to_string(info.createdMs == 0 ? now : info.createdMs) + ", " + std::to_string(sample.rgb.size())
            + ", " + hexBlob(*rgb) + ", " + std::to_string(sample.mask.size()) + ", " + hexBlob(*mask) + ")";
        if (auto written = execute(dataset, sql); !written)
            return written.error().withFile(path_.string()).withKey(key);
    }
    if (auto committed = transaction->commit(); !committed)
        return committed.error().withFile(path_.string());
    return {};
}

Result<void> ProjectStore::removeTrainingSamples(std::int64_t layerId)
{
    GDALDataset& dataset = *handle_->dataset;
    auto transaction = geo::OgrTransaction::begin(dataset);
    if (!transaction)
        return transaction.error().withFile(path_.string());
    if (auto removed = execute(dataset,
            std::string("DELETE FROM ") + sampleTable + " WHERE layer_id = " + std::to_string(layerId));
        !removed)
        return removed.error().withFile(path_.string()).withKey(recordKey(layerTable, layerId));
    if (auto committed = transaction->commit(); !committed)
        return committed.error().withFile(path_.string());
    return {};
}

Result<std::vector<TrainingSampleInfo>> ProjectStore::trainingSamples(std::int64_t layerId) const
{
    std::vector<TrainingSampleInfo> out;
    const std::string where = layerId > 0 ? " WHERE layer_id = " + std::to_string(layerId) : std::string();
    auto done = query(*handle_->dataset,
        std::string("SELECT ") + sampleInfoColumns + " FROM " + sampleTable + where + " ORDER BY layer_id, id",
        [&](OGRFeature& feature) -> Result<void> {
            out.push_back(sampleInfoFrom(feature));
            return {};
        });
    if (!done)
        return done.error().withFile(path_.string()).withKey(sampleTable);
    return out;
}

Result<TrainingSample> ProjectStore::trainingSample(std::int64_t id) const
{
    const std::string key = recordKey(sampleTable, id);
    std::optional<TrainingSample> sample;
    auto done = query(*handle_->dataset,
        std::string("SELECT ") + sampleInfoColumns + ", rgb_raw_size, rgb, mask_raw_size, mask FROM " + sampleTable
            + " WHERE id = " + std::to_string(id),
        [&](OGRFeature& feature) -> Result<void> {
            TrainingSample read;
            read.info = sampleInfoFrom(feature);
            auto rgb = inflateSampleBlob(feature, 12, "RGB");
            if (!rgb)
                return rgb.error();
            auto mask = inflateSampleBlob(feature, 14, "mask");
            if (!mask)
                return mask.error();
            read.rgb = std::move(*rgb);
            read.mask = std::move(*mask);
            const std::size_t pixels
                = static_cast<std::size_t>(std::max(read.info.width, 0)) * static_cast<std::size_t>(std::max(read.info.height, 0));
            if (read.rgb.size() != pixels * 3 || read.mask.size() != pixels)
                return Error(ErrorCode::InvalidData, "a stored training sample's pixels do not match its chip")
                    .withDetail(std::to_string(read.info.width) + " x " + std::to_string(read.info.height) + ", "
                        + std::to_string(read.rgb.size()) + " RGB and " + std::to_string(read.mask.size())
                        + " mask bytes");
            sample = std::move(read);
            return {};
        });
    if (!done)
        return done.error().withFile(path_.string()).withKey(key);
    if (!sample)
        return Error(ErrorCode::NotFound, "no such training sample").withFile(path_.string()).withKey(key);
    return std::move(*sample);
}

// --- view and session ------------------------------------------------------------------------

Result<void> ProjectStore::setViewState(const ViewState& view)
{
    GDALDataset& dataset = *handle_->dataset;
    auto transaction = geo::OgrTransaction::begin(dataset);
    if (!transaction)
        return transaction.error().withFile(path_.string());
    if (auto written = writeView(dataset, view); !written)
        return written.error().withFile(path_.string());
    return transaction->commit();
}

Result<std::optional<ViewState>> ProjectStore::viewState() const
{
    auto stored = queryValue(*handle_->dataset, viewStateKey);
    if (!stored)
        return stored.error().withFile(path_.string());
    if (!stored->has_value())
        return std::optional<ViewState>();
    auto view = viewFromJson(**stored);
    if (!view)
        return view.error().withFile(path_.string()).withKey(std::string(metaTable) + "/" + viewStateKey);
    return std::optional<ViewState>(*view);
}

Result<std::int64_t> ProjectStore::sessionGeneration() const
{
    auto generation = readGeneration(*handle_->dataset);
    if (!generation)
        return generation.error().withFile(path_.string());
    return generation;
}

Result<std::int64_t> ProjectStore::saveSession(const ProjectSession& session)
{
    // Check everything before writing anything.
    std::vector<std::int64_t> rasterIds;
    std::vector<std::int64_t> layerIds;
    for (const RasterRecord& raster : session.rasters) {
        if (raster.id <= 0)
            return Error(ErrorCode::InvalidArgument, "a saved session's rasters need ids (use addRaster first)")
                .withFile(path_.string())
                .withKey(recordKey(rasterTable, raster.id));
        rasterIds.push_back(raster.id);
    }
    for (const MaskLayerRecord& layer : session.maskLayers) {
        if (layer.id <= 0)
            return Error(ErrorCode::InvalidArgument, "a saved session's mask layers need ids (use addMaskLayer first)")
                .withFile(path_.string())
                .withKey(recordKey(layerTable, layer.id));
        if (auto valid = validateLayer(layer); !valid)
            return valid.error().withFile(path_.string());
        if (std::find(rasterIds.begin(), rasterIds.end(), layer.rasterId) == rasterIds.end())
            return Error(ErrorCode::InvalidArgument, "a mask layer's raster is not in the saved session")
                .withFile(path_.string())
                .withKey(recordKey(layerTable, layer.id))
                .withDetail("raster " + std::to_string(layer.rasterId));
        layerIds.push_back(layer.id);
    }
    for (const auto& [ids, table] : {std::pair {&rasterIds, rasterTable}, std::pair {&layerIds, layerTable}}) {
        if (std::set<std::int64_t>(ids->begin(), ids->end()).size() != ids->size())
            return Error(ErrorCode::InvalidArgument, "the saved session lists an id twice")
                .withFile(path_.string())
                .withKey(table);
    }
    for (const MaskTileChanges& changes : session.tileChanges) {
        if (std::find(layerIds.begin(), layerIds.end(), changes.layerId) == layerIds.end())
            return Error(ErrorCode::InvalidArgument, "tile changes for a mask layer not in the saved session")
                .withFile(path_.string())
                .withKey(recordKey(layerTable, changes.layerId));
    }

    GDALDataset& dataset = *handle_->dataset;
    auto transaction = geo::OgrTransaction::begin(dataset);
    if (!transaction)
        return transaction.error().withFile(path_.string());
    auto fail = [&](const Error& error) { return error.withFile(path_.string()); };

    // What the session no longer holds goes first, with its tiles and training samples.
    for (const std::string& sql :
        {std::string("DELETE FROM ") + tileTable + " WHERE layer_id NOT IN " + idList(layerIds),
            std::string("DELETE FROM ") + sampleTable + " WHERE layer_id NOT IN " + idList(layerIds),
            std::string("DELETE FROM ") + layerTable + " WHERE id NOT IN " + idList(layerIds),
            std::string("DELETE FROM ") + rasterTable + " WHERE id NOT IN " + idList(rasterIds)}) {
        if (auto done = execute(dataset, sql); !done)
            return fail(done.error());
    }
    for (const RasterRecord& raster : session.rasters) {
        if (auto written = writeRaster(dataset, handle_->paths, raster); !written)
            return fail(written.error());
    }
    const std::int64_t now = nowMs();
    for (MaskLayerRecord layer : session.maskLayers) {
        if (layer.createdMs == 0)
            layer.createdMs = now;
        if (layer.modifiedMs == 0)
            layer.modifiedMs = now;
        if (auto written = writeLayer(dataset, handle_->paths, layer); !written)
            return fail(written.error());
    }
    for (const MaskTileChanges& changes : session.tileChanges) {
        if (auto removed = deleteTiles(dataset, changes.layerId, changes.removed); !removed)
            return fail(removed.error());
        if (auto written = writeTiles(dataset, changes.layerId, changes.tiles); !written)
            return fail(written.error());
    }
    if (session.view) {
        if (auto written = writeView(dataset, *session.view); !written)
            return fail(written.error());
    }
    auto generation = readGeneration(dataset);
    if (!generation)
        return fail(generation.error());
    const std::int64_t next = *generation + 1;
    if (auto written = putValue(dataset, generationKey, std::to_string(next)); !written)
        return fail(written.error());
    if (auto committed = transaction->commit(); !committed)
        return fail(committed.error());
    return next;
}

Result<ProjectSession> ProjectStore::loadSession() const
{
    ProjectSession session;
    auto rasterList = rasters();
    if (!rasterList)
        return rasterList.error();
    session.rasters = std::move(*rasterList);
    auto layerList = maskLayers();
    if (!layerList)
        return layerList.error();
    session.maskLayers = std::move(*layerList);
    auto view = viewState();
    if (!view)
        return view.error();
    session.view = *view;
    return session;
}

Result<void> ProjectStore::checkIntegrity() const
{
    std::string report;
    auto done = query(*handle_->dataset, "PRAGMA integrity_check", [&](OGRFeature& feature) -> Result<void> {
        if (!report.empty())
            report += "; ";
        report += feature.GetFieldAsString(0);
        return {};
    });
    if (!done)
        return done.error().withFile(path_.string());
    if (report != "ok")
        return Error(ErrorCode::InvalidData, "the project file is damaged (SQLite integrity check)")
            .withFile(path_.string())
            .withDetail(report.empty() ? std::string("no report") : report);
    return {};
}

} // namespace refermap::project
