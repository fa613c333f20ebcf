#include "model/compute_device.h"

#include <torch/cuda.h>

#include <algorithm>
#include <cctype>

namespace refermap::model {

namespace {

Error badChoice(const std::string& choice, const std::string& reason)
{
    return Error(ErrorCode::InvalidArgument, "invalid compute device '" + choice + "'")
        .withKey("device")
        .withDetail(reason);
}

} // namespace

bool cudaAvailable()
{
    return torch::cuda::is_available();
}

int cudaDeviceCount()
{
    return static_cast<int>(torch::cuda::device_count());
}

Result<c10::Device> resolveComputeDevice(const std::string& choice)
{
    std::string text = choice;
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (text == "auto" || text.empty())
        return cudaAvailable() ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU);
    if (text == "cpu")
        return c10::Device(c10::kCPU);

    if (text.rfind("cuda", 0) != 0)
        return badChoice(choice, "expected auto, cpu, cuda or cuda:N");
    int index = 0;
    if (text.size() > 4) {
        const std::string number = text.substr(text[4] == ':' ? 5 : 4);
        if (text[4] != ':' || number.empty() || number.size() > 3
            || !std::all_of(number.begin(), number.end(), [](unsigned char c) { return std::isdigit(c); }))
            return badChoice(choice, "expected auto, cpu, cuda or cuda:N");
        index = std::stoi(number);
    }
    if (!cudaAvailable())
        return Error(ErrorCode::Unsupported, "CUDA device '" + choice + "' requested")
            .withKey("device")
            .withDetail("this build's libtorch has no CUDA support or no GPU is visible; use --device cpu");
    if (index >= cudaDeviceCount())
        return badChoice(choice, "only " + std::to_string(cudaDeviceCount()) + " CUDA device(s) visible");
    return c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(index));
}

} // namespace refermap::model
