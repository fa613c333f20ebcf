#pragma once

#include "common/result.h"

#include <c10/core/Device.h>

#include <string>

namespace refermap::model {

// Turns a user's device choice into a libtorch device: "auto" (the first CUDA device when this
// libtorch has CUDA and a GPU is visible, else the CPU), "cpu", "cuda" (= "cuda:0") or "cuda:N".
// Fails with a message naming the choice when it is malformed, when this libtorch was built
// without CUDA, or when device N does not exist. Any thread.
Result<c10::Device> resolveComputeDevice(const std::string& choice);

bool cudaAvailable();
int cudaDeviceCount();

} // namespace refermap::model
