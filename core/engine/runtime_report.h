#pragma once

#include <string>

namespace refermap::engine {

// What this build and machine run on: versions of ReferMap and its libraries, the BLAS in use
// and the compute devices. Shown by `refermap-cli version`, the GUI's About box and bug reports.
struct RuntimeReport {
    std::string refermapVersion;
    std::string gdalVersion;
    std::string projVersion;
    std::string torchVersion;
    std::string blas;
    bool blasOptimised = false;
    bool cudaAvailable = false;
    int cudaDevices = 0;

    // Several "name: value" lines, no trailing newline.
    std::string toText() const;
};

// Collects the report; cheap, any thread.
RuntimeReport collectRuntimeReport();

} // namespace refermap::engine
