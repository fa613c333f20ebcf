#include "geo/crs_lookup.h"

#include "geo/gdal_environment.h"

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <cstdlib>
#include <memory>
#include <system_error>

namespace refermap::geo {

namespace {

CrsDescription describe(const OGRSpatialReference& reference, int epsg)
{
    CrsDescription description;
    description.epsg = epsg;
    if (const char* name = reference.GetName())
        description.name = name;
    char* wkt = nullptr;
    const char* options[] = {"FORMAT=WKT2_2019", nullptr};
    if (reference.exportToWkt(&wkt, options) == OGRERR_NONE && wkt)
        description.wkt = wkt;
    CPLFree(wkt);
    description.geographic = reference.IsGeographic() != 0;
    return description;
}

} // namespace

Result<CrsDescription> lookupEpsg(int epsg)
{
    if (epsg <= 0)
        return Error(ErrorCode::InvalidArgument, "an EPSG code must be a positive number")
            .withKey("EPSG:" + std::to_string(epsg));
    OGRSpatialReference reference;
    // Quiet: an unknown code is an answer here, not a failure worth a GDAL warning on stderr.
    CPLPushErrorHandler(CPLQuietErrorHandler);
    const OGRErr status = reference.importFromEPSG(epsg);
    const std::string gdalMessage = CPLGetLastErrorMsg();
    CPLPopErrorHandler();
    if (status != OGRERR_NONE)
        return Error(ErrorCode::InvalidArgument, "unknown EPSG code")
            .withKey("EPSG:" + std::to_string(epsg))
            .withDetail(gdalMessage.empty() ? "not in the PROJ database" : gdalMessage);
    return describe(reference, epsg);
}

Result<CrsDescription> rasterCrs(const std::filesystem::path& path)
{
    ensureGdalInitialised();
    std::error_code status;
    if (!std::filesystem::is_regular_file(path, status))
        return Error(ErrorCode::NotFound, "the raster does not exist").withFile(path.string());
    CPLPushErrorHandler(CPLQuietErrorHandler);
    std::unique_ptr<GDALDataset> dataset(GDALDataset::Open(path.string().c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    const std::string gdalMessage = CPLGetLastErrorMsg();
    CPLPopErrorHandler();
    if (!dataset)
        return Error(ErrorCode::InvalidData, "cannot open the raster").withFile(path.string()).withDetail(gdalMessage);
    const OGRSpatialReference* reference = dataset->GetSpatialRef();
    if (!reference || reference->IsEmpty())
        return CrsDescription {};
    int epsg = 0;
    if (const char* authority = reference->GetAuthorityName(nullptr);
        authority && std::string(authority) == "EPSG" && reference->GetAuthorityCode(nullptr))
        epsg = std::atoi(reference->GetAuthorityCode(nullptr));
    return describe(*reference, epsg);
}

} // namespace refermap::geo
