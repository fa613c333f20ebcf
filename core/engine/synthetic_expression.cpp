#include "engine/synthetic_expression.h"

#include <cctype>
#include <cmath>

namespace refermap::engine {

const char* sceneCategoryName(SceneCategory category)
{
    switch (category) {
    case SceneCategory::Vehicle: return "vehicle";
    case SceneCategory::Ship: return "ship";
    case SceneCategory::StorageTank: return "storage tank";
    case SceneCategory::Building: return "building";
    case SceneCategory::TennisCourt: return "tennis court";
    case SceneCategory::GroundTrackField: return "ground track field";
    case SceneCategory::Bridge: return "bridge";
    case SceneCategory::Road: return "road";
    case SceneCategory::Airplane: return "airplane";
    }
    return "object";
}

Result<SceneCategory> parseSceneCategory(const std::string& name)
{
    std::string words;
    for (char ch : name)
        words += ch == '-' || ch == '_' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    std::string known;
    for (int c = 0; c < kAllSceneCategoryCount; ++c) {
        const auto category = static_cast<SceneCategory>(c);
        if (words == sceneCategoryName(category))
            return category;
        known += (known.empty() ? "" : ", ") + std::string(sceneCategoryName(category));
    }
    return Error(ErrorCode::InvalidArgument, "unknown object category '" + name + "'").withDetail("use one of: " + known);
}

const char* sceneColourName(SceneColour colour)
{
    switch (colour) {
    case SceneColour::Red: return "red";
    case SceneColour::Blue: return "blue";
    case SceneColour::Green: return "green";
    case SceneColour::White: return "white";
    case SceneColour::Black: return "black";
    case SceneColour::Grey: return "grey";
    case SceneColour::Yellow: return "yellow";
    case SceneColour::Orange: return "orange";
    case SceneColour::Brown: return "brown";
    case SceneColour::Purple: return "purple";
    }
    return "grey";
}

Result<SceneColour> parseSceneColour(const std::string& name)
{
    std::string word;
    for (char ch : name)
        word += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    std::string known;
    for (int c = 0; c < kAllSceneColourCount; ++c) {
        const auto colour = static_cast<SceneColour>(c);
        if (word == sceneColourName(colour))
            return colour;
        known += (known.empty() ? "" : ", ") + std::string(sceneColourName(colour));
    }
    return Error(ErrorCode::InvalidArgument, "unknown colour '" + name + "'").withDetail("use one of: " + known);
}

const char* sceneBackgroundName(SceneBackground background)
{
    switch (background) {
    case SceneBackground::Grass: return "grass";
    case SceneBackground::Soil: return "soil";
    case SceneBackground::Urban: return "urban";
    case SceneBackground::Water: return "water";
    }
    return "grass";
}

const char* expressionKindName(ExpressionKind kind)
{
    switch (kind) {
    case ExpressionKind::Attribute: return "attribute";
    case ExpressionKind::Relation: return "relation";
    case ExpressionKind::Position: return "position";
    case ExpressionKind::Size: return "size";
    }
    return "attribute";
}

namespace {

std::vector<std::size_t> candidatesOf(SceneCategory category, const std::vector<SceneObject>& objects)
{
    std::vector<std::size_t> result;
    for (std::size_t i = 0; i < objects.size(); ++i) {
        if (objects[i].category == category)
            result.push_back(i);
    }
    return result;
}

// Signed coordinate along the axis a position points to: larger = further in that direction.
double towards(ScenePosition position, const SceneObject& object)
{
    switch (position) {
    case ScenePosition::Left: return -object.centroidX;
    case ScenePosition::Right: return object.centroidX;
    case ScenePosition::Top: return -object.centroidY;
    default: return object.centroidY; // Bottom
    }
}

void judgeExtreme(const std::vector<std::size_t>& candidates, const std::vector<SceneObject>& objects,
                  double margin, ScenePosition position, ExpressionMatch& match)
{
    for (std::size_t c : candidates) {
        bool beyondAll = true;
        for (std::size_t other : candidates) {
            if (other != c && towards(position, objects[c]) < towards(position, objects[other]) + margin)
                beyondAll = false;
        }
        if (beyondAll)
            match.matches.push_back(c);
    }
}

void judgeQuadrant(const std::vector<std::size_t>& candidates, const std::vector<SceneObject>& objects,
                   int imageSize, ScenePosition position, ExpressionMatch& match)
{
    const double half = imageSize / 2.0;
    const double margin = positionMargin(imageSize) / 2.0;
    const bool left = position == ScenePosition::TopLeft || position == ScenePosition::BottomLeft;
    const bool top = position == ScenePosition::TopLeft || position == ScenePosition::TopRight;
    for (std::size_t c : candidates) {
        // Distance into the quadrant from each mid-line (negative: outside).
        const double intoX = left ? half - objects[c].centroidX : objects[c].centroidX - half;
        const double intoY = top ? half - objects[c].centroidY : objects[c].centroidY - half;
        if (intoX >= margin && intoY >= margin)
            match.matches.push_back(c);
        else if (intoX > -margin && intoY > -margin)
            match.unclear.push_back(c);
    }
}

void judgeSize(const std::vector<std::size_t>& candidates, const std::vector<SceneObject>& objects, SceneSize size,
               ExpressionMatch& match)
{
    for (std::size_t c : candidates) {
        bool all = true;
        for (std::size_t other : candidates) {
            if (other == c)
                continue;
            const double mine = static_cast<double>(objects[c].footprintArea);
            const double theirs = static_cast<double>(objects[other].footprintArea);
            if (size == SceneSize::Largest ? mine < kSizeRatio * theirs : kSizeRatio * mine > theirs)
                all = false;
        }
        if (all)
            match.matches.push_back(c);
    }
}

void judgeRelation(const std::vector<std::size_t>& candidates, const std::vector<SceneObject>& objects,
                   int imageSize, const ReferringExpressionSpec& spec, ExpressionMatch& match)
{
    const std::vector<std::size_t> anchors = candidatesOf(spec.anchorCategory, objects);
    if (anchors.size() != 1 || spec.anchorCategory == spec.category)
        return;
    const SceneObject& anchor = objects[anchors.front()];
    if (spec.relation == SceneRelation::Nearest) {
        auto distance = [&](std::size_t i) {
            return std::hypot(objects[i].centroidX - anchor.centroidX, objects[i].centroidY - anchor.centroidY);
        };
        for (std::size_t c : candidates) {
            bool nearest = true;
            for (std::size_t other : candidates) {
                if (other != c && kNearRatio * distance(c) > distance(other))
                    nearest = false;
            }
            if (nearest)
                match.matches.push_back(c);
        }
        return;
    }
    const double margin = positionMargin(imageSize);
    for (std::size_t c : candidates) {
        // How far the candidate lies in the relation's direction from the anchor.
        double beyond = 0.0;
        switch (spec.relation) {
        case SceneRelation::LeftOf: beyond = anchor.centroidX - objects[c].centroidX; break;
        case SceneRelation::RightOf: beyond = objects[c].centroidX - anchor.centroidX; break;
        case SceneRelation::Above: beyond = anchor.centroidY - objects[c].centroidY; break;
        default: beyond = objects[c].centroidY - anchor.centroidY; break; // Below
        }
        if (beyond >= margin)
            match.matches.push_back(c);
        else if (beyond > 0.0)
            match.unclear.push_back(c);
    }
}

} // namespace

ExpressionMatch evaluateExpression(const ReferringExpressionSpec& spec, const std::vector<SceneObject>& objects,
                                   int imageSize)
{
    ExpressionMatch match;
    const std::vector<std::size_t> candidates = candidatesOf(spec.category, objects);
    switch (spec.kind) {
    case ExpressionKind::Attribute:
        for (std::size_t c : candidates) {
            if (objects[c].colour == spec.colour)
                match.matches.push_back(c);
        }
        break;
    case ExpressionKind::Position:
        if (spec.position == ScenePosition::Left || spec.position == ScenePosition::Right
            || spec.position == ScenePosition::Top || spec.position == ScenePosition::Bottom)
            judgeExtreme(candidates, objects, positionMargin(imageSize), spec.position, match);
        else
            judgeQuadrant(candidates, objects, imageSize, spec.position, match);
        break;
    case ExpressionKind::Size: judgeSize(candidates, objects, spec.size, match); break;
    case ExpressionKind::Relation: judgeRelation(candidates, objects, imageSize, spec, match); break;
    }
    return match;
}

std::vector<ReferringExpressionSpec> unambiguousExpressions(const std::vector<SceneObject>& objects,
                                                            std::size_t target, int imageSize)
{
    std::vector<ReferringExpressionSpec> result;
    const SceneObject& object = objects[target];
    auto consider = [&](ReferringExpressionSpec spec) {
        spec.category = object.category;
        if (evaluateExpression(spec, objects, imageSize).singlesOut(target))
            result.push_back(spec);
    };
    ReferringExpressionSpec attribute;
    attribute.kind = ExpressionKind::Attribute;
    attribute.colour = object.colour;
    consider(attribute);
    for (ScenePosition position : {ScenePosition::Left, ScenePosition::Right, ScenePosition::Top, ScenePosition::Bottom,
                                   ScenePosition::TopLeft, ScenePosition::TopRight, ScenePosition::BottomLeft,
                                   ScenePosition::BottomRight}) {
        ReferringExpressionSpec spec;
        spec.kind = ExpressionKind::Position;
        spec.position = position;
        consider(spec);
    }
    // Size words only for compact objects: the visible extent of a road or bridge depends on clipping.
    if (object.category != SceneCategory::Road && object.category != SceneCategory::Bridge) {
        for (SceneSize size : {SceneSize::Largest, SceneSize::Smallest}) {
            ReferringExpressionSpec spec;
            spec.kind = ExpressionKind::Size;
            spec.size = size;
            consider(spec);
        }
    }
    // Every category may anchor: an opt-in one is absent from default scenes, so it adds nothing there.
    for (int a = 0; a < kAllSceneCategoryCount; ++a) {
        const auto anchor = static_cast<SceneCategory>(a);
        if (anchor == object.category)
            continue;
        for (SceneRelation relation : {SceneRelation::LeftOf, SceneRelation::RightOf, SceneRelation::Above,
                                       SceneRelation::Below, SceneRelation::Nearest}) {
            ReferringExpressionSpec spec;
            spec.kind = ExpressionKind::Relation;
            spec.relation = relation;
            spec.anchorCategory = anchor;
            consider(spec);
        }
    }
    return result;
}

namespace {

std::string noun(SceneCategory category, SyntheticRandom& random)
{
    switch (category) {
    case SceneCategory::Vehicle: return random.pick<std::string>({"vehicle", "car", "vehicle", "car"});
    case SceneCategory::Ship: return random.pick<std::string>({"ship", "boat", "vessel"});
    case SceneCategory::StorageTank: return random.pick<std::string>({"storage tank", "tank", "oil tank"});
    case SceneCategory::Building: return random.pick<std::string>({"building", "house"});
    case SceneCategory::TennisCourt: return random.pick<std::string>({"tennis court", "court"});
    case SceneCategory::GroundTrackField:
        return random.pick<std::string>({"ground track field", "track field", "running track"});
    case SceneCategory::Bridge: return "bridge";
    case SceneCategory::Road: return random.pick<std::string>({"road", "street"});
    case SceneCategory::Airplane: return random.pick<std::string>({"airplane", "plane", "airplane"});
    }
    return "object";
}

std::string positionPhrase(ScenePosition position, const std::string& thing, SyntheticRandom& random)
{
    switch (position) {
    case ScenePosition::Left:
        return random.pick<std::string>({"the " + thing + " on the left", "the " + thing + " on the left side",
                                         "the leftmost " + thing, "the " + thing + " at the left"});
    case ScenePosition::Right:
        return random.pick<std::string>({"the " + thing + " on the right", "the " + thing + " on the right side",
                                         "the rightmost " + thing, "the " + thing + " at the right"});
    case ScenePosition::Top:
        return random.pick<std::string>({"the " + thing + " at the top", "the top " + thing,
                                         "the " + thing + " in the upper part", "the northernmost " + thing});
    case ScenePosition::Bottom:
        return random.pick<std::string>({"the " + thing + " at the bottom", "the bottom " + thing,
                                         "the " + thing + " in the lower part", "the southernmost " + thing});
    default: break;
    }
    const bool top = position == ScenePosition::TopLeft || position == ScenePosition::TopRight;
    const bool left = position == ScenePosition::TopLeft || position == ScenePosition::BottomLeft;
    const std::string vertical = random.chance(0.5) ? (top ? "top" : "bottom") : (top ? "upper" : "lower");
    const std::string horizontal = left ? "left" : "right";
    switch (random.uniformInt(0, 2)) {
    case 0: return "the " + thing + " in the " + vertical + " " + horizontal;
    case 1: return "the " + thing + " in the " + vertical + " " + horizontal + " corner";
    default: return "the " + vertical + " " + horizontal + " " + thing;
    }
}

std::string relationPhrase(SceneRelation relation, SyntheticRandom& random)
{
    switch (relation) {
    case SceneRelation::LeftOf: return random.pick<std::string>({"left of", "to the left of", "on the left of"});
    case SceneRelation::RightOf: return random.pick<std::string>({"right of", "to the right of", "on the right of"});
    case SceneRelation::Above: return random.pick<std::string>({"above", "north of"});
    case SceneRelation::Below: return random.pick<std::string>({"below", "south of"});
    case SceneRelation::Nearest: return random.pick<std::string>({"next to", "closest to", "nearest to"});
    }
    return "near";
}

} // namespace

std::string phraseExpression(const ReferringExpressionSpec& spec, int candidateCount, SyntheticRandom& random)
{
    const std::string thing = noun(spec.category, random);
    switch (spec.kind) {
    case ExpressionKind::Attribute: {
        const std::string colour = sceneColourName(spec.colour);
        switch (random.uniformInt(0, 3)) {
        case 0: return "the " + colour + " " + thing;
        case 1: return colour + " " + thing;
        case 2: return "the " + thing + " that is " + colour;
        default: return "the " + colour + " coloured " + thing;
        }
    }
    case ExpressionKind::Position: return positionPhrase(spec.position, thing, random);
    case ExpressionKind::Size: {
        const bool two = candidateCount == 2;
        if (spec.size == SceneSize::Largest)
            return "the " + (two ? random.pick<std::string>({"larger", "bigger"})
                                 : random.pick<std::string>({"largest", "biggest"})) + " " + thing;
        return "the " + (two ? std::string("smaller") : random.pick<std::string>({"smallest", "tiniest"})) + " " + thing;
    }
    case ExpressionKind::Relation:
        return "the " + thing + " " + relationPhrase(spec.relation, random) + " the " + noun(spec.anchorCategory, random);
    }
    return "the " + thing;
}

} // namespace refermap::engine
