#include "geo/editable_mask.h"

#include "geo/mask_vectorizer.h"
#include "geo/mask_writer.h"
#include "support/temporary_folder.h"

#include <cpl_string.h>
#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <cmath>
#include <deque>
#include <functional>

namespace refermap::geo {
namespace {

namespace fs = std::filesystem;

const fs::path realMask = fs::path(TEST_DATA_DIR) / "real" / "sample_road_raster_mask.tif";

// The whole mask through value(), row-major.
std::vector<std::uint8_t> allPixels(EditableMask& mask)
{
    std::vector<std::uint8_t> pixels;
    pixels.reserve(static_cast<std::size_t>(mask.width()) * mask.height());
    for (int y = 0; y < mask.height(); ++y)
        for (int x = 0; x < mask.width(); ++x)
            pixels.push_back(*mask.value(x, y));
    return pixels;
}

std::size_t hashOf(const std::vector<std::uint8_t>& pixels)
{
    return std::hash<std::string>()(std::string(pixels.begin(), pixels.end()));
}

// Brute-force references, written independently of the scanline/tile code.
double distanceToPolyline(double px, double py, const std::vector<MaskPoint>& points)
{
    double best = 1e300;
    for (std::size_t s = 0; s < std::max<std::size_t>(1, points.size() - 1); ++s) {
        const MaskPoint a = points[s];
        const MaskPoint b = points[std::min(s + 1, points.size() - 1)];
        const double dx = b.x - a.x, dy = b.y - a.y;
        const double l2 = dx * dx + dy * dy;
        const double t = l2 > 0 ? std::clamp(((px - a.x) * dx + (py - a.y) * dy) / l2, 0.0, 1.0) : 0.0;
        best = std::min(best, std::hypot(a.x + t * dx - px, a.y + t * dy - py));
    }
    return best;
}

bool insidePolygon(double px, double py, const std::vector<MaskPoint>& polygon)
{
    bool inside = false;
    for (std::size_t i = 0, j = polygon.size() - 1; i < polygon.size(); j = i++) {
        const MaskPoint a = polygon[j], b = polygon[i];
        if ((a.y > py) != (b.y > py) && px < a.x + (py - a.y) * (b.x - a.x) / (b.y - a.y))
            inside = !inside;
    }
    return inside;
}

class EditableMaskTest : public testing::TemporaryFolderTest {
protected:
    static EditableMask blankMask(int width = 300, int height = 200, int tileSize = 64)
    {
        auto mask = EditableMask::blank(width, height, std::nullopt, "", tileSize);
        EXPECT_TRUE(mask) << mask.error().message();
        return std::move(*mask);
    }
};

TEST_F(EditableMaskTest, BrushStrokeSetsExactlyThePixelsWithinTheRadius)
{
    EditableMask mask = blankMask();
    const std::vector<MaskPoint> stroke{{10.3, 20.7}, {150.2, 80.4}, {290.1, 15.6}, {280.4, 190.2}};
    const double radius = 6.3;
    auto edit = mask.paintStroke(stroke, radius, true);
    ASSERT_TRUE(edit) << edit.error().message();
    EXPECT_FALSE(edit->empty());
    std::size_t set = 0;
    for (int y = 0; y < mask.height(); ++y)
        for (int x = 0; x < mask.width(); ++x) {
            const bool expected = distanceToPolyline(x + 0.5, y + 0.5, stroke) <= radius;
            ASSERT_EQ(*mask.value(x, y), expected ? 1 : 0) << "pixel " << x << ", " << y;
            set += expected;
        }
    EXPECT_GT(set, 3000u);

    // Eraser across it: the pixels near the eraser's line become background, the rest stay.
    const std::vector<MaskPoint> eraser{{-20.0, 50.5}, {320.0, 60.25}};
    ASSERT_TRUE(mask.paintStroke(eraser, 3.2, false));
    for (int y = 0; y < mask.height(); ++y)
        for (int x = 0; x < mask.width(); ++x) {
            const bool expected = distanceToPolyline(x + 0.5, y + 0.5, stroke) <= radius
                                  && distanceToPolyline(x + 0.5, y + 0.5, eraser) > 3.2;
            ASSERT_EQ(*mask.value(x, y), expected ? 1 : 0) << "pixel " << x << ", " << y;
        }

    // The record holds only touched tiles; painting what is already there changes nothing.
    EXPECT_LE(edit->tiles.size(), static_cast<std::size_t>(mask.tileColumns() * mask.tileRows()));
    auto again = mask.paintStroke({{150.2, 80.4}}, 2.0, true);
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->empty());
    EXPECT_FALSE(mask.paintStroke(stroke, 0.0, true)) << "a zero radius is refused";
}

TEST_F(EditableMaskTest, PolygonAddAndCutMatchPointInPolygon)
{
    EditableMask mask = blankMask();
    // A concave, partly outside polygon crossing tile borders.
    const std::vector<MaskPoint> add{{-30.2, 10.1}, {250.7, 5.3}, {120.4, 90.9}, {280.3, 185.6}, {20.6, 170.2}};
    const std::vector<MaskPoint> cut{{60.1, 30.3}, {200.9, 40.7}, {90.2, 150.4}};
    ASSERT_TRUE(mask.fillPolygon(add, true));
    for (int y = 0; y < mask.height(); ++y)
        for (int x = 0; x < mask.width(); ++x)
            ASSERT_EQ(*mask.value(x, y), insidePolygon(x + 0.5, y + 0.5, add) ? 1 : 0) << x << ", " << y;
    ASSERT_TRUE(mask.fillPolygon(cut, false));
    std::size_t foreground = 0;
    for (int y = 0; y < mask.height(); ++y)
        for (int x = 0; x < mask.width(); ++x) {
            const bool expected = insidePolygon(x + 0.5, y + 0.5, add) && !insidePolygon(x + 0.5, y + 0.5, cut);
            ASSERT_EQ(*mask.value(x, y), expected ? 1 : 0) << x << ", " << y;
            foreground += expected;
        }
    EXPECT_GT(foreground, 10000u);
    auto degenerate = mask.fillPolygon({{1, 1}, {5, 5}}, true);
    ASSERT_TRUE(degenerate);
    EXPECT_TRUE(degenerate->empty());
}

TEST_F(EditableMaskTest, FillHoleFillsAnEnclosedHoleAndRefusesOpenRegions)
{
    EditableMask mask = blankMask();
    // A closed ring of brush across four tiles, and a separate open arc.
    const std::vector<MaskPoint> ring{{40.5, 40.5}, {140.5, 40.5}, {140.5, 140.5}, {40.5, 140.5}, {40.5, 40.5}};
    ASSERT_TRUE(mask.paintStroke(ring, 3.0, true));
    const auto before = allPixels(mask);

    // Reference: 4-connected flood from the click over background, by brute force.
    std::vector<std::uint8_t> expected = before;
    std::deque<std::pair<int, int>> queue{{90, 90}};
    expected[90 * 300 + 90] = 1;
    while (!queue.empty()) {
        auto [x, y] = queue.front();
        queue.pop_front();
        const int nx[] = {x - 1, x + 1, x, x}, ny[] = {y, y, y - 1, y + 1};
        for (int k = 0; k < 4; ++k)
            if (nx[k] >= 0 && ny[k] >= 0 && nx[k] < 300 && ny[k] < 200 && !expected[ny[k] * 300 + nx[k]]) {
                expected[ny[k] * 300 + nx[k]] = 1;
                queue.emplace_back(nx[k], ny[k]);
            }
    }

    auto open = mask.fillHole(200.5, 100.5);
    ASSERT_FALSE(open) << "the outside region reaches the border";
    EXPECT_EQ(open.error().code(), ErrorCode::InvalidArgument);
    EXPECT_EQ(allPixels(mask), before);
    auto tooSmall = mask.fillHole(90.5, 90.5, MaskPixelRect{60, 60, 50, 50});
    ASSERT_FALSE(tooSmall) << "the hole is larger than the searched area";
    EXPECT_EQ(allPixels(mask), before);
    auto onForeground = mask.fillHole(40.5, 40.5);
    ASSERT_TRUE(onForeground);
    EXPECT_TRUE(onForeground->empty());

    auto filled = mask.fillHole(90.5, 90.5);
    ASSERT_TRUE(filled) << filled.error().message();
    EXPECT_EQ(filled->tiles.size(), 9u) << "the hole spans 3 x 3 tiles of 64";
    EXPECT_EQ(allPixels(mask), expected);
    EXPECT_EQ(*mask.value(90, 90), 1);
    EXPECT_EQ(*mask.value(200, 100), 0);
}

TEST_F(EditableMaskTest, UndoThenRedoRestoresExactBytesAcrossTileBorders)
{
    auto opened = EditableMask::open(realMask, 64);
    ASSERT_TRUE(opened) << opened.error().message();
    EditableMask& mask = *opened;
    const std::size_t original = hashOf(allPixels(mask));
    std::vector<MaskEdit> edits;
    std::vector<std::size_t> hashes;
    const auto record = [&](Result<MaskEdit> edit) {
        ASSERT_TRUE(edit) << edit.error().message();
        ASSERT_FALSE(edit->empty());
        edits.push_back(std::move(*edit));
        hashes.push_back(hashOf(allPixels(mask)));
    };
    record(mask.paintStroke({{60.0, 60.0}, {300.0, 250.0}, {700.0, 130.0}}, 17.5, true));
    record(mask.paintStroke({{0.0, 200.0}, {1300.0, 260.0}}, 9.0, false));
    record(mask.fillPolygon({{100.0, 500.0}, {900.0, 520.0}, {500.0, 1000.0}}, true));
    record(mask.fillPolygon({{300.0, 600.0}, {600.0, 610.0}, {450.0, 800.0}}, false));
    EXPECT_TRUE(mask.isEdited());

    for (std::size_t k = edits.size(); k-- > 0;) {
        ASSERT_TRUE(mask.undo(edits[k]));
        EXPECT_EQ(hashOf(allPixels(mask)), k == 0 ? original : hashes[k - 1]) << "after undoing edit " << k;
    }
    EXPECT_FALSE(mask.isEdited()) << "undoing every edit makes the mask clean again";
    EXPECT_TRUE(mask.editedTiles().empty());
    for (std::size_t k = 0; k < edits.size(); ++k) {
        ASSERT_TRUE(mask.redo(edits[k]));
        EXPECT_EQ(hashOf(allPixels(mask)), hashes[k]) << "after redoing edit " << k;
    }
    EXPECT_TRUE(mask.isEdited());

    // A corrupt record is refused and changes nothing.
    MaskEdit corrupt = edits[0];
    corrupt.tiles.back().before.resize(1);
    EXPECT_FALSE(mask.undo(corrupt));
    EXPECT_EQ(hashOf(allPixels(mask)), hashes.back());
}

TEST_F(EditableMaskTest, OpensTheRealMaskAndNormalisesToZeroOne)
{
    auto mask = EditableMask::open(realMask);
    ASSERT_TRUE(mask) << mask.error().message();
    EXPECT_EQ(mask->width(), 1300);
    EXPECT_EQ(mask->height(), 1300);
    ASSERT_TRUE(mask->geoTransform());
    EXPECT_NEAR((*mask->geoTransform())[0], -115.2338076, 1e-6);
    EXPECT_NE(mask->crsWkt().find("WGS"), std::string::npos);
    EXPECT_EQ(mask->tileLoads(), 0u) << "open reads no pixels";

    GdalDatasetPtr dataset(GDALDataset::Open(realMask.c_str(), GDAL_OF_RASTER));
    ASSERT_TRUE(dataset);
    std::vector<std::uint8_t> raw(1300u * 1300u);
    ASSERT_EQ(dataset->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, 1300, 1300, raw.data(), 1300, 1300, GDT_Byte, 0, 0,
                                                  nullptr),
              CE_None);
    std::size_t foreground = 0;
    const auto pixels = allPixels(*mask);
    for (std::size_t i = 0; i < raw.size(); ++i) {
        ASSERT_EQ(pixels[i], raw[i] > 0 ? 1 : 0) << "pixel " << i;
        foreground += pixels[i];
    }
    EXPECT_GT(foreground, 10000u) << "the road mask has roads (0/255 in the file)";

