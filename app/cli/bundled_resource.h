#pragma once

#include "common/result.h"

#include <filesystem>
#include <string>

namespace refermap::cli {

// Finds a file shipped in resources/ (e.g. "vocab/bert-base-uncased-vocab.txt"), looking, in order,
// in the installed layout next to this executable (bin/../share/refermap/), under the configured
// install prefix, then in the source tree (when run from a build folder). The error lists every
// place tried and names `option` as the way to give the file explicitly.
Result<std::filesystem::path> findBundledResource(const std::string& relativePath, const std::string& option);

} // namespace refermap::cli
