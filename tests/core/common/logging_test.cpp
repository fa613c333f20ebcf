#include "common/logging.h"

#include "support/temporary_folder.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace refermap {
namespace {

namespace fs = std::filesystem;

class LoggingTest : public testing::TemporaryFolderTest {
protected:
    void SetUp() override
    {
        TemporaryFolderTest::SetUp();
        ::unsetenv("REFERMAP_LOG_LEVEL");
    }
    void TearDown() override
    {
        ::unsetenv("REFERMAP_LOG_LEVEL");
        ASSERT_TRUE(logging::initialise({"info", false, std::nullopt}));
        TemporaryFolderTest::TearDown();
    }
};

TEST_F(LoggingTest, ParsesEveryLevelName)
{
    EXPECT_EQ(*logging::parseLevel("trace"), spdlog::level::trace);
    EXPECT_EQ(*logging::parseLevel("DEBUG"), spdlog::level::debug);
    EXPECT_EQ(*logging::parseLevel("warning"), spdlog::level::warn);
    EXPECT_EQ(*logging::parseLevel("warn"), spdlog::level::warn);
    EXPECT_EQ(*logging::parseLevel("critical"), spdlog::level::critical);
    EXPECT_EQ(*logging::parseLevel("off"), spdlog::level::off);
    auto bad = logging::parseLevel("loud");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message().find("'loud'"), std::string::npos);
}

TEST_F(LoggingTest, WritesToARotatingFileInTheGivenFolder)
{
    logging::LoggingOptions options;
    options.level = "debug";
    options.console = false;
    options.logDirectory = folder_ / "logs";
    ASSERT_TRUE(logging::initialise(options));
    ASSERT_EQ(logging::logFile(), folder_ / "logs" / "refermap.log");
    spdlog::debug("tile {} done", 17);
    spdlog::trace("below the level");
    spdlog::default_logger()->flush();
    std::ifstream in(*logging::logFile());
    std::stringstream content;
    content << in.rdbuf();
    EXPECT_NE(content.str().find("tile 17 done"), std::string::npos);
    EXPECT_EQ(content.str().find("below the level"), std::string::npos);
}

TEST_F(LoggingTest, LevelComesFromTheEnvironmentWhenNotGiven)
{
    ::setenv("REFERMAP_LOG_LEVEL", "error", 1);
    ASSERT_TRUE(logging::initialise({"", false, std::nullopt}));
    EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::err);
    EXPECT_FALSE(logging::logFile());
}

TEST_F(LoggingTest, BadLevelNamesWhereItCameFrom)
{
    ::setenv("REFERMAP_LOG_LEVEL", "chatty", 1);
    auto result = logging::initialise({"", false, std::nullopt});
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message().find("REFERMAP_LOG_LEVEL"), std::string::npos);
    // Logging still works after the failure.
    EXPECT_NO_THROW(spdlog::info("still logging"));
}

TEST_F(LoggingTest, UnwritableLogFolderIsReportedWithItsPath)
{
    std::ofstream(folder_ / "a-file") << "x";
    logging::LoggingOptions options;
    options.console = false;
    options.logDirectory = folder_ / "a-file" / "logs"; // a path through a regular file
    auto result = logging::initialise(options);
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message().find("a-file"), std::string::npos);
}

TEST_F(LoggingTest, DefaultFolderFollowsXdg)
{
    const char* previous = std::getenv("XDG_DATA_HOME");
    const std::string saved = previous ? previous : "";
    ::setenv("XDG_DATA_HOME", "/tmp/xdg-test", 1);
    EXPECT_EQ(logging::defaultLogDirectory(), fs::path("/tmp/xdg-test/refermap/logs"));
    if (previous)
        ::setenv("XDG_DATA_HOME", saved.c_str(), 1);
    else
        ::unsetenv("XDG_DATA_HOME");
}

} // namespace
} // namespace refermap