    // A full-resolution view equals value(); a zoomed-in view repeats pixels.
    std::vector<std::uint8_t> view(130u * 100u);
    ASSERT_TRUE(mask->read(MaskViewWindow{400, 500, 130, 100}, 130, 100, view.data()));
    for (int y = 0; y < 100; ++y)
        for (int x = 0; x < 130; ++x)
            ASSERT_EQ(view[static_cast<std::size_t>(y) * 130 + x], pixels[(500u + y) * 1300u + 400u + x]);
    std::vector<std::uint8_t> zoomed(4u * 4u);
    ASSERT_TRUE(mask->read(MaskViewWindow{-1, 0, 2, 2}, 4, 4, zoomed.data()));
    EXPECT_EQ(zoomed[0], 0) << "outside the raster reads 0";
    EXPECT_EQ(zoomed[3], pixels[0]);

    auto missing = EditableMask::open(folder() / "nope.tif");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message().find("nope.tif"), std::string::npos);
    auto rgb = EditableMask::open(fs::path(TEST_DATA_DIR) / "real" / "RGB.byte.tif");
    ASSERT_FALSE(rgb);
    EXPECT_EQ(rgb.error().code(), ErrorCode::InvalidData);
    EXPECT_NE(rgb.error().message().find("RGB.byte.tif"), std::string::npos);
}

