#pragma once

#include "common/result.h"
#include "engine/referring_dataset.h"

#include <cstdint>
#include <string>
#include <vector>

namespace refermap::engine {

// The object categories of the synthetic benchmark (a subset of RRSIS-D's). The first
// kSceneCategoryCount make up the default benchmark (the bundled demo model was trained on them);
// the ones after it are opt-in: they appear only in scenes whose target category is set to them
// (SyntheticSceneGenerator::Options::targetCategory), e.g. to test adapting a model to a new kind.
enum class SceneCategory { Vehicle, Ship, StorageTank, Building, TennisCourt, GroundTrackField, Bridge, Road, Airplane };
inline constexpr int kSceneCategoryCount = 8;     // the default benchmark's categories
inline constexpr int kAllSceneCategoryCount = 9;  // with the opt-in ones
const char* sceneCategoryName(SceneCategory category); // "vehicle", "ship", "storage tank", ..., "airplane"
// The category named `name` (sceneCategoryName's words; '-' or '_' may stand for the space, any
// case). Fails (InvalidArgument, naming the known categories) for an unknown name.
Result<SceneCategory> parseSceneCategory(const std::string& name);

// Colour words an attribute expression may use (all in the BERT uncased vocabulary). Purple is
// opt-in: in no category's palette, it appears only as the colour asked of every target
// (SyntheticSceneGenerator::Options::targetColour), so the default benchmark never shows it.
enum class SceneColour { Red, Blue, Green, White, Black, Grey, Yellow, Orange, Brown, Purple };
inline constexpr int kAllSceneColourCount = 10;
const char* sceneColourName(SceneColour colour); // "red", ...
// A colour by its name ("purple"); the error lists the names.
Result<SceneColour> parseSceneColour(const std::string& name);

enum class SceneBackground { Grass, Soil, Urban, Water };
const char* sceneBackgroundName(SceneBackground background);

// One object as drawn, with the facts the expressions are judged on. Objects are drawn in the order
// of the scene's list; a later object covers an earlier one where they overlap.
struct SceneObject {
    SceneCategory category = SceneCategory::Vehicle;
    SceneColour colour = SceneColour::Grey;
    double centreX = 0.0; // where it was placed (pixels; the footprint's centre before clipping)
    double centreY = 0.0;
    double length = 0.0;  // along its axis (pixels; a tank's diameter)
    double width = 0.0;   // across its axis
    double angleDegrees = 0.0;
    // Measured on the exact footprint inside the image: position predicates use the centroid.
    double centroidX = 0.0;
    double centroidY = 0.0;
    std::int64_t footprintArea = 0; // pixels of its own shape inside the image
    std::int64_t visibleArea = 0;   // footprintArea minus what later objects cover
};

// The kinds of referring expression; each needs the text to pick the target among its category.
enum class ExpressionKind { Attribute, Relation, Position, Size };
const char* expressionKindName(ExpressionKind kind); // "attribute", "relation", "position", "size"

// Where a position expression points: an extreme along one axis ("the ship at the bottom") or a
// quadrant of the image ("the tennis court in the top left").
enum class ScenePosition { Left, Right, Top, Bottom, TopLeft, TopRight, BottomLeft, BottomRight };
enum class SceneRelation { LeftOf, RightOf, Above, Below, Nearest };
enum class SceneSize { Largest, Smallest };

// What an expression says, structured, so it can be re-evaluated against the object list. The
// predicates (candidates = the objects of `category`; m = positionMargin(imageSize)):
// - Attribute: candidates whose colour is `colour`.
// - Position Left/Right/Top/Bottom: the candidate whose centroid is beyond every other candidate's by
//   at least m on that axis (smaller x = left, smaller y = top).
// - Position quadrant: candidates whose centroid lies inside the quadrant at least m/2 from both
//   mid-lines; a candidate that is not, yet is less than m/2 beyond each mid-line bounding the
//   quadrant, is "unclear" (it could be read either way).
// - Size Largest/Smallest: the candidate whose footprint area is at least kSizeRatio times every
//   other candidate's (or at most 1/kSizeRatio).
// - Relation to the anchor (the only object of anchorCategory in the scene, never the target's
//   category): LeftOf: centroid x <= anchor x - m, unclear when anchor x - m < x < anchor x (RightOf,
//   Above, Below alike); Nearest: centroid distance to the anchor's at most 1/kNearRatio times every
//   other candidate's.
// An expression is unambiguous when exactly one candidate satisfies it and none is unclear.
struct ReferringExpressionSpec {
    ExpressionKind kind = ExpressionKind::Attribute;
    SceneCategory category = SceneCategory::Vehicle;
    SceneColour colour = SceneColour::Grey;             // Attribute
    ScenePosition position = ScenePosition::Left;       // Position
    SceneSize size = SceneSize::Largest;                // Size
    SceneRelation relation = SceneRelation::LeftOf;     // Relation
    SceneCategory anchorCategory = SceneCategory::Vehicle; // Relation
    std::string text;                                   // the words, e.g. "the red car"
};

inline constexpr double kSizeRatio = 1.3;
inline constexpr double kNearRatio = 1.5;
inline double positionMargin(int imageSize) { return 0.08 * imageSize; }

// One generated scene: the image, the target's exact mask, and what was drawn.
struct SyntheticScene {
    int size = 0;                     // width = height
    SceneBackground background = SceneBackground::Grass;
    RgbImage image;
    std::vector<SceneObject> objects; // in drawing order
    std::vector<BinaryMask> footprints; // each object's own shape (0/1), before occlusion, same order
    std::size_t target = 0;           // index into objects
    BinaryMask mask;                  // the target's visible pixels (0/1)
    ReferringExpressionSpec expression;
};

} // namespace refermap::engine
