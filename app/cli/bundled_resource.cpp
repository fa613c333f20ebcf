#include "bundled_resource.h"

#include <system_error>
#include <vector>

namespace refermap::cli {

Result<std::filesystem::path> findBundledResource(const std::string& relativePath, const std::string& option)
{
    std::vector<std::filesystem::path> candidates;
    std::error_code status;
    const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", status);
    if (!status)
        candidates.push_back((executable.parent_path() / REFERMAP_DATA_FROM_BINDIR / relativePath).lexically_normal());
    candidates.push_back(std::filesystem::path(REFERMAP_DATA_INSTALLED) / relativePath);
    candidates.push_back(std::filesystem::path(REFERMAP_DATA_SOURCE) / relativePath);
    std::string tried;
    for (const std::filesystem::path& candidate : candidates) {
        if (std::filesystem::is_regular_file(candidate, status))
            return candidate;
        tried += (tried.empty() ? "" : ", ") + candidate.string();
    }
    return Error(ErrorCode::NotFound, "the bundled file '" + relativePath + "' was not found")
        .withFile(candidates.front().string())
        .withDetail("looked at " + tried + "; give one with " + option);
}

} // namespace refermap::cli