TEST_F(EditableMaskTest, OpensABinaryMaskWrittenByMaskWriter)
{
    const fs::path path = folder() / "binary.tif";
    const int width = 333, height = 277;
    const auto probability = [](int x, int y) { return ((x / 7 + y / 5) % 3 == 0) ? 0.9f : 0.1f; };
    {
        MaskWriterOptions options;
        options.kind = MaskKind::Binary;
        auto writer = MaskWriter::create(path, width, height, std::array<double, 6>{500000, 1, 0, 4200000, 0, -1}, "",
                                         options);
        ASSERT_TRUE(writer) << writer.error().message();
        StitchedRows rows;
        rows.rowCount = height;
        rows.width = width;
        for (int y = 0; y < height; ++y)
            for (int x = 0; x < width; ++x) {
                rows.probabilities.push_back(probability(x, y));
                rows.valid.push_back(1);
            }
        ASSERT_TRUE(writer->writeRows(rows));
        ASSERT_TRUE(writer->finish());
    }
    auto mask = EditableMask::open(path);
    ASSERT_TRUE(mask) << mask.error().message();
    EXPECT_EQ((*mask->geoTransform())[3], 4200000);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            ASSERT_EQ(*mask->value(x, y), probability(x, y) > 0.5f ? 1 : 0) << x << ", " << y;
}

