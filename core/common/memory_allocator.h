#pragma once

#include <string>

namespace refermap {

// The malloc this process runs on, with its version: "jemalloc 5.3.0-0-g54eaed1d" in the programs
// that run the model (they link jemalloc, see CMakeLists.txt), "glibc 2.36" elsewhere. Found at run
// time (jemalloc's mallctl, when the process has it), so a library can report it without linking
// either. For `refermap-cli version`, the About box and bug reports.
std::string memoryAllocatorName();

} // namespace refermap
