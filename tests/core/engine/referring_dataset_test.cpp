// The referring-dataset loaders on small folders written here: RefSegRS (GeoTIFFs through GDAL,
// phrase files) and RRSIS-D (instances.json / refs.json with real RLE strings from
// data/rle/coco-rle-cases.json), layout recognition, split names, and bad inputs.
#include "engine/referring_dataset.h"

#include "engine/coco_rle.h"
#include "engine/refsegrs_dataset.h"
#include "engine/rrsisd_dataset.h"
#include "rle_test_sha256.h"
#include "support/temporary_folder.h"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <functional>

namespace refermap::engine {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// Writes a GeoTIFF whose band b (0-based) has value(b, x, y) at (x, y).
void writeTiff(const fs::path& path, int width, int height, int bands, GDALDataType type,
    const std::function<double(int, int, int)>& value)
{
    GDALAllRegister();
    fs::create_directories(path.parent_path());
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
    ASSERT_NE(driver, nullptr);
    GDALDataset* dataset = driver->Create(path.c_str(), width, height, bands, type, nullptr);
    ASSERT_NE(dataset, nullptr);
    std::vector<double> values(static_cast<std::size_t>(width) * height);
    for (int b = 0; b < bands; ++b) {
        for (int y = 0; y < height; ++y)
            for (int x = 0; x < width; ++x)
                values[static_cast<std::size_t>(y) * width + x] = value(b, x, y);
        ASSERT_EQ(dataset->GetRasterBand(b + 1)->RasterIO(
                      GF_Write, 0, 0, width, height, values.data(), width, height, GDT_Float64, 0, 0, nullptr),
            CE_None);
    }
    GDALClose(dataset);
}

void writeText(const fs::path& path, const std::string& text)
{
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

void expectError(const Error& error, ErrorCode code, const std::vector<std::string>& words)
{
    EXPECT_EQ(error.code(), code) << error.message();
    for (const auto& word : words)
        EXPECT_NE(error.message().find(word), std::string::npos) << "'" << word << "' not in: " << error.message();
}

TEST(DatasetSplit, NamesRoundTrip)
{
    for (DatasetSplit split : {DatasetSplit::Train, DatasetSplit::Val, DatasetSplit::Test}) {
        auto parsed = parseDatasetSplit(datasetSplitName(split));
        ASSERT_TRUE(parsed);
        EXPECT_EQ(*parsed, split);
    }
    EXPECT_STREQ(datasetSplitName(DatasetSplit::Val), "val");
    auto bad = parseDatasetSplit("validation");
    ASSERT_FALSE(bad);
    expectError(bad.error(), ErrorCode::InvalidArgument, {"validation"});
}

// --- RefSegRS -----------------------------------------------------------------------------

class RefSegRsTest : public testing::TemporaryFolderTest {
protected:
    void SetUp() override
    {
        TemporaryFolderTest::SetUp();
        // A 3-band 4×3 image with R = x, G = y, B = 7; a grey 2×2 image; masks with values around 50.
        writeTiff(folder() / "images" / "a.tif", 4, 3, 3, GDT_Byte, [](int b, int x, int y) {
            return b == 0 ? x : b == 1 ? y : 7;
        });
        writeTiff(folder() / "masks" / "a.tif", 4, 3, 1, GDT_Byte, [](int, int x, int y) {
            return y == 1 ? (x == 0 ? 50 : x == 1 ? 51 : x == 2 ? 255 : 0) : 0;
        });
        writeTiff(folder() / "images" / "g.tif", 2, 2, 1, GDT_Byte, [](int, int x, int y) { return 10 * x + y; });
        writeTiff(folder() / "masks" / "g.tif", 2, 2, 1, GDT_Byte, [](int, int x, int) { return x == 1 ? 255 : 0; });
        writeText(folder() / "output_phrase_train.txt",
            "a the red car on the left\n\n g  a grey roof \r\na   another  expression\n");
    }
};

TEST_F(RefSegRsTest, IndexesLinesAndLoadsPixels)
{
    auto opened = openReferringDataset(folder(), DatasetSplit::Train);
    ASSERT_TRUE(opened) << opened.error().message();
    const ReferringDataset& dataset = **opened;
    EXPECT_EQ(dataset.name(), "RefSegRS");
    EXPECT_EQ(dataset.split(), DatasetSplit::Train);
    ASSERT_EQ(dataset.size(), 3u);
    EXPECT_EQ(dataset.ref(0).id, "1:a");
    EXPECT_EQ(dataset.ref(0).imageId, "a");
    EXPECT_EQ(dataset.ref(0).sentences, std::vector<std::string> {"the red car on the left"});
    EXPECT_EQ(dataset.ref(1).id, "3:g");
    EXPECT_EQ(dataset.ref(1).sentences, std::vector<std::string> {"a grey roof"});
    EXPECT_EQ(dataset.ref(2).id, "4:a");
    EXPECT_EQ(dataset.ref(2).sentences, std::vector<std::string> {"another  expression"});
    EXPECT_EQ(dataset.ref(1).imagePath, folder() / "images" / "g.tif");

    auto image = dataset.loadImage(0);
    ASSERT_TRUE(image) << image.error().message();
    ASSERT_EQ(image->width, 4);
    ASSERT_EQ(image->height, 3);
    for (int y = 0; y < 3; ++y)
        for (int x = 0; x < 4; ++x) {
            const std::size_t at = (static_cast<std::size_t>(y) * 4 + x) * 3;
            EXPECT_EQ(image->pixels[at], x);
            EXPECT_EQ(image->pixels[at + 1], y);
            EXPECT_EQ(image->pixels[at + 2], 7);
        }
    auto mask = dataset.loadMask(0);
    ASSERT_TRUE(mask) << mask.error().message();
    EXPECT_EQ(mask->pixels, (std::vector<std::uint8_t> {0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0})); // > 50 only

    auto grey = dataset.loadImage(1);
    ASSERT_TRUE(grey);
    EXPECT_EQ(grey->pixels, (std::vector<std::uint8_t> {0, 0, 0, 10, 10, 10, 1, 1, 1, 11, 11, 11}));
    auto greyMask = dataset.loadMask(1);
    ASSERT_TRUE(greyMask);
    EXPECT_EQ(greyMask->pixels, (std::vector<std::uint8_t> {0, 1, 0, 1}));

    EXPECT_FALSE(dataset.loadImage(3));
}

TEST_F(RefSegRsTest, MissingSplitFile)
{
    auto opened = openReferringDataset(folder(), DatasetSplit::Test);
    ASSERT_FALSE(opened);
    expectError(opened.error(), ErrorCode::NotFound, {"output_phrase_test.txt"});
}

TEST_F(RefSegRsTest, MissingImageOrMaskNamesFileAndLine)
{
    writeText(folder() / "output_phrase_val.txt", "a fine\nnothere some text\n");
    auto opened = RefSegRsDataset::open(folder(), DatasetSplit::Val);
    ASSERT_FALSE(opened);
    expectError(opened.error(), ErrorCode::NotFound, {"images/nothere.tif", "output_phrase_val.txt line 2"});

    writeTiff(folder() / "images" / "nomask.tif", 2, 2, 1, GDT_Byte, [](int, int, int) { return 0; });
    writeText(folder() / "output_phrase_val.txt", "nomask some text\n");
    opened = RefSegRsDataset::open(folder(), DatasetSplit::Val);
    ASSERT_FALSE(opened);
    expectError(opened.error(), ErrorCode::NotFound, {"masks/nomask.tif", "line 1"});
}

TEST_F(RefSegRsTest, EmptyExpressionNamesLine)
{
    writeText(folder() / "output_phrase_val.txt", "a fine\ng   \r\n");
    auto opened = RefSegRsDataset::open(folder(), DatasetSplit::Val);
    ASSERT_FALSE(opened);
    expectError(opened.error(), ErrorCode::InvalidData, {"no expression", "output_phrase_val.txt line 2"});
}

TEST_F(RefSegRsTest, SizeMismatchAndUnsupportedType)
{
    writeTiff(folder() / "images" / "big.tif", 3, 2, 3, GDT_Byte, [](int, int, int) { return 1; });
    writeTiff(folder() / "masks" / "big.tif", 2, 2, 1, GDT_Byte, [](int, int, int) { return 255; });
    writeTiff(folder() / "images" / "deep.tif", 2, 2, 3, GDT_UInt16, [](int, int, int) { return 1000; });
    writeTiff(folder() / "masks" / "deep.tif", 2, 2, 1, GDT_UInt16, [](int, int x, int) { return x * 1000; });
    writeText(folder() / "output_phrase_val.txt", "big a big one\ndeep a deep one\n");
    auto opened = RefSegRsDataset::open(folder(), DatasetSplit::Val);
    ASSERT_TRUE(opened) << opened.error().message();
    auto mask = (*opened)->loadMask(0);
    ASSERT_FALSE(mask);
    expectError(mask.error(), ErrorCode::InvalidData, {"masks/big.tif", "line 1", "2×2", "3×2"});

    auto image = (*opened)->loadImage(1);
    ASSERT_FALSE(image);
    expectError(image.error(), ErrorCode::Unsupported, {"images/deep.tif", "band 1", "UInt16"});
    auto deepMask = (*opened)->loadMask(1); // masks of any real type threshold at 50
    ASSERT_TRUE(deepMask) << deepMask.error().message();
    EXPECT_EQ(deepMask->pixels, (std::vector<std::uint8_t> {0, 1, 0, 1}));
}

TEST_F(RefSegRsTest, NotADatasetFolder)
{
    const fs::path empty = folder() / "empty";
    fs::create_directories(empty);
    auto opened = openReferringDataset(empty, DatasetSplit::Train);
    ASSERT_FALSE(opened);
    expectError(opened.error(), ErrorCode::InvalidData, {"not a referring dataset"});
    opened = openReferringDataset(folder() / "missing", DatasetSplit::Train);
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().code(), ErrorCode::NotFound);
}

// --- RRSIS-D ------------------------------------------------------------------------------

Json rleCases()
{
    std::ifstream stream(fs::path(TEST_DATA_DIR) / "rle" / "coco-rle-cases.json");
    return Json::parse(stream);
}

class RrsisdTest : public testing::TemporaryFolderTest {
protected:
    void SetUp() override
    {
        TemporaryFolderTest::SetUp();
        cases_ = rleCases();
        // Case 0 and 1 are 512×512. Image 1 is exact, image 2 one row taller (pad), image 3 shorter (crop).
        Json instances;
        instances["images"] = Json::array({
            {{"id", 1}, {"file_name", "one.tif"}, {"width", 512}, {"height", 512}},
            {{"id", 2}, {"file_name", "two.tif"}, {"width", 512}, {"height", 512}},
            {{"id", 3}, {"file_name", "three.tif"}, {"width", 512}, {"height", 512}},
        });
        const auto rle = [this](int index) {
            return Json {{"size", cases_[index]["size_hw"]}, {"counts", cases_[index]["counts"]}};
        };
        instances["annotations"] = Json::array({
            {{"id", 10}, {"image_id", 1}, {"segmentation", rle(0)}},
            {{"id", 20}, {"image_id", 2}, {"segmentation", rle(1)}},
            {{"id", 30}, {"image_id", 3}, {"segmentation", Json::array({rle(0), rle(1)})}},
        });
        instances_ = instances;
        refs_ = Json::array({
            {{"ref_id", 100}, {"ann_id", 10}, {"image_id", 1}, {"split", "test"},
                {"sentences",
                    Json::array({{{"raw", "The ship near the top "}, {"sent", "the ship near the top"}},
                        {{"sent", "a ship"}}})}},
            {{"ref_id", 200}, {"ann_id", 20}, {"image_id", 2}, {"split", "test"},
                {"sentences", Json::array({{{"raw", "the pool"}}})}},
            {{"ref_id", 300}, {"ann_id", 30}, {"image_id", 3}, {"split", "test"},
                {"sentences", Json::array({{{"raw", "both"}}})}},
            {{"ref_id", 400}, {"ann_id", 10}, {"image_id", 1}, {"split", "train"},
                {"sentences", Json::array({{{"raw", "training ship"}}})}},
        });
        const fs::path images = folder() / "images" / "rrsisd" / "JPEGImages";
        writeTiff(images / "one.tif", 512, 512, 3, GDT_Byte, [](int b, int x, int) { return b == 0 ? x % 256 : 3; });
        writeTiff(images / "two.tif", 512, 513, 3, GDT_Byte, [](int, int, int) { return 1; });
        writeTiff(images / "three.tif", 500, 510, 3, GDT_Byte, [](int, int, int) { return 2; });
        save();
    }

