#include "project/project_paths.h"

#include <gtest/gtest.h>

namespace refermap::project {
namespace {

namespace fs = std::filesystem;

TEST(ProjectPathsTest, RelativeBelowTheProjectFolder)
{
    const ProjectPaths paths("/work/survey/survey.refermap.gpkg");
    EXPECT_EQ(paths.base(), fs::path("/work/survey"));
    EXPECT_EQ(paths.toStored("/work/survey/data/ortho.tif"), "data/ortho.tif");
    EXPECT_EQ(paths.toStored("/work/survey/./data/../ortho.tif"), "ortho.tif");
    EXPECT_EQ(paths.fromStored("data/ortho.tif"), fs::path("/work/survey/data/ortho.tif"));
}

TEST(ProjectPathsTest, AbsoluteOutsideTheProjectFolder)
{
    const ProjectPaths paths("/work/survey/survey.refermap.gpkg");
    EXPECT_EQ(paths.toStored("/work/other/dem.tif"), "/work/other/dem.tif");
    EXPECT_EQ(paths.toStored("/work/survey-old/dem.tif"), "/work/survey-old/dem.tif");
    EXPECT_EQ(paths.fromStored("/work/other/dem.tif"), fs::path("/work/other/dem.tif"));
}

TEST(ProjectPathsTest, GdalVirtualPathsAreVerbatim)
{
    const ProjectPaths paths("/work/survey/survey.refermap.gpkg");
    EXPECT_EQ(paths.toStored("/vsizip//work/survey/a.zip/a.tif"), "/vsizip//work/survey/a.zip/a.tif");
    EXPECT_EQ(paths.fromStored("/vsicurl/https://example.org/a.tif"), fs::path("/vsicurl/https://example.org/a.tif"));
}

TEST(ProjectPathsTest, RelativeInputsAreTakenFromTheCurrentFolder)
{
    const fs::path current = fs::current_path();
    const ProjectPaths paths("project.refermap.gpkg");
    EXPECT_EQ(paths.base(), current.lexically_normal());
    EXPECT_EQ(paths.toStored("images/a.tif"), "images/a.tif");
    EXPECT_EQ(paths.fromStored("images/a.tif"), (current / "images/a.tif").lexically_normal());
}

} // namespace
} // namespace refermap::project
