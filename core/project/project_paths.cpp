#include "project/project_paths.h"

namespace refermap::project {

namespace fs = std::filesystem;

namespace {

fs::path absoluteNormal(const fs::path& path)
{
    std::error_code ec;
    fs::path absolute = fs::absolute(path, ec);
    if (ec)
        absolute = path;
    return absolute.lexically_normal();
}

} // namespace

ProjectPaths::ProjectPaths(const fs::path& projectFile)
    : base_(absoluteNormal(projectFile).parent_path())
{ }

bool ProjectPaths::isGdalVirtual(const fs::path& path)
{
    return path.native().rfind("/vsi", 0) == 0;
}

std::string ProjectPaths::toStored(const fs::path& path) const
{
    if (path.empty() || isGdalVirtual(path))
        return path.string();
    const fs::path absolute = absoluteNormal(path);
    // Relative only below the project's folder: data there moves with the project. A path that
    // climbs out ("../..") would break when the project alone is moved, an absolute one would not.
    // lexically_relative is empty when the roots differ: no relative form exists.
    const fs::path relative = absolute.lexically_relative(base_);
    if (relative.empty() || *relative.begin() == "..")
        return absolute.string();
    return relative.string();
}

fs::path ProjectPaths::fromStored(const std::string& stored) const
{
    const fs::path path(stored);
    if (stored.empty() || path.is_absolute() || isGdalVirtual(path))
        return path;
    return (base_ / path).lexically_normal();
}

} // namespace refermap::project
