#pragma once

#include "common/result.h"
#include "engine/synthetic_scene.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace refermap::engine {

inline constexpr int kMinSyntheticSceneSize = 64;
inline constexpr int kMaxSyntheticSceneSize = 8192;

// Generates remote-sensing-like scenes with a referring expression that needs its words to pick the
// target: every scene holds 2-4 objects of the target's category (the distractors) among 3-7
// objects in all, on a textured background (grass, soil, urban, with water where ships or bridges
// need it). The target is singled out by colour, position, size or relation to another object, and
// the expression is checked to fit exactly one object (evaluateExpression). The target's mask is
// exact: its own shape minus what objects drawn later cover.
//
// Deterministic: scene `index` of a generator seeded with `seed` is the same on every platform and
// whatever other scenes are generated (its own mt19937_64 stream, our own distributions). The
// image's edges are anti-aliased; the masks are not. Immutable; generate() may run on any thread.
class SyntheticSceneGenerator {
public:
    struct Options {
        int size = 128;          // image width and height, pixels
        double objectScale = 0;  // object sizes are fractions of this many pixels; 0: `size`
        // The expression kinds the targets may be referred by; empty: every kind. A scene whose
        // target has no unambiguous expression of these kinds is drawn again.
        std::vector<ExpressionKind> kinds;
        // The category of every scene's target; none: drawn at random from the default benchmark's
        // kSceneCategoryCount categories. Opt-in categories (SceneCategory::Airplane) appear only
        // when set here, and then only as the target and its distractors. Unset, the output is the
        // default benchmark's, scene for scene.
        std::optional<SceneCategory> targetCategory;
        // The colour of every scene's target, e.g. the opt-in SceneColour::Purple; none: drawn from
        // its category's palette. Set, one target candidate per scene is repainted in it (no other
        // object has it when the colour is opt-in) and referred to by it when the kinds allow.
        // Unset, the output is unchanged.
        std::optional<SceneColour> targetColour;
    };

    // The largest objectScale, as a multiple of the size: above the size, objects are larger relative
    // to the scene than in the default benchmark (fewer fit; scenes where the target's category finds
    // no room are drawn again).
    static constexpr double kMaxObjectScaleRatio = 2.0;

    // Fails (InvalidArgument) when the size is outside [kMinSyntheticSceneSize, kMaxSyntheticSceneSize]
    // or objectScale is negative, or larger than kMaxObjectScaleRatio times the size, or the target
    // category is not a SceneCategory.
    static Result<SyntheticSceneGenerator> create(std::uint64_t seed, const Options& options);

    Result<SyntheticScene> generate(std::uint64_t index) const;

    // One larger scene for demonstrations: a harbour (water along one side with ships, storage tanks,
    // vehicles, buildings and a road) whose expression refers to a storage tank by size ("the largest
    // storage tank") when the layout allows, else by another kind.
    Result<SyntheticScene> generateHarbour() const;

    std::uint64_t seed() const { return seed_; }
    const Options& options() const { return options_; }

private:
    SyntheticSceneGenerator(std::uint64_t seed, Options options);

    std::uint64_t seed_;
    Options options_;
};

} // namespace refermap::engine