    void save()
    {
        writeText(folder() / "instances.json", instances_.dump());
        writeText(folder() / "refs.json", refs_.dump());
    }

    BinaryMask caseMask(int index) const
    {
        auto rle = parseCocoRleString(cases_[index]["counts"].get<std::string>(),
            cases_[index]["size_hw"][0].get<int>(), cases_[index]["size_hw"][1].get<int>(), "case");
        return decodeCocoRle(rle.value());
    }

    Json cases_;
    Json instances_;
    Json refs_;
};

TEST_F(RrsisdTest, IndexesTheSplitAndDecodesMasks)
{
    auto opened = openReferringDataset(folder(), DatasetSplit::Test);
    ASSERT_TRUE(opened) << opened.error().message();
    const ReferringDataset& dataset = **opened;
    EXPECT_EQ(dataset.name(), "RRSIS-D");
    ASSERT_EQ(dataset.size(), 3u);
    EXPECT_EQ(dataset.ref(0).id, "100");
    EXPECT_EQ(dataset.ref(0).imageId, "1");
    EXPECT_EQ(dataset.ref(0).sentences, (std::vector<std::string> {"The ship near the top", "a ship"}));
    EXPECT_EQ(dataset.ref(0).imagePath, folder() / "images" / "rrsisd" / "JPEGImages" / "one.tif");

    auto mask = dataset.loadMask(0);
    ASSERT_TRUE(mask) << mask.error().message();
    EXPECT_EQ(mask->width, 512);
    EXPECT_EQ(mask->height, 512);
    EXPECT_EQ(testing::sha256Hex(mask->pixels), cases_[0]["expected"]["sha256_rowmajor_uint8_0_1"].get<std::string>());
    auto image = dataset.loadImage(0);
    ASSERT_TRUE(image) << image.error().message();
    EXPECT_EQ(image->pixels[3 * 300], 300 % 256);
    EXPECT_EQ(image->pixels[3 * 300 + 2], 3);

    auto train = openReferringDataset(folder(), DatasetSplit::Train);
    ASSERT_TRUE(train);
    ASSERT_EQ((*train)->size(), 1u);
    EXPECT_EQ((*train)->ref(0).id, "400");
    auto val = openReferringDataset(folder(), DatasetSplit::Val);
    ASSERT_TRUE(val);
    EXPECT_EQ((*val)->size(), 0u);
}

TEST_F(RrsisdTest, MaskIsPaddedOrCroppedToTheImageFile)
{
    auto opened = RrsisdDataset::open(folder(), DatasetSplit::Test);
    ASSERT_TRUE(opened) << opened.error().message();

    // Image 513 rows, RLE 512: one row of zeros added at the bottom.
    auto padded = (*opened)->loadMask(1);
    ASSERT_TRUE(padded) << padded.error().message();
    ASSERT_EQ(padded->width, 512);
    ASSERT_EQ(padded->height, 513);
    const BinaryMask pool = caseMask(1);
    EXPECT_TRUE(std::equal(pool.pixels.begin(), pool.pixels.end(), padded->pixels.begin()));
    EXPECT_TRUE(std::all_of(padded->pixels.begin() + 512 * 512, padded->pixels.end(), [](auto p) { return p == 0; }));

    // Image 500×510, RLE 512×512 of the merged cases 0 and 1: cropped at the right and bottom.
    auto cropped = (*opened)->loadMask(2);
    ASSERT_TRUE(cropped) << cropped.error().message();
    ASSERT_EQ(cropped->width, 500);
    ASSERT_EQ(cropped->height, 510);
    const BinaryMask ship = caseMask(0);
    std::size_t mismatches = 0;
    for (int y = 0; y < 510; ++y)
        for (int x = 0; x < 500; ++x) {
            const std::size_t source = static_cast<std::size_t>(y) * 512 + x;
            const std::uint8_t expected = ship.pixels[source] | pool.pixels[source];
            mismatches += cropped->pixels[static_cast<std::size_t>(y) * 500 + x] != expected;
        }
    EXPECT_EQ(mismatches, 0u);
}

TEST_F(RrsisdTest, ReleaseLayoutWithRrsisdSubfolder)
{
    // refer/data layout: rrsisd/{instances.json, refs.json}, images/rrsisd/JPEGImages/.
    fs::create_directories(folder() / "rrsisd");
    fs::rename(folder() / "instances.json", folder() / "rrsisd" / "instances.json");
    fs::rename(folder() / "refs.json", folder() / "rrsisd" / "refs.json");
    auto opened = openReferringDataset(folder(), DatasetSplit::Test);
    ASSERT_TRUE(opened) << opened.error().message();
    EXPECT_EQ((*opened)->size(), 3u);
    EXPECT_TRUE((*opened)->loadImage(0));
}

TEST_F(RrsisdTest, MissingRefsJsonExplainsTheConversion)
{
    fs::remove(folder() / "refs.json");
    writeText(folder() / "refs(unc).p", "pickle");
    auto opened = openReferringDataset(folder(), DatasetSplit::Test);
    ASSERT_FALSE(opened);
    expectError(opened.error(), ErrorCode::NotFound, {"refs.json", "pickle.load", "json.dump"});
}

TEST_F(RrsisdTest, BadRleNamesTheAnnotation)
{
    instances_["annotations"][1]["segmentation"]["counts"] = "PP~";
    save();
    auto opened = RrsisdDataset::open(folder(), DatasetSplit::Test);
    ASSERT_FALSE(opened);
    expectError(opened.error(), ErrorCode::InvalidData, {"instances.json", "annotations[1].segmentation.counts"});

    instances_["annotations"][1]["segmentation"]["counts"] = cases_[0]["counts"];
    instances_["annotations"][1]["segmentation"]["size"] = Json::array({256, 256}); // runs overrun 256×256
    save();
    opened = RrsisdDataset::open(folder(), DatasetSplit::Test);
    ASSERT_FALSE(opened);
    expectError(opened.error(), ErrorCode::InvalidData, {"overrun", "annotations[1].segmentation.counts"});

    instances_["annotations"][1]["segmentation"] = Json::array({Json::array({1.0, 2.0, 3.0, 4.0, 5.0, 6.0})});
    save();
    opened = RrsisdDataset::open(folder(), DatasetSplit::Test);
    ASSERT_FALSE(opened);
    expectError(opened.error(), ErrorCode::Unsupported, {"polygon", "annotations[1].segmentation"});
}

TEST_F(RrsisdTest, UnknownAnnotationOrImageAndEmptySentences)
{
    refs_[1]["ann_id"] = 99;
    save();
    auto opened = RrsisdDataset::open(folder(), DatasetSplit::Test);
    ASSERT_FALSE(opened);
    expectError(opened.error(), ErrorCode::InvalidData, {"refs.json", "refs[1].ann_id", "99"});

    refs_[1]["ann_id"] = 20;
    refs_[1]["image_id"] = 77;
    save();
    opened = RrsisdDataset::open(folder(), DatasetSplit::Test);
    ASSERT_FALSE(opened);
    expectError(opened.error(), ErrorCode::InvalidData, {"refs[1].image_id"});

    refs_[1]["image_id"] = 2;
    refs_[1]["sentences"] = Json::array();
    save();
    opened = RrsisdDataset::open(folder(), DatasetSplit::Test);
    ASSERT_FALSE(opened);
    expectError(opened.error(), ErrorCode::InvalidData, {"no sentences", "refs[1].sentences"});

    refs_[1]["sentences"] = Json::array({{{"raw", "  "}}});
    save();
    opened = RrsisdDataset::open(folder(), DatasetSplit::Test);
    ASSERT_FALSE(opened);
    expectError(opened.error(), ErrorCode::InvalidData, {"empty", "refs[1].sentences[0].raw"});
}

TEST_F(RrsisdTest, InvalidJsonAndMissingImage)
{
    writeText(folder() / "refs.json", "[{\"ref_id\": 1,");
    auto opened = RrsisdDataset::open(folder(), DatasetSplit::Test);
    ASSERT_FALSE(opened);
    expectError(opened.error(), ErrorCode::InvalidData, {"not valid JSON", "refs.json"});

    save();
    fs::remove(folder() / "images" / "rrsisd" / "JPEGImages" / "two.tif");
    opened = RrsisdDataset::open(folder(), DatasetSplit::Test);
    ASSERT_TRUE(opened) << opened.error().message(); // images are read on demand
    auto image = (*opened)->loadImage(1);
    ASSERT_FALSE(image);
    expectError(image.error(), ErrorCode::NotFound, {"two.tif"});
    EXPECT_FALSE((*opened)->loadMask(1));
}

} // namespace
} // namespace refermap::engine
