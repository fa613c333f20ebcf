#pragma once

// SQL on a project file through GDAL directly, behind the store's back (to inspect or damage it).

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <string>

namespace refermap::testing {

// Runs `sql` on the project file and returns the first column of the first row, or "" when there
// is none.
inline std::string sqlOnFile(const std::filesystem::path& path, const std::string& sql)
{
    GDALAllRegister();
    GDALDataset* dataset = GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE);
    EXPECT_NE(dataset, nullptr) << path;
    if (!dataset)
        return {};
    std::string out;
    if (OGRLayer* result = dataset->ExecuteSQL(sql.c_str(), nullptr, nullptr)) {
        if (OGRFeatureUniquePtr feature {result->GetNextFeature()})
            out = feature->GetFieldAsString(0);
        dataset->ReleaseResultSet(result);
    }
    GDALClose(dataset);
    return out;
}

} // namespace refermap::testing
