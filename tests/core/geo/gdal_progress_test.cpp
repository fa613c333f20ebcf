#include "geo/gdal_dataset.h"
#include "geo/gdal_progress.h"

#include <gdal_priv.h>
#include <gtest/gtest.h>

namespace refermap::geo {
namespace {

// A real GDAL operation (a copy to an in-memory raster) driven through our adapter.
GDALDataset* copyWithProgress(GDALDataset& source, ProgressRange& range)
{
    GDALDriver* memory = GetGDALDriverManager()->GetDriverByName("MEM");
    return memory->CreateCopy("", &source, FALSE, nullptr, gdalProgress, &range);
}

TEST(GdalProgressTest, ReportsIntoItsRangeAndCompletes)
{
    auto source = openRasterDataset(TEST_DATA_DIR "/real/RGB.byte.tif");
    ASSERT_TRUE(source) << source.error().message();
    ProgressFeedback feedback(std::chrono::milliseconds(0));
    double lastSeen = -1.0;
    feedback.setListener([&](const ProgressUpdate& update) { lastSeen = update.fraction; });
    ProgressRange secondHalf(feedback, 0.5, 1.0);
    GdalDatasetPtr copy(copyWithProgress(**source, secondHalf));
    ASSERT_TRUE(copy);
    EXPECT_EQ(copy->GetRasterXSize(), 791);
    EXPECT_DOUBLE_EQ(lastSeen, 1.0);
}

TEST(GdalProgressTest, CancelStopsTheOperation)
{
    auto source = openRasterDataset(TEST_DATA_DIR "/real/RGB.byte.tif");
    ASSERT_TRUE(source);
    ProgressFeedback feedback(std::chrono::milliseconds(0));
    int reports = 0;
    feedback.setListener([&](const ProgressUpdate&) {
        if (++reports == 2)
            feedback.cancel();
    });
    ProgressRange whole(feedback, 0.0, 1.0);
    CPLPushErrorHandler(CPLQuietErrorHandler);
    GdalDatasetPtr copy(copyWithProgress(**source, whole));
    CPLPopErrorHandler();
    EXPECT_FALSE(copy) << "GDAL must abandon the copy once cancelled";
    EXPECT_LT(feedback.progress(), 1.0);
}

} // namespace
} // namespace refermap::geo
