#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace torch::nn {
class Module;
}

namespace refermap::engine {

// Where one trainable parameter of BTDDNet goes in the optimizer (MODEL.md, "Training recipe").
struct ParameterAssignment {
    std::string name;      // dotted name, e.g. "swin.layers.0.blocks.0.attn.qkv.weight"
    bool backbone = false; // swin.* or bert.* (every layer and the embeddings): the backbone learning rate
    bool decay = true;     // weight decay applies
};

// Assigns every trainable parameter of a BTDDNet (in named_parameters order) to its group:
//  - backbone = the name starts with "swin." or "bert."; everything else takes the decoder rate;
//  - no weight decay for: the weight and bias of every normalisation layer (LayerNorm, GroupNorm,
//    InstanceNorm, BatchNorm, and BSC's masked InstanceNorm — found by module type, so a GroupNorm
//    inside a Sequential is found too), Swin's relative_position_bias_table, the predictor's
//    background_tokens and the BSC mixing weights alpha and beta (MODEL.md's list);
//  - every other parameter is decayed, biases of linear and convolution layers included: MODEL.md's
//    exclusion list does not name them, and LAVT (the reference this recipe comes from) decays
//    them too. MCI's level_embed is decayed for the same reason.
std::vector<ParameterAssignment> assignParameterGroups(const torch::nn::Module& model);

// The poly schedule: base * (1 - iteration / total)^power, 0 from `total` on (iteration counts the
// optimizer steps already taken; the first step uses iteration 0, i.e. the base rate).
double polyLearningRate(double base, std::int64_t iteration, std::int64_t total, double power);

// AdamW (decoupled weight decay, Loshchilov & Hutter; the same arithmetic as torch.optim.AdamW)
// over the two parameter groups of assignParameterGroups, with its state keyed by parameter name so
// that a checkpoint can store and restore it. Not thread-safe.
class GroupedAdamW {
public:
    struct ParameterState {
        at::Tensor expAvg;   // first moment
        at::Tensor expAvgSq; // second moment
        std::int64_t step = 0;  // updates applied to this parameter
    };

    // Reads the model's parameters as they are now (move the model to its device first).
    GroupedAdamW(torch::nn::Module& model, double learningRate, double backboneLearningRate, double weightDecay,
                 double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8);

    void setLearningRates(double learningRate, double backboneLearningRate);
    double learningRate() const { return learningRate_; }
    double backboneLearningRate() const { return backboneLearningRate_; }

    void zeroGrad();
    // One update of every parameter that has a gradient (parameters without one keep their state).
    void step();

    const std::vector<ParameterAssignment>& assignments() const { return assignments_; }
    std::vector<at::Tensor> parameters() const { return parameters_; }
    const std::map<std::string, ParameterState>& state() const { return state_; }
    // Replaces the state (from a checkpoint). Names must be parameters of the model and shapes must
    // match; moves the tensors to the parameters' device. Returns false with `why` filled otherwise.
    bool restoreState(std::map<std::string, ParameterState> state, std::string& why);

private:
    std::vector<ParameterAssignment> assignments_;
    std::vector<at::Tensor> parameters_; // same order as assignments_
    std::map<std::string, ParameterState> state_;
    double learningRate_;
    double backboneLearningRate_;
    double weightDecay_;
    double beta1_;
    double beta2_;
    double epsilon_;
};

} // namespace refermap::engine
