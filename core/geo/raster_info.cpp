#include "geo/raster_info.h"

#include "geo/gdal_dataset.h"
#include "geo/gdal_error_capture.h"

#include <fmt/format.h>
#include <gdal_priv.h>
#include <nlohmann/json.hpp>
#include <ogr_spatialref.h>

#include <cmath>
#include <cstdio>
#include <sstream>

namespace refermap::geo {

namespace {

std::vector<std::string> maskFlagNames(int flags)
{
    std::vector<std::string> names;
    if (flags & GMF_ALL_VALID)
        names.emplace_back("ALL_VALID");
    if (flags & GMF_PER_DATASET)
        names.emplace_back("PER_DATASET");
    if (flags & GMF_ALPHA)
        names.emplace_back("ALPHA");
    if (flags & GMF_NODATA)
        names.emplace_back("NODATA");
    return names;
}

std::optional<int> findEpsgCode(const OGRSpatialReference& source)
{
    OGRSpatialReference srs(source);
    auto codeOf = [](const OGRSpatialReference& s) -> std::optional<int> {
        const char* authority = s.GetAuthorityName(nullptr);
        const char* code = s.GetAuthorityCode(nullptr);
        if (authority && code && EQUAL(authority, "EPSG"))
            return std::atoi(code);
        return std::nullopt;
    };
    if (auto code = codeOf(srs))
        return code;
    if (srs.AutoIdentifyEPSG() == OGRERR_NONE) {
        if (auto code = codeOf(srs))
            return code;
    }
    // Ask PROJ's database for an equivalent definition; accept only a single certain match.
    int count = 0;
    int* confidence = nullptr;
    OGRSpatialReferenceH* matches = srs.FindMatches(nullptr, &count, &confidence);
    std::optional<int> result;
    if (matches && count >= 1 && confidence[0] >= 90) {
        if (count == 1 || confidence[1] < confidence[0])
            result = codeOf(*OGRSpatialReference::FromHandle(matches[0]));
    }
    OSRFreeSRSArray(matches);
    CPLFree(confidence);
    return result;
}

CrsInfo describeCrs(const OGRSpatialReference& srs)
{
    CrsInfo crs;
    crs.epsg = findEpsgCode(srs);
    if (const char* name = srs.GetName())
        crs.name = name;
    const char* options[] = {"FORMAT=WKT2_2019", "MULTILINE=NO", nullptr};
    char* wkt = nullptr;
    if (srs.exportToWkt(&wkt, options) == OGRERR_NONE && wkt)
        crs.wkt = wkt;
    CPLFree(wkt);
    crs.geographic = srs.IsGeographic();
    const char* unit = nullptr;
    if (crs.geographic)
        srs.GetAngularUnits(&unit);
    else
        srs.GetLinearUnits(&unit);
    crs.linearUnit = unit ? unit : "";
    return crs;
}

std::string metadataItem(GDALMajorObject& object, const char* key, const char* domain)
{
    const char* value = object.GetMetadataItem(key, domain);
    return value ? value : "";
}

std::string formatNumber(double value)
{
    return fmt::format("{:.15g}", value);
}

std::string joined(const std::vector<std::string>& items, const char* separator)
{
    std::string text;
    for (const auto& item : items)
        text += (text.empty() ? "" : separator) + item;
    return text;
}

} // namespace

Result<RasterInfo> readRasterInfo(const std::filesystem::path& path)
{
    auto opened = openRasterDataset(path);
    if (!opened)
        return opened.error();
    GDALDataset& dataset = **opened;
    GdalErrorCapture errors;

    RasterInfo info;
    info.path = path.string();
    info.driver = dataset.GetDriver()->GetDescription();
    info.driverLong = metadataItem(*dataset.GetDriver(), GDAL_DMD_LONGNAME, nullptr);
    info.width = dataset.GetRasterXSize();
    info.height = dataset.GetRasterYSize();

    if (const OGRSpatialReference* srs = dataset.GetSpatialRef(); srs && !srs->IsEmpty())
        info.crs = describeCrs(*srs);
    std::array<double, 6> transform{};
    if (dataset.GetGeoTransform(transform.data()) == CE_None)
        info.geoTransform = transform;

    info.compression = metadataItem(dataset, "COMPRESSION", "IMAGE_STRUCTURE");
    info.interleave = metadataItem(dataset, "INTERLEAVE", "IMAGE_STRUCTURE");
    info.layout = metadataItem(dataset, "LAYOUT", "IMAGE_STRUCTURE");

    for (int index = 1; index <= dataset.GetRasterCount(); ++index) {
        GDALRasterBand* band = dataset.GetRasterBand(index);
        if (!band)
            return Error(ErrorCode::InvalidData, "cannot read band metadata")
                .withFile(info.path)
                .withBand(index)
                .withDetail(errors.lastError());
        BandInfo bandInfo;
        bandInfo.index = index;
        bandInfo.dataType = GDALGetDataTypeName(band->GetRasterDataType());
        bandInfo.colorInterpretation = GDALGetColorInterpretationName(band->GetColorInterpretation());
        bandInfo.description = band->GetDescription();
        int hasNodata = 0;
        const double nodata = band->GetNoDataValue(&hasNodata);
        if (hasNodata)
            bandInfo.nodata = nodata;
        bandInfo.maskFlags = maskFlagNames(band->GetMaskFlags());
        for (int level = 0; level < band->GetOverviewCount(); ++level) {
            if (GDALRasterBand* overview = band->GetOverview(level))
                bandInfo.overviews.push_back({overview->GetXSize(), overview->GetYSize()});
        }
        band->GetBlockSize(&bandInfo.blockWidth, &bandInfo.blockHeight);
        info.bands.push_back(std::move(bandInfo));
    }
    if (!info.bands.empty())
        info.datasetMaskFlags = info.bands.front().maskFlags;
    return info;
}

std::string formatRasterInfoText(const RasterInfo& info)
{
    std::ostringstream out;
    out << "File:         " << info.path << '\n';
    out << "Driver:       " << info.driver << " (" << info.driverLong << ")\n";
    out << "Size:         " << info.width << " x " << info.height << " pixels, " << info.bands.size()
        << (info.bands.size() == 1 ? " band" : " bands") << '\n';
    if (info.crs) {
        out << "CRS:          ";
        if (info.crs->epsg)
            out << "EPSG:" << *info.crs->epsg << " (" << info.crs->name << ")\n";
        else
            out << info.crs->name << " (no EPSG code)\n              " << info.crs->wkt << '\n';
    } else {
        out << "CRS:          none (pixel coordinates only)\n";
    }
    if (info.geoTransform) {
        const auto& t = *info.geoTransform;
        const std::string unit = info.crs ? info.crs->linearUnit : std::string("units");
        out << "Origin:       (" << formatNumber(t[0]) << ", " << formatNumber(t[3]) << ")\n";
        out << "Pixel size:   " << formatNumber(t[1]) << " x " << formatNumber(t[5]) << ' ' << unit << '\n';
        out << "Geotransform: " << formatNumber(t[0]) << ", " << formatNumber(t[1]) << ", " << formatNumber(t[2])
            << ", " << formatNumber(t[3]) << ", " << formatNumber(t[4]) << ", " << formatNumber(t[5]) << '\n';
    } else {
        out << "Geotransform: none (not georeferenced)\n";
    }
    out << "Layout:       " << (info.layout.empty() ? "" : info.layout + ", ")
        << (info.compression.empty() ? "uncompressed" : info.compression)
        << (info.interleave.empty() ? "" : ", interleave " + info.interleave);
    if (!info.bands.empty())
        out << ", blocks " << info.bands[0].blockWidth << " x " << info.bands[0].blockHeight;
    out << '\n';
    out << "Overviews:    ";
    if (info.bands.empty() || info.bands[0].overviews.empty()) {
        out << "none\n";
    } else {
        std::vector<std::string> sizes;
        for (const auto& overview : info.bands[0].overviews)
            sizes.push_back(std::to_string(overview.width) + "x" + std::to_string(overview.height));
        out << joined(sizes, ", ") << '\n';
    }
    out << "Mask:         " << joined(info.datasetMaskFlags, ", ") << '\n';
    out << "Bands:";
    for (const auto& band : info.bands) {
        out << "\n  " << band.index << ": " << band.dataType << ", " << band.colorInterpretation;
        out << ", nodata " << (band.nodata ? formatNumber(*band.nodata) : std::string("none"));
        out << ", mask " << joined(band.maskFlags, "+");
        if (!band.description.empty())
            out << ", \"" << band.description << '"';
    }
    return out.str();
}

std::string formatRasterInfoJson(const RasterInfo& info)
{
    using nlohmann::json;
    json root;
    root["path"] = info.path;
    root["driver"] = info.driver;
    root["driver_long_name"] = info.driverLong;
    root["width"] = info.width;
    root["height"] = info.height;
    root["band_count"] = info.bands.size();
    if (info.crs) {
        json crs;
        crs["epsg"] = info.crs->epsg ? json(*info.crs->epsg) : json(nullptr);
        crs["name"] = info.crs->name;
        crs["wkt"] = info.crs->wkt;
        crs["geographic"] = info.crs->geographic;
        crs["unit"] = info.crs->linearUnit;
        root["crs"] = crs;
    } else {
        root["crs"] = nullptr;
    }
    root["georeferenced"] = info.georeferenced();
    if (info.geoTransform) {
        root["geotransform"] = *info.geoTransform;
        root["pixel_size"] = {info.pixelWidth(), info.pixelHeight()};
    } else {
        root["geotransform"] = nullptr;
        root["pixel_size"] = nullptr;
    }
    root["compression"] = info.compression;
    root["interleave"] = info.interleave;
    root["layout"] = info.layout;
    root["mask_flags"] = info.datasetMaskFlags;
    json bands = json::array();
    for (const auto& band : info.bands) {
        json entry;
        entry["index"] = band.index;
        entry["type"] = band.dataType;
        entry["color_interpretation"] = band.colorInterpretation;
        entry["description"] = band.description;
        entry["nodata"] = band.nodata ? json(*band.nodata) : json(nullptr);
        entry["mask_flags"] = band.maskFlags;
        entry["block_size"] = {band.blockWidth, band.blockHeight};
        json overviews = json::array();
        for (const auto& overview : band.overviews)
            overviews.push_back({overview.width, overview.height});
        entry["overviews"] = overviews;
        bands.push_back(entry);
    }
    root["bands"] = bands;
    return root.dump(2);
}

} // namespace refermap::geo
