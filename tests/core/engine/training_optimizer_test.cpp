// The optimizer of the training recipe (MODEL.md): parameter groups and weight-decay exclusions
// checked by name on the tiny BTDDNet, AdamW arithmetic against libtorch's own AdamW, and the poly
// schedule.
#include "engine/training_optimizer.h"

#include "model/btddnet.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <map>

namespace refermap::engine {
namespace {

std::map<std::string, ParameterAssignment> assignmentsByName(const torch::nn::Module& module)
{
    std::map<std::string, ParameterAssignment> byName;
    for (const ParameterAssignment& assignment : assignParameterGroups(module))
        byName[assignment.name] = assignment;
    return byName;
}

TEST(TrainingOptimizerTest, GroupsAndDecayExclusionsByParameterName)
{
    const model::Btddnet network(model::BtddnetConfig::tiny());
    const auto byName = assignmentsByName(*network);
    EXPECT_EQ(byName.size(), network->parameters().size()) << "every trainable parameter is assigned once";

    // name -> {backbone, decay}
    const std::map<std::string, std::pair<bool, bool>> expected{
        {"swin.patch_embed.proj.weight", {true, true}},
        {"swin.patch_embed.proj.bias", {true, true}},
        {"swin.patch_embed.norm.weight", {true, false}},
        {"swin.patch_embed.norm.bias", {true, false}},
        {"swin.layers.0.blocks.0.norm1.weight", {true, false}},
        {"swin.layers.0.blocks.0.attn.qkv.weight", {true, true}},
        {"swin.layers.0.blocks.0.attn.relative_position_bias_table", {true, false}},
        {"swin.layers.1.downsample.norm.weight", {true, false}},
        {"swin.layers.1.downsample.reduction.weight", {true, true}},
        {"bert.embeddings.word_embeddings.weight", {true, true}},
        {"bert.embeddings.position_embeddings.weight", {true, true}},
        {"bert.embeddings.LayerNorm.weight", {true, false}},
        {"bert.embeddings.LayerNorm.bias", {true, false}},
        {"bert.encoder.layer.0.attention.self.query.weight", {true, true}},
        {"bert.encoder.layer.3.output.LayerNorm.bias", {true, false}},
        {"bsc.0.alpha", {false, false}},
        {"bsc.2.beta", {false, false}},
        {"bsc.0.vision_gate_norm.weight", {false, false}},
        {"bsc.0.text_gate_norm.bias", {false, false}},
        {"bsc.0.vision_query.weight", {false, true}},
        {"feature_norms.0.weight", {false, false}},
        {"mci.input_projections.0.0.weight", {false, true}}, // 1x1 conv
        {"mci.input_projections.0.1.weight", {false, false}}, // its GroupNorm, found by type
        {"mci.input_projections.0.1.bias", {false, false}},
        {"mci.text_projection.bias", {false, true}}, // biases are decayed (documented choice)
        {"predictor.background_tokens", {false, false}},
        {"predictor.foreground_fc1.weight", {false, true}},
    };
    for (const auto& [name, flags] : expected) {
        const auto found = byName.find(name);
        ASSERT_NE(found, byName.end()) << name;
        EXPECT_EQ(found->second.backbone, flags.first) << name;
        EXPECT_EQ(found->second.decay, flags.second) << name;
    }
    for (const auto& [name, assignment] : byName) {
        const bool backboneName = name.rfind("swin.", 0) == 0 || name.rfind("bert.", 0) == 0;
        EXPECT_EQ(assignment.backbone, backboneName) << name;
        if (name.find("norm") != std::string::npos || name.find("LayerNorm") != std::string::npos) {
            EXPECT_FALSE(assignment.decay) << name << ": a normalisation parameter";
        }
    }
}

TEST(TrainingOptimizerTest, LearningRatesPerGroup)
{
    model::Btddnet network(model::BtddnetConfig::tiny());
    GroupedAdamW optimizer(*network, 1e-4, 1e-5, 0.01);
    EXPECT_DOUBLE_EQ(optimizer.learningRate(), 1e-4);
    EXPECT_DOUBLE_EQ(optimizer.backboneLearningRate(), 1e-5);
    // One step with a unit gradient everywhere: Adam's first step moves each weight by ~lr (sign of
    // the gradient), so the size of the move tells the group's learning rate.
    std::map<std::string, torch::Tensor> copies;
    for (const auto& item : network->named_parameters())
        copies[item.key()] = item.value().detach().clone();
    for (auto& parameter : network->parameters())
        parameter.mutable_grad() = torch::ones_like(parameter);
    optimizer.step();
    for (const ParameterAssignment& assignment : optimizer.assignments()) {
        const torch::Tensor now = network->named_parameters()[assignment.name].detach();
        const torch::Tensor old = copies[assignment.name];
        const double lr = assignment.backbone ? 1e-5 : 1e-4;
        const torch::Tensor expected = old * (assignment.decay ? 1.0 - lr * 0.01 : 1.0) - lr / (1.0 + 1e-8);
        EXPECT_TRUE(torch::allclose(now, expected, 1e-6, 1e-9)) << assignment.name;
    }
}

TEST(TrainingOptimizerTest, SameArithmeticAsLibtorchAdamW)
{
    torch::manual_seed(3);
    torch::nn::Sequential ours(torch::nn::Linear(4, 3), torch::nn::LayerNorm(torch::nn::LayerNormOptions({3})));
    torch::nn::Sequential theirs(torch::nn::Linear(4, 3), torch::nn::LayerNorm(torch::nn::LayerNormOptions({3})));
    {
        torch::NoGradGuard noGrad;
        for (std::size_t index = 0; index < ours->parameters().size(); ++index) {
            ours->parameters()[index].copy_(torch::randn_like(ours->parameters()[index]));
            theirs->parameters()[index].copy_(ours->parameters()[index]);
        }
    }
    GroupedAdamW grouped(*ours, 0.01, 0.001, 0.1);
    // The Linear is decayed, the LayerNorm is not: the same split as two libtorch groups.
    std::vector<torch::optim::OptimizerParamGroup> groups;
    groups.emplace_back(std::vector<torch::Tensor>{theirs[0]->parameters()},
                        std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(0.01).weight_decay(0.1)));
    groups.emplace_back(std::vector<torch::Tensor>{theirs[1]->parameters()},
                        std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(0.01).weight_decay(0.0)));
    torch::optim::AdamW reference(std::move(groups));
    for (int step = 0; step < 5; ++step) {
        const torch::Tensor input = torch::randn({6, 4});
        grouped.zeroGrad();
        reference.zero_grad();
        ours->forward(input).pow(2).sum().backward();
        theirs->forward(input).pow(2).sum().backward();
        grouped.step();
        reference.step();
    }
    for (std::size_t index = 0; index < ours->parameters().size(); ++index)
        EXPECT_TRUE(torch::allclose(ours->parameters()[index], theirs->parameters()[index], 1e-6, 1e-7)) << index;
    for (const auto& [name, state] : grouped.state())
        EXPECT_EQ(state.step, 5) << name;
}

