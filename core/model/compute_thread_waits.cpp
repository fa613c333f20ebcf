#include "model/compute_thread_waits.h"

#include <cstdlib>
#include <unistd.h>

#include <utility>
#include <vector>

namespace refermap::model {

namespace {

constexpr const char* kWaitPolicy = "OMP_WAIT_POLICY";
constexpr const char* kSpinCount = "GOMP_SPINCOUNT";
constexpr const char* kBlasTimeout = "OPENBLAS_THREAD_TIMEOUT";

bool isSet(const char* name)
{
    return std::getenv(name) != nullptr;
}

} // namespace

void ComputeThreadWaits::applyUnlessSet(char** argv)
{
    if (argv == nullptr || argv[0] == nullptr)
        return;
    std::vector<std::pair<const char*, const char*>> missing;
    if (!isSet(kWaitPolicy)) {
        missing.emplace_back(kWaitPolicy, "PASSIVE");
        // A spin count overrides the wait policy: only where the user left the policy to us.
        if (!isSet(kSpinCount))
            missing.emplace_back(kSpinCount, "2000");
    }
    if (!isSet(kBlasTimeout))
        missing.emplace_back(kBlasTimeout, "16");
    if (missing.empty())
        return;
    for (const auto& [name, value] : missing) {
        if (::setenv(name, value, 1) != 0) {
            for (const auto& [set, ignored] : missing)
                ::unsetenv(set);
            return;
        }
    }
    // /proc/self/exe is this very program, however it was started (relative path, PATH lookup).
    ::execv("/proc/self/exe", argv);
    // Still here: exec failed. Run on with the libraries' defaults, and say so truthfully in the logs.
    for (const auto& [name, ignored] : missing)
        ::unsetenv(name);
}

std::string ComputeThreadWaits::current()
{
    std::string text;
    for (const char* name : {kWaitPolicy, kSpinCount, kBlasTimeout}) {
        const char* value = std::getenv(name);
        if (!text.empty())
            text += ' ';
        text += std::string(name) + '=' + (value != nullptr && *value != '\0' ? value : "default");
    }
    return text;
}

} // namespace refermap::model
