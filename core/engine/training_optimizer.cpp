#include "engine/training_optimizer.h"

#include "model/bidirectional_spatial_correlation.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace refermap::engine {

namespace {

bool isNormalisation(const torch::nn::Module& module)
{
    return dynamic_cast<const torch::nn::LayerNormImpl*>(&module) != nullptr
        || dynamic_cast<const torch::nn::GroupNormImpl*>(&module) != nullptr
        || dynamic_cast<const torch::nn::InstanceNorm1dImpl*>(&module) != nullptr
        || dynamic_cast<const torch::nn::InstanceNorm2dImpl*>(&module) != nullptr
        || dynamic_cast<const torch::nn::InstanceNorm3dImpl*>(&module) != nullptr
        || dynamic_cast<const torch::nn::BatchNorm1dImpl*>(&module) != nullptr
        || dynamic_cast<const torch::nn::BatchNorm2dImpl*>(&module) != nullptr
        || dynamic_cast<const model::InstanceNormImpl*>(&module) != nullptr;
}

std::string leafName(const std::string& name)
{
    const auto dot = name.rfind('.');
    return dot == std::string::npos ? name : name.substr(dot + 1);
}

std::string ownerName(const std::string& name)
{
    const auto dot = name.rfind('.');
    return dot == std::string::npos ? std::string() : name.substr(0, dot);
}

bool startsWith(const std::string& text, const std::string& prefix)
{
    return text.compare(0, prefix.size(), prefix) == 0;
}

} // namespace

std::vector<ParameterAssignment> assignParameterGroups(const torch::nn::Module& model)
{
    std::set<std::string> normalisations;
    for (const auto& item : model.named_modules(/*name_prefix=*/"", /*include_self=*/false)) {
        if (isNormalisation(*item.value()))
            normalisations.insert(item.key());
    }
    static const std::set<std::string> undecayedLeaves{"relative_position_bias_table", "background_tokens", "alpha",
                                                       "beta"};
    std::vector<ParameterAssignment> assignments;
    for (const auto& item : model.named_parameters(/*recurse=*/true)) {
        if (!item.value().requires_grad())
            continue;
        ParameterAssignment assignment;
        assignment.name = item.key();
        assignment.backbone = startsWith(assignment.name, "swin.") || startsWith(assignment.name, "bert.");
        assignment.decay = normalisations.count(ownerName(assignment.name)) == 0
            && undecayedLeaves.count(leafName(assignment.name)) == 0;
        assignments.push_back(std::move(assignment));
    }
    return assignments;
}

double polyLearningRate(double base, std::int64_t iteration, std::int64_t total, double power)
{
    if (total <= 0 || iteration >= total)
        return 0.0;
    const double remaining = 1.0 - static_cast<double>(std::max<std::int64_t>(iteration, 0)) / static_cast<double>(total);
    return base * std::pow(remaining, power);
}

GroupedAdamW::GroupedAdamW(torch::nn::Module& model, double learningRate, double backboneLearningRate,
                           double weightDecay, double beta1, double beta2, double epsilon)
    : assignments_(assignParameterGroups(model))
    , learningRate_(learningRate)
    , backboneLearningRate_(backboneLearningRate)
    , weightDecay_(weightDecay)
    , beta1_(beta1)
    , beta2_(beta2)
    , epsilon_(epsilon)
{
    const auto named = model.named_parameters(/*recurse=*/true);
    parameters_.reserve(assignments_.size());
    for (const ParameterAssignment& assignment : assignments_)
        parameters_.push_back(named[assignment.name]);
}

void GroupedAdamW::setLearningRates(double learningRate, double backboneLearningRate)
{
    learningRate_ = learningRate;
    backboneLearningRate_ = backboneLearningRate;
}

void GroupedAdamW::zeroGrad()
{
    for (torch::Tensor& parameter : parameters_) {
        if (parameter.mutable_grad().defined())
            parameter.mutable_grad().reset(); // set_to_none: the next backward allocates afresh
    }
}

void GroupedAdamW::step()
{
    torch::NoGradGuard noGrad;
    for (std::size_t index = 0; index < parameters_.size(); ++index) {
        torch::Tensor& parameter = parameters_[index];
        const torch::Tensor& grad = parameter.grad();
        if (!grad.defined())
            continue;
        const ParameterAssignment& assignment = assignments_[index];
        const double lr = assignment.backbone ? backboneLearningRate_ : learningRate_;
        if (assignment.decay && weightDecay_ != 0.0)
            parameter.mul_(1.0 - lr * weightDecay_);
        ParameterState& state = state_[assignment.name];
        if (!state.expAvg.defined()) {
            state.expAvg = torch::zeros_like(parameter, torch::MemoryFormat::Preserve);
            state.expAvgSq = torch::zeros_like(parameter, torch::MemoryFormat::Preserve);
            state.step = 0;
        }
        state.step += 1;
        const double biasCorrection1 = 1.0 - std::pow(beta1_, static_cast<double>(state.step));
        const double biasCorrection2 = 1.0 - std::pow(beta2_, static_cast<double>(state.step));
        state.expAvg.mul_(beta1_).add_(grad, 1.0 - beta1_);
        state.expAvgSq.mul_(beta2_).addcmul_(grad, grad, 1.0 - beta2_);
        const torch::Tensor denominator = (state.expAvgSq.sqrt() / std::sqrt(biasCorrection2)).add_(epsilon_);
        parameter.addcdiv_(state.expAvg, denominator, -lr / biasCorrection1);
    }
}

bool GroupedAdamW::restoreState(std::map<std::string, ParameterState> state, std::string& why)
{
    std::map<std::string, const torch::Tensor*> byName;
    for (std::size_t index = 0; index < parameters_.size(); ++index)
        byName[assignments_[index].name] = &parameters_[index];
    for (auto& [name, entry] : state) {
        const auto found = byName.find(name);
        if (found == byName.end()) {
            why = "optimizer state for '" + name + "', which is not a trainable parameter of the model";
            return false;
        }
        const torch::Tensor& parameter = *found->second;
        if (!entry.expAvg.defined() || !entry.expAvgSq.defined() || entry.expAvg.sizes() != parameter.sizes()
            || entry.expAvgSq.sizes() != parameter.sizes() || entry.step < 1) {
            why = "optimizer state for '" + name + "' does not fit the parameter";
            return false;
        }
        entry.expAvg = entry.expAvg.to(parameter.options()).contiguous();
        entry.expAvgSq = entry.expAvgSq.to(parameter.options()).contiguous();
    }
    state_ = std::move(state);
    return true;
}

} // namespace refermap::engine
