#include "common/background_priority.h"

#if defined(__linux__)
#include <pthread.h>
#include <sched.h>
#endif

namespace refermap {

bool runCurrentThreadAtIdlePriority()
{
#if defined(__linux__) && defined(SCHED_IDLE)
    sched_param parameter {};
    parameter.sched_priority = 0; // the only priority SCHED_IDLE takes
    return pthread_setschedparam(pthread_self(), SCHED_IDLE, &parameter) == 0;
#else
    return false;
#endif
}

} // namespace refermap