TEST(TrainingOptimizerTest, PolySchedule)
{
    EXPECT_DOUBLE_EQ(polyLearningRate(1e-4, 0, 100, 0.9), 1e-4);
    EXPECT_DOUBLE_EQ(polyLearningRate(1e-4, 50, 100, 0.9), 1e-4 * std::pow(0.5, 0.9));
    EXPECT_NEAR(polyLearningRate(1e-4, 99, 100, 0.9), 1e-4 * std::pow(0.01, 0.9), 1e-18);
    EXPECT_DOUBLE_EQ(polyLearningRate(1e-4, 100, 100, 0.9), 0.0);
    EXPECT_DOUBLE_EQ(polyLearningRate(1e-4, 150, 100, 0.9), 0.0);
    EXPECT_DOUBLE_EQ(polyLearningRate(2.0, 25, 100, 1.0), 1.5);
    EXPECT_DOUBLE_EQ(polyLearningRate(1e-5, 10, 40, 0.0), 1e-5);
    double previous = 1.0;
    for (int iteration = 0; iteration <= 40; ++iteration) {
        const double lr = polyLearningRate(1.0, iteration, 40, 0.9);
        EXPECT_LE(lr, previous);
        previous = lr;
    }
}

} // namespace
} // namespace refermap::engine
