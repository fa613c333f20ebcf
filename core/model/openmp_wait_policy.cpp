#include "model/openmp_wait_policy.h"

#include <cstdlib>
#include <unistd.h>

namespace refermap::model {

namespace {

constexpr const char* kVariable = "OMP_WAIT_POLICY";

} // namespace

void OpenMpWaitPolicy::passiveUnlessSet(char** argv)
{
    if (std::getenv(kVariable) != nullptr || argv == nullptr || argv[0] == nullptr)
        return;
    if (::setenv(kVariable, "PASSIVE", 1) != 0)
        return;
    // /proc/self/exe is this very program, however it was started (relative path, PATH lookup).
    ::execv("/proc/self/exe", argv);
    // Still here: exec failed. Run on with libgomp's default, and say so truthfully in the logs.
    ::unsetenv(kVariable);
}

std::string OpenMpWaitPolicy::current()
{
    const char* value = std::getenv(kVariable);
    return value != nullptr && *value != '\0' ? std::string(value) : std::string("default");
}

} // namespace refermap::model
