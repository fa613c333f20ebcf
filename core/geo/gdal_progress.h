#pragma once

#include "common/progress_feedback.h"

namespace refermap::geo {

// Bridges GDAL's progress callbacks to a ProgressRange: pass gdalProgress as GDALProgressFunc and
// a ProgressRange* as its data. GDAL stops the operation (and the caller must discard its partial
// output) when the feedback is cancelled. Called on the thread running the GDAL operation.
int gdalProgress(double fraction, const char* message, void* progressRange);

} // namespace refermap::geo
