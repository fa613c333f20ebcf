#include "geo/gdal_progress.h"

namespace refermap::geo {

int gdalProgress(double fraction, const char* message, void* progressRange)
{
    auto* range = static_cast<ProgressRange*>(progressRange);
    if (!range)
        return 1;
    range->setProgress(fraction, message ? message : "");
    return range->isCancelled() ? 0 : 1;
}

} // namespace refermap::geo
