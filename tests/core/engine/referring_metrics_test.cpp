// ReferringMetrics on hand-computed cases: empty prediction, empty truth, both empty, perfect,
// disjoint, partial overlap, aggregation and the table row.
#include "engine/referring_metrics.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace refermap::engine {
namespace {

torch::Tensor mask(std::initializer_list<std::int64_t> values, int height, int width)
{
    return torch::tensor(std::vector<std::int64_t>(values), torch::kInt64).reshape({height, width});
}

ReferringScores single(const torch::Tensor& prediction, const torch::Tensor& truth)
{
    ReferringMetrics metrics;
    metrics.add(prediction, truth);
    return metrics.scores();
}

TEST(ReferringMetrics, EmptyPrediction)
{
    const auto s = single(mask({0, 0, 0, 0}, 2, 2), mask({1, 1, 0, 0}, 2, 2)); // I 0, U 2
    EXPECT_EQ(s.samples, 1);
    EXPECT_DOUBLE_EQ(s.mIoU, 0.0);
    EXPECT_DOUBLE_EQ(s.oIoU, 0.0);
    for (double p : s.precisionAt)
        EXPECT_DOUBLE_EQ(p, 0.0);
}

TEST(ReferringMetrics, EmptyTruth)
{
    const auto s = single(mask({0, 1, 0, 0}, 2, 2), mask({0, 0, 0, 0}, 2, 2)); // I 0, U 1
    EXPECT_DOUBLE_EQ(s.mIoU, 0.0);
    EXPECT_DOUBLE_EQ(s.oIoU, 0.0);
}

TEST(ReferringMetrics, BothEmptyCountsAsZero)
{
    // The references set IoU = 0 when U = 0 (not 1), and such a sample adds nothing to ΣI, ΣU.
    ReferringMetrics metrics;
    metrics.add(mask({0, 0, 0, 0}, 2, 2), mask({0, 0, 0, 0}, 2, 2));
    auto s = metrics.scores();
    EXPECT_EQ(s.samples, 1);
    EXPECT_DOUBLE_EQ(s.mIoU, 0.0);
    EXPECT_DOUBLE_EQ(s.oIoU, 0.0);
    EXPECT_DOUBLE_EQ(s.precisionAt[0], 0.0);
    metrics.add(mask({1, 0, 0, 0}, 2, 2), mask({1, 0, 0, 0}, 2, 2)); // IoU 1
    s = metrics.scores();
    EXPECT_DOUBLE_EQ(s.mIoU, 0.5);
    EXPECT_DOUBLE_EQ(s.oIoU, 1.0);
    EXPECT_DOUBLE_EQ(s.precisionAt[4], 0.5);
}

TEST(ReferringMetrics, Perfect)
{
    const auto s = single(mask({1, 1, 0, 1}, 2, 2), mask({1, 1, 0, 1}, 2, 2));
    EXPECT_DOUBLE_EQ(s.mIoU, 1.0);
    EXPECT_DOUBLE_EQ(s.oIoU, 1.0);
    for (double p : s.precisionAt)
        EXPECT_DOUBLE_EQ(p, 1.0);
}

TEST(ReferringMetrics, Disjoint)
{
    const auto s = single(mask({1, 1, 0, 0}, 2, 2), mask({0, 0, 1, 1}, 2, 2));
    EXPECT_DOUBLE_EQ(s.mIoU, 0.0);
    EXPECT_DOUBLE_EQ(s.oIoU, 0.0);
}

TEST(ReferringMetrics, PartialOverlapAndThresholdsAreInclusive)
{
    // prediction 3 pixels, truth 4, overlap 3: I 3, U 4, IoU 0.75.
    const auto s = single(mask({1, 1, 1, 0, 0, 0}, 2, 3), mask({1, 1, 1, 1, 0, 0}, 2, 3));
    EXPECT_DOUBLE_EQ(s.mIoU, 0.75);
    EXPECT_DOUBLE_EQ(s.oIoU, 0.75);
    EXPECT_EQ(s.precisionAt, (std::array<double, 5> {1, 1, 1, 0, 0}));

    // IoU exactly 0.5 counts for Pr@0.5 (≥, not >).
    const auto half = single(mask({1, 1, 0, 0}, 2, 2), mask({1, 0, 0, 0}, 2, 2));
    EXPECT_DOUBLE_EQ(half.mIoU, 0.5);
    EXPECT_EQ(half.precisionAt, (std::array<double, 5> {1, 0, 0, 0, 0}));
}

TEST(ReferringMetrics, AnyIntegerOrBoolDtype)
{
    const auto s = single(mask({2, 0, 0, 5}, 2, 2).to(torch::kUInt8), mask({1, 0, 1, 0}, 2, 2).to(torch::kBool));
    EXPECT_DOUBLE_EQ(s.mIoU, 1.0 / 3.0); // I 1, U 3: non-zero is foreground
}

TEST(ReferringMetrics, AggregatesSeveralSamples)
{
    ReferringMetrics metrics;
    metrics.addCounts(9, 10); // 0.9
    metrics.addCounts(7, 10); // 0.7
    metrics.addCounts(1, 4); // 0.25
    metrics.addCounts(0, 0); // 0
    metrics.add(mask({1, 1, 1, 1, 1, 1}, 2, 3), mask({1, 1, 1, 1, 1, 0}, 2, 3)); // 5/6
    const auto s = metrics.scores();
    EXPECT_EQ(s.samples, 5);
    EXPECT_DOUBLE_EQ(s.mIoU, (0.9 + 0.7 + 0.25 + 0.0 + 5.0 / 6.0) / 5.0);
    EXPECT_DOUBLE_EQ(s.oIoU, (9.0 + 7 + 1 + 0 + 5) / (10.0 + 10 + 4 + 0 + 6));
    EXPECT_EQ(s.precisionAt, (std::array<double, 5> {0.6, 0.6, 0.6, 0.4, 0.2}));

    EXPECT_EQ(ReferringMetrics::tableHeader(), "Pr@0.5 | Pr@0.6 | Pr@0.7 | Pr@0.8 | Pr@0.9 | oIoU | mIoU");
    // oIoU 22/30 = 73.33 %, mIoU 2.68333/5 = 53.67 %.
    EXPECT_EQ(metrics.tableRow(), "60.00 | 60.00 | 60.00 | 40.00 | 20.00 | 73.33 | 53.67");
}

TEST(ReferringMetrics, NoSamplesScoresZero)
{
    const ReferringMetrics metrics;
    EXPECT_EQ(metrics.scores().samples, 0);
    EXPECT_EQ(metrics.tableRow(), "0.00 | 0.00 | 0.00 | 0.00 | 0.00 | 0.00 | 0.00");
}

TEST(ReferringMetrics, BadInputsThrow)
{
    ReferringMetrics metrics;
    EXPECT_THROW(metrics.add(mask({1, 0, 0, 0}, 2, 2), mask({1, 0, 0, 0}, 1, 4)), std::invalid_argument);
    EXPECT_THROW(metrics.add(mask({1, 0, 0, 0}, 2, 2).reshape({4}), mask({1, 0, 0, 0}, 2, 2).reshape({4})),
        std::invalid_argument);
    EXPECT_THROW(metrics.add(torch::zeros({2, 2}), torch::zeros({2, 2})), std::invalid_argument); // float
    EXPECT_THROW(metrics.addCounts(3, 2), std::invalid_argument);
    EXPECT_THROW(metrics.addCounts(-1, 2), std::invalid_argument);
    EXPECT_EQ(metrics.samples(), 0);
}

} // namespace
} // namespace refermap::engine
