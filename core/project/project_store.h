#pragma once

#include "common/result.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace refermap::project {

// A ReferMap project file (*.refermap.gpkg): an OGC GeoPackage that GIS tools can open, plus
// ReferMap's own tables. This class owns the open file, checks it really is a ReferMap project of
// a format this build understands, and writes every change inside a transaction, so a crash or
// kill never leaves it half-written. One thread at a time.
class ProjectStore {
public:
    static constexpr int currentFormatVersion = 1;

    // Creates a new project; fails if `path` exists. The file appears complete or not at all.
    static Result<ProjectStore> create(const std::filesystem::path& path);
    // Opens an existing project for reading and writing. Refuses files that are not GeoPackages,
    // GeoPackages without ReferMap's tables, and projects of a newer format.
    static Result<ProjectStore> open(const std::filesystem::path& path);

    ProjectStore(ProjectStore&&) noexcept;
    ProjectStore& operator=(ProjectStore&&) noexcept;
    ~ProjectStore();

    const std::filesystem::path& path() const { return path_; }
    int formatVersion() const { return formatVersion_; }

    // Project-wide settings (key/value text), each write in its own transaction.
    Result<void> setValue(const std::string& key, const std::string& value);
    Result<std::optional<std::string>> value(const std::string& key) const;

private:
    struct Handle;
    ProjectStore(std::filesystem::path path, std::unique_ptr<Handle> handle, int formatVersion);

    std::filesystem::path path_;
    std::unique_ptr<Handle> handle_;
    int formatVersion_ = 0;
};

} // namespace refermap::project
