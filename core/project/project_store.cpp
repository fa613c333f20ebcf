#include "project/project_store.h"

#include "common/atomic_file.h"
#include "geo/gdal_dataset.h"
#include "geo/gdal_environment.h"
#include "geo/gdal_error_capture.h"
#include "geo/ogr_transaction.h"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <utility>

namespace refermap::project {

namespace {

constexpr const char* metaTable = "refermap_meta";

std::string quoted(const std::string& text)
{
    std::string out = "'";
    for (char c : text)
        out += (c == '\'') ? std::string("''") : std::string(1, c);
    return out + "'";
}

// Runs a statement that returns no rows; errors carry GDAL's message.
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

Result<std::optional<std::string>> queryValue(GDALDataset& dataset, const std::string& key)
{
    geo::GdalErrorCapture errors;
    const std::string sql = std::string("SELECT value FROM ") + metaTable + " WHERE key = " + quoted(key);
    OGRLayer* result = dataset.ExecuteSQL(sql.c_str(), nullptr, nullptr);
    if (!result)
        return Error(ErrorCode::InvalidData, "cannot read the project settings")
            .withFile(dataset.GetDescription())
            .withKey(key)
            .withDetail(errors.lastError());
    std::optional<std::string> value;
    if (OGRFeatureUniquePtr feature{result->GetNextFeature()})
        value = std::string(feature->GetFieldAsString(0));
    dataset.ReleaseResultSet(result);
    return value;
}

Result<void> writeValue(GDALDataset& dataset, const std::string& key, const std::string& value)
{
    auto transaction = geo::OgrTransaction::begin(dataset);
    if (!transaction)
        return transaction.error();
    const std::string sql = std::string("INSERT OR REPLACE INTO ") + metaTable + " (key, value) VALUES ("
                            + quoted(key) + ", " + quoted(value) + ")";
    if (auto written = execute(dataset, sql); !written)
        return written.error().withKey(key);
    return transaction->commit();
}

} // namespace

struct ProjectStore::Handle {
    geo::GdalDatasetPtr dataset;
};

ProjectStore::ProjectStore(std::filesystem::path path, std::unique_ptr<Handle> handle, int formatVersion)
    : path_(std::move(path))
    , handle_(std::move(handle))
    , formatVersion_(formatVersion)
{
}

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
        geo::GdalDatasetPtr dataset(
            driver->Create(output->temporaryPath().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        if (!dataset)
            return Error(ErrorCode::Io, "cannot create the project").withFile(path.string()).withDetail(errors.lastError());
        auto transaction = geo::OgrTransaction::begin(*dataset);
        if (!transaction)
            return transaction.error().withFile(path.string());
        const std::string table = std::string("CREATE TABLE ") + metaTable
                                  + " (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)";
        const std::string version = std::string("INSERT INTO ") + metaTable + " VALUES ('format_version', "
                                    + quoted(std::to_string(currentFormatVersion)) + ")";
        for (const std::string& sql : {table, version}) {
            if (auto done = execute(*dataset, sql); !done)
                return done.error().withFile(path.string());
        }
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
    geo::GdalDatasetPtr dataset(
        GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, drivers, nullptr, nullptr));
    if (!dataset)
        return Error(ErrorCode::InvalidData, "not a GeoPackage project")
            .withFile(path.string())
            .withDetail(errors.lastError());

    // Without the layer listing check, ExecuteSQL on a missing table would only emit an error.
    bool hasMeta = false;
    {
        OGRLayer* tables = dataset->ExecuteSQL(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'refermap_meta'", nullptr, nullptr);
        if (tables) {
            hasMeta = tables->GetFeatureCount() > 0;
            dataset->ReleaseResultSet(tables);
        }
    }
    if (!hasMeta)
        return Error(ErrorCode::InvalidData, "the GeoPackage is not a ReferMap project (no refermap_meta table)")
            .withFile(path.string());

    auto version = queryValue(*dataset, "format_version");
    if (!version)
        return version.error();
    int formatVersion = 0;
    try {
        formatVersion = version->has_value() ? std::stoi(**version) : 0;
    } catch (const std::exception&) {
        formatVersion = 0;
    }
    if (formatVersion < 1)
        return Error(ErrorCode::InvalidData, "the project has no valid format version")
            .withFile(path.string())
            .withKey("format_version");
    if (formatVersion > currentFormatVersion)
        return Error(ErrorCode::Unsupported, "the project was saved by a newer ReferMap")
            .withFile(path.string())
            .withDetail("format " + std::to_string(formatVersion) + ", this build reads up to "
                        + std::to_string(currentFormatVersion));

    auto handle = std::make_unique<Handle>();
    handle->dataset = std::move(dataset);
    return ProjectStore(path, std::move(handle), formatVersion);
}

Result<void> ProjectStore::setValue(const std::string& key, const std::string& value)
{
    if (key.empty())
        return Error(ErrorCode::InvalidArgument, "empty project setting name").withFile(path_.string());
    if (key == "format_version")
        return Error(ErrorCode::InvalidArgument, "the format version is managed by ReferMap")
            .withFile(path_.string())
            .withKey(key);
    auto written = writeValue(*handle_->dataset, key, value);
    if (!written)
        return written.error().withFile(path_.string());
    return {};
}

Result<std::optional<std::string>> ProjectStore::value(const std::string& key) const
{
    return queryValue(*handle_->dataset, key);
}

} // namespace refermap::project
