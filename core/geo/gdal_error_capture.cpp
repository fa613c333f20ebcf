#include "geo/gdal_error_capture.h"

#include <cpl_error.h>
#include <spdlog/spdlog.h>

namespace refermap::geo {

void GdalErrorCapture::handle(int errorClass, int errorNumber, const char* message)
{
    auto* self = static_cast<GdalErrorCapture*>(CPLGetErrorHandlerUserData());
    const std::string text = message ? message : "";
    if (errorClass == CE_Failure || errorClass == CE_Fatal) {
        if (self)
            self->lastError_ = text;
        spdlog::debug("GDAL error {}: {}", errorNumber, text);
    } else if (errorClass == CE_Warning) {
        if (self)
            self->warnings_.push_back(text);
        spdlog::debug("GDAL warning {}: {}", errorNumber, text);
    }
}

GdalErrorCapture::GdalErrorCapture()
{
    CPLPushErrorHandlerEx(
        [](CPLErr errorClass, CPLErrorNum errorNumber, const char* message) {
            handle(static_cast<int>(errorClass), errorNumber, message);
        },
        this);
}

GdalErrorCapture::~GdalErrorCapture()
{
    CPLPopErrorHandler();
}

} // namespace refermap::geo
