#pragma once

#include "common/progress_feedback.h"

#include <string>

namespace refermap::cli {

// Shows a job's progress on stderr: a bar with percentage and ETA redrawn in place on a terminal,
// plain lines (every 5 % and at the end) when stderr is piped or logged, nothing when quiet.
void showProgress(ProgressFeedback& feedback, const std::string& job, bool quiet);

// While alive, Ctrl-C (SIGINT) and SIGTERM cancel `feedback` instead of killing the process, so the
// job stops at its next check and cleans up; a second Ctrl-C kills as usual. One at a time.
class InterruptCancels {
public:
    explicit InterruptCancels(ProgressFeedback& feedback);
    ~InterruptCancels();
    InterruptCancels(const InterruptCancels&) = delete;
    InterruptCancels& operator=(const InterruptCancels&) = delete;
};

} // namespace refermap::cli
