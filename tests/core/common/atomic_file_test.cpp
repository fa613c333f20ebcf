#include "common/atomic_file.h"

#include "support/temporary_folder.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace refermap {
namespace {

namespace fs = std::filesystem;

class AtomicFileTest : public testing::TemporaryFolderTest {
protected:
    static std::string read(const fs::path& path)
    {
        std::ifstream in(path, std::ios::binary);
        std::stringstream content;
        content << in.rdbuf();
        return content.str();
    }
    std::size_t entries() const
    {
        return static_cast<std::size_t>(std::distance(fs::directory_iterator(folder_), fs::directory_iterator()));
    }
};

TEST_F(AtomicFileTest, CommitPublishesTheWholeContent)
{
    const fs::path target = folder_ / "mask.tif";
    auto file = AtomicFile::create(target);
    ASSERT_TRUE(file) << file.error().message();
    EXPECT_EQ(file->temporaryPath().parent_path(), folder_);
    EXPECT_EQ(file->temporaryPath().extension(), ".tif") << "drivers choose the format by extension";
    ASSERT_TRUE(file->append("hello "));
    ASSERT_TRUE(file->append("world"));
    EXPECT_FALSE(fs::exists(target)) << "nothing is visible before commit";
    ASSERT_TRUE(file->commit());
    EXPECT_EQ(read(target), "hello world");
    EXPECT_EQ(entries(), 1u) << "no temporary file is left behind";
    EXPECT_EQ(fs::status(target).permissions() & fs::perms::others_read, fs::perms::others_read);
}

TEST_F(AtomicFileTest, AbandonedWriteLeavesTheOldFileAndNoTemporary)
{
    const fs::path target = folder_ / "layer.geojson";
    ASSERT_TRUE(writeFileAtomically(target, "old"));
    {
        auto file = AtomicFile::create(target);
        ASSERT_TRUE(file);
        ASSERT_TRUE(file->append("half of the new"));
        // destroyed without commit: a failure or cancel
    }
    EXPECT_EQ(read(target), "old");
    EXPECT_EQ(entries(), 1u);
}

TEST_F(AtomicFileTest, CommitReplacesAnExistingFile)
{
    const fs::path target = folder_ / "out.txt";
    ASSERT_TRUE(writeFileAtomically(target, "first"));
    ASSERT_TRUE(writeFileAtomically(target, "second"));
    EXPECT_EQ(read(target), "second");
}

TEST_F(AtomicFileTest, LibrariesMayRecreateTheTemporaryByPath)
{
    const fs::path target = folder_ / "by-path.bin";
    auto file = AtomicFile::create(target);
    ASSERT_TRUE(file);
    fs::remove(file->temporaryPath());
    std::ofstream(file->temporaryPath()) << "written by a library";
    ASSERT_TRUE(file->commit());
    EXPECT_EQ(read(target), "written by a library");
}

TEST_F(AtomicFileTest, CommitFailsWhenTheTemporaryVanished)
{
    auto file = AtomicFile::create(folder_ / "gone.bin");
    ASSERT_TRUE(file);
    fs::remove(file->temporaryPath());
    auto committed = file->commit();
    ASSERT_FALSE(committed);
    EXPECT_NE(committed.error().message().find("gone.bin"), std::string::npos);
    EXPECT_FALSE(fs::exists(folder_ / "gone.bin"));
}

TEST_F(AtomicFileTest, MissingFolderIsAClearError)
{
    auto file = AtomicFile::create(folder_ / "no-such-folder" / "x.gpkg");
    ASSERT_FALSE(file);
    EXPECT_EQ(file.error().code(), ErrorCode::NotFound);
    EXPECT_NE(file.error().message().find("no-such-folder"), std::string::npos);
}

TEST_F(AtomicFileTest, FolderAsTargetIsRefused)
{
    auto file = AtomicFile::create(folder_);
    ASSERT_FALSE(file);
    EXPECT_EQ(file.error().code(), ErrorCode::InvalidArgument);
}

TEST_F(AtomicFileTest, MovedWriterOwnsTheTemporary)
{
    const fs::path target = folder_ / "moved.txt";
    auto created = AtomicFile::create(target);
    ASSERT_TRUE(created);
    AtomicFile moved = std::move(*created);
    ASSERT_TRUE(moved.append("x"));
    ASSERT_TRUE(moved.commit());
    EXPECT_EQ(read(target), "x");
    EXPECT_FALSE(moved.commit()) << "a second commit is an error, not a silent no-op";
}

} // namespace
} // namespace refermap
