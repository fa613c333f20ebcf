#include "model/blas_backend.h"
#include "model/compute_device.h"

#include <ATen/Parallel.h>
#include <gtest/gtest.h>

namespace refermap::model {
namespace {

TEST(ComputeDeviceTest, CpuAndAuto)
{
    auto cpu = resolveComputeDevice("cpu");
    ASSERT_TRUE(cpu) << cpu.error().message();
    EXPECT_TRUE(cpu->is_cpu());
    EXPECT_TRUE(resolveComputeDevice("CPU")->is_cpu());

    auto automatic = resolveComputeDevice("auto");
    ASSERT_TRUE(automatic);
    EXPECT_EQ(automatic->is_cuda(), cudaAvailable());
}

TEST(ComputeDeviceTest, MalformedChoicesNameTheChoice)
{
    for (const char* choice : {"gpu", "cuda:", "cuda:x", "cuda0", "cuda:-1", "cuda:99999", "tpu:0"}) {
        auto device = resolveComputeDevice(choice);
        ASSERT_FALSE(device) << choice;
        EXPECT_EQ(device.error().code(), ErrorCode::InvalidArgument) << choice;
        EXPECT_NE(device.error().message().find(choice), std::string::npos) << device.error().message();
    }
}

TEST(ComputeDeviceTest, CudaRequestMatchesWhatThisBuildHas)
{
    auto device = resolveComputeDevice("cuda:0");
    if (cudaAvailable()) {
        ASSERT_TRUE(device);
        EXPECT_TRUE(device->is_cuda());
        auto beyond = resolveComputeDevice("cuda:" + std::to_string(cudaDeviceCount()));
        ASSERT_FALSE(beyond);
        EXPECT_NE(beyond.error().message().find("visible"), std::string::npos);
    } else {
        ASSERT_FALSE(device);
        EXPECT_EQ(device.error().code(), ErrorCode::Unsupported);
        EXPECT_NE(device.error().message().find("--device cpu"), std::string::npos);
    }
}

// The install script puts OpenBLAS in place; without it every model runs ~67x slower. This test
// is what catches a machine (or CI image) where that step silently did not happen.
TEST(BlasBackendTest, AnOptimisedBlasIsInUse)
{
    const BlasBackend blas = detectBlasBackend();
    EXPECT_TRUE(blas.optimised) << "libtorch is using: " << blas.name
                                << " (install libopenblas0-pthread: packaging/install-deps.sh)";
    EXPECT_FALSE(blas.name.empty());
}

TEST(BlasBackendTest, ThreadSettingsApplyToLibtorch)
{
    const int before = at::get_num_threads();
    configureComputeThreads(1);
    EXPECT_EQ(at::get_num_threads(), 1);
    configureComputeThreads(before);
    EXPECT_EQ(at::get_num_threads(), before);
    EXPECT_EQ(torchVersion().rfind("1.", 0), 0u) << torchVersion();
}

} // namespace
} // namespace refermap::model
