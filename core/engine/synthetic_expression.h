#pragma once

#include "engine/synthetic_random.h"
#include "engine/synthetic_scene.h"

#include <cstddef>
#include <string>
#include <vector>

namespace refermap::engine {

// The result of judging an expression against a scene (semantics in synthetic_scene.h).
struct ExpressionMatch {
    std::vector<std::size_t> matches; // objects that satisfy the expression
    std::vector<std::size_t> unclear; // candidates too close to a boundary to say
    bool singlesOut(std::size_t target) const
    {
        return matches.size() == 1 && matches.front() == target && unclear.empty();
    }
};

// Judges `spec` against the objects of a scene `imageSize` pixels wide. A relation whose anchor
// category is absent, repeated or equal to the target's category matches nothing.
ExpressionMatch evaluateExpression(const ReferringExpressionSpec& spec, const std::vector<SceneObject>& objects,
                                   int imageSize);

// Every expression (without words) that singles out objects[target] among the objects of its
// category, in a fixed order: attributes, positions, sizes, relations.
std::vector<ReferringExpressionSpec> unambiguousExpressions(const std::vector<SceneObject>& objects,
                                                            std::size_t target, int imageSize);

// Puts a spec into words, choosing among synonyms and phrasings with `random` ("the car on the left
// side", "the storage tank left of the building", "the larger court"). `candidateCount` (objects of
// the spec's category) picks comparatives ("larger") for two and superlatives for more. Lower case,
// no final full stop, only words of the BERT uncased vocabulary.
std::string phraseExpression(const ReferringExpressionSpec& spec, int candidateCount, SyntheticRandom& random);

} // namespace refermap::engine
