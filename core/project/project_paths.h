#pragma once

#include <filesystem>
#include <string>

namespace refermap::project {

// How a project file refers to the files it uses (rasters, a query's probability and mask files):
// relative to the project's folder when the file lies in that folder or below it, so a project
// moved or copied together with its data still resolves; absolute otherwise (a file elsewhere
// stays found when the project alone moves), and verbatim for GDAL virtual paths (/vsizip/…,
// /vsicurl/…), which only GDAL can interpret.
class ProjectPaths {
public:
    // `projectFile` may be relative (to the current folder); its folder is the base.
    explicit ProjectPaths(const std::filesystem::path& projectFile);

    const std::filesystem::path& base() const { return base_; }

    // The text stored in the project for `path` (a relative `path` is taken from the current folder).
    std::string toStored(const std::filesystem::path& path) const;
    // The usable path for stored text: relative text is resolved against base().
    std::filesystem::path fromStored(const std::string& stored) const;

    static bool isGdalVirtual(const std::filesystem::path& path);

private:
    std::filesystem::path base_;
};

} // namespace refermap::project
