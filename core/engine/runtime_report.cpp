#include "engine/runtime_report.h"

#include "common/memory_allocator.h"
#include "geo/gdal_environment.h"
#include "model/blas_backend.h"
#include "model/compute_device.h"

namespace refermap::engine {

RuntimeReport collectRuntimeReport()
{
    RuntimeReport report;
    report.refermapVersion = REFERMAP_VERSION;
    report.gdalVersion = geo::gdalVersion();
    report.projVersion = geo::projVersion();
    report.torchVersion = model::torchVersion();
    const model::BlasBackend blas = model::detectBlasBackend();
    report.blas = blas.name;
    report.blasOptimised = blas.optimised;
    report.memoryAllocator = memoryAllocatorName();
    report.cudaAvailable = model::cudaAvailable();
    report.cudaDevices = report.cudaAvailable ? model::cudaDeviceCount() : 0;
    return report;
}

std::string RuntimeReport::toText() const
{
    std::string text;
    text += "ReferMap: " + refermapVersion + "\n";
    text += "GDAL:     " + gdalVersion + "\n";
    text += "PROJ:     " + projVersion + "\n";
    text += "libtorch: " + torchVersion + "\n";
    text += "BLAS:     " + blas + "\n";
    text += "malloc:   " + memoryAllocator + "\n";
    text += "CUDA:     " + (cudaAvailable ? std::to_string(cudaDevices) + " device(s)" : std::string("not available"));
    return text;
}

} // namespace refermap::engine