TEST_F(EditableMaskTest, SaveWritesTheEditedMaskAndCancelLeavesNothing)
{
    auto mask = EditableMask::open(realMask);
    ASSERT_TRUE(mask) << mask.error().message();
    ASSERT_TRUE(mask->paintStroke({{10.0, 10.0}, {1290.0, 1290.0}}, 12.0, true));
    ASSERT_TRUE(mask->fillPolygon({{600.0, 0.0}, {1300.0, 0.0}, {1300.0, 500.0}}, false));
    const auto expected = allPixels(*mask);

    const fs::path target = folder() / "edited.tif";
    {
        ProgressFeedback cancelled;
        cancelled.cancel();
        auto result = mask->save(target, cancelled);
        ASSERT_FALSE(result);
        EXPECT_EQ(result.error().code(), ErrorCode::Cancelled);
        EXPECT_TRUE(fs::is_empty(folder())) << "a cancelled save leaves no file";
    }
    ProgressFeedback feedback;
    auto saved = mask->save(target, feedback);
    ASSERT_TRUE(saved) << saved.error().message();
    EXPECT_DOUBLE_EQ(feedback.progress(), 1.0);
    EXPECT_EQ(std::distance(fs::directory_iterator(folder()), fs::directory_iterator()), 1);

    GdalDatasetPtr dataset(GDALDataset::Open(target.c_str(), GDAL_OF_RASTER));
    ASSERT_TRUE(dataset);
    GDALRasterBand* band = dataset->GetRasterBand(1);
    int blockX = 0, blockY = 0;
    band->GetBlockSize(&blockX, &blockY);
    EXPECT_EQ(blockX, EditableMask::defaultTileSize);
    EXPECT_EQ(blockY, EditableMask::defaultTileSize);
    EXPECT_STREQ(dataset->GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE"), "DEFLATE");
    EXPECT_GT(band->GetOverviewCount(), 0);
    std::array<double, 6> transform{};
    ASSERT_EQ(dataset->GetGeoTransform(transform.data()), CE_None);
    EXPECT_EQ(transform, *mask->geoTransform());
    ASSERT_NE(dataset->GetSpatialRef(), nullptr);
    std::vector<std::uint8_t> written(1300u * 1300u);
    ASSERT_EQ(band->RasterIO(GF_Read, 0, 0, 1300, 1300, written.data(), 1300, 1300, GDT_Byte, 0, 0, nullptr),
              CE_None);
    EXPECT_EQ(written, expected) << "the file holds 0/1 and equals the edited mask";
    dataset.reset();

    // The saved file vectorises as a 0/1 mask.
    VectorizeOptions options;
    auto layer = vectorizeMask(target, options);
    ASSERT_TRUE(layer) << layer.error().message();
    EXPECT_FALSE(layer->features.empty());

    // Overwriting the source itself works (the open source keeps its old content).
    const fs::path copy = folder() / "copy.tif";
    fs::copy_file(target, copy);
    auto reopened = EditableMask::open(copy);
    ASSERT_TRUE(reopened);
    ASSERT_TRUE(reopened->paintStroke({{650.0, 650.0}}, 30.0, false));
    auto expectedCopy = allPixels(*reopened);
    ASSERT_TRUE(reopened->save(copy, feedback));
    auto check = EditableMask::open(copy);
    ASSERT_TRUE(check);
    EXPECT_EQ(allPixels(*check), expectedCopy);
}

TEST_F(EditableMaskTest, TileAccessRestoresEditsForTheProjectStore)
{
    EditableMask mask = blankMask(200, 150, 64);
    ASSERT_TRUE(mask.paintStroke({{30.0, 30.0}, {170.0, 120.0}}, 5.0, true));
    const auto edited = mask.editedTiles();
    ASSERT_FALSE(edited.empty());
    EditableMask restored = blankMask(200, 150, 64);
    for (auto [column, row] : edited) {
        auto bytes = mask.tile(column, row);
        ASSERT_TRUE(bytes);
        EXPECT_EQ(bytes->size(), static_cast<std::size_t>(mask.tileRect(column, row).width)
                                     * mask.tileRect(column, row).height);
        ASSERT_TRUE(restored.setTile(column, row, *bytes));
    }
    EXPECT_EQ(restored.editedTiles(), edited);
    EXPECT_EQ(allPixels(restored), allPixels(mask));
    EXPECT_FALSE(restored.setTile(0, 0, std::vector<std::uint8_t>(10)));
    EXPECT_FALSE(restored.setTile(9, 0, std::vector<std::uint8_t>(64 * 64)));
}

TEST_F(EditableMaskTest, LargeMaskIsReadLazily)
{
    // A 20000 x 20000 sparse tiled file: creating it writes no blocks.
    const fs::path path = folder() / "large.tif";
    GDALAllRegister();
    {
        CPLStringList options;
        options.SetNameValue("TILED", "YES");
        options.SetNameValue("COMPRESS", "DEFLATE");
        options.SetNameValue("SPARSE_OK", "TRUE");
        GdalDatasetPtr dataset(GetGDALDriverManager()->GetDriverByName("GTiff")->Create(
            path.c_str(), 20000, 20000, 1, GDT_Byte, options.List()));
        ASSERT_TRUE(dataset);
    }
    auto mask = EditableMask::open(path);
    ASSERT_TRUE(mask) << mask.error().message();
    ASSERT_TRUE(mask->paintStroke({{5000.0, 5000.0}, {5600.0, 5300.0}}, 20.0, true));
    const std::size_t loads = mask->tileLoads();
    EXPECT_GT(loads, 0u);
    EXPECT_LE(loads, 12u) << "only the tiles under the stroke are read";
    EXPECT_EQ(*mask->value(5300, 5150), 1);

    // A zoomed-out view of the whole mask loads no tile and shows the stroke.
    std::vector<std::uint8_t> view(400u * 400u);
    ASSERT_TRUE(mask->read(MaskViewWindow{0, 0, 20000, 20000}, 400, 400, view.data()));
    EXPECT_EQ(mask->tileLoads(), loads);
    EXPECT_EQ(view[static_cast<std::size_t>(5150 / 50) * 400 + 5300 / 50], 1);
    EXPECT_EQ(view[0], 0);
    EXPECT_LE(mask->editedTiles().size(), 12u);
}

} // namespace
} // namespace refermap::geo
