#pragma once

#include <string>

namespace refermap::engine {

// What this build and machine run on: versions of ReferMap and its libraries, the BLAS and the
// malloc in use and the compute devices. Shown by `refermap-cli version`, the GUI's About box and
// bug reports.
struct RuntimeReport {
    std::string refermapVersion;
    std::string gdalVersion;
    std::string projVersion;
    std::string torchVersion;
    std::string blas;
    bool blasOptimised = false;
    std::string memoryAllocator; // common/memory_allocator.h
    bool cudaAvailable = false;
    int cudaDevices = 0;

    // Several "name: value" lines, no trailing newline.
    std::string toText() const;
};

// Collects the report; cheap, any thread.
RuntimeReport collectRuntimeReport();

} // namespace refermap::engine
