#include "project/project_store.h"

#include "support/temporary_folder.h"

#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace refermap::project {
namespace {

namespace fs = std::filesystem;

using ProjectStoreTest = testing::TemporaryFolderTest;

TEST_F(ProjectStoreTest, CreateWriteReopen)
{
    const fs::path path = folder_ / "harbour.refermap.gpkg";
    {
        auto store = ProjectStore::create(path);
        ASSERT_TRUE(store) << store.error().message();
        EXPECT_EQ(store->formatVersion(), ProjectStore::currentFormatVersion);
        ASSERT_TRUE(store->setValue("view.center", "482000 5210000"));
        ASSERT_TRUE(store->setValue("note", "it's the harbour"));
        ASSERT_TRUE(store->setValue("note", "the harbour, again"));
    }
    EXPECT_EQ(std::distance(fs::directory_iterator(folder_), fs::directory_iterator()), 1)
        << "no temporary or journal file is left behind";
    auto reopened = ProjectStore::open(path);
    ASSERT_TRUE(reopened) << reopened.error().message();
    EXPECT_EQ(**reopened->value("view.center"), "482000 5210000");
    EXPECT_EQ(**reopened->value("note"), "the harbour, again");
    EXPECT_FALSE(reopened->value("missing")->has_value());
}

TEST_F(ProjectStoreTest, CreateRefusesToOverwrite)
{
    const fs::path path = folder_ / "taken.refermap.gpkg";
    std::ofstream(path) << "precious";
    auto store = ProjectStore::create(path);
    ASSERT_FALSE(store);
    EXPECT_NE(store.error().message().find("taken.refermap.gpkg"), std::string::npos);
    std::ifstream in(path);
    std::string content;
    in >> content;
    EXPECT_EQ(content, "precious");
}

TEST_F(ProjectStoreTest, OpenRefusesWhatIsNotAProject)
{
    auto missing = ProjectStore::open(folder_ / "none.refermap.gpkg");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code(), ErrorCode::NotFound);

    const fs::path text = folder_ / "text.refermap.gpkg";
    std::ofstream(text) << "not a database";
    auto notGpkg = ProjectStore::open(text);
    ASSERT_FALSE(notGpkg);
    EXPECT_EQ(notGpkg.error().code(), ErrorCode::InvalidData);
    EXPECT_NE(notGpkg.error().message().find("text.refermap.gpkg"), std::string::npos);

    // A valid GeoPackage from another tool.
    const fs::path plain = folder_ / "plain.gpkg";
    {
        GDALAllRegister();
        GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
        GDALDataset* dataset = driver->Create(plain.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
        ASSERT_NE(dataset, nullptr);
        dataset->CreateLayer("roads", nullptr, wkbLineString, nullptr);
        GDALClose(dataset);
    }
    auto foreign = ProjectStore::open(plain);
    ASSERT_FALSE(foreign);
    EXPECT_NE(foreign.error().message().find("not a ReferMap project"), std::string::npos);
}

TEST_F(ProjectStoreTest, NewerFormatIsRefusedWithBothVersions)
{
    const fs::path path = folder_ / "future.refermap.gpkg";
    ASSERT_TRUE(ProjectStore::create(path));
    {
        GDALDataset* dataset = GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE);
        ASSERT_NE(dataset, nullptr);
        dataset->ExecuteSQL("UPDATE refermap_meta SET value = '99' WHERE key = 'format_version'", nullptr, nullptr);
        GDALClose(dataset);
    }
    auto store = ProjectStore::open(path);
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().code(), ErrorCode::Unsupported);
    EXPECT_NE(store.error().message().find("format 99"), std::string::npos) << store.error().message();
}

TEST_F(ProjectStoreTest, FormatVersionIsNotWritableFromOutside)
{
    auto store = ProjectStore::create(folder_ / "v.refermap.gpkg");
    ASSERT_TRUE(store);
    auto result = store->setValue("format_version", "2");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code(), ErrorCode::InvalidArgument);
}

} // namespace
} // namespace refermap::project
