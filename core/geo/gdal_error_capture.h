#pragma once

#include <string>
#include <vector>

namespace refermap::geo {

// Collects the messages GDAL/OGR/PROJ emit on this thread while the object lives, instead of
// letting them go to stderr (all are also logged at debug level). Use one around each GDAL call
// sequence whose failure you report, then put lastError() in the Error's detail. Thread-local
// by construction (GDAL's handler stack is per thread); not copyable.
class GdalErrorCapture {
public:
    GdalErrorCapture();
    ~GdalErrorCapture();
    GdalErrorCapture(const GdalErrorCapture&) = delete;
    GdalErrorCapture& operator=(const GdalErrorCapture&) = delete;

    // The last CE_Failure/CE_Fatal message, or empty.
    const std::string& lastError() const { return lastError_; }
    const std::vector<std::string>& warnings() const { return warnings_; }

private:
    static void handle(int errorClass, int errorNumber, const char* message);

    std::string lastError_;
    std::vector<std::string> warnings_;
};

} // namespace refermap::geo
