// The synthetic referring benchmark's scenes: determinism, exact masks, unambiguous expressions,
// coverage of categories and expression kinds.
#include "engine/synthetic_expression.h"
#include "engine/synthetic_random.h"
#include "engine/synthetic_scene_generator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

namespace refermap::engine {
namespace {

constexpr int kSize = 128;
constexpr int kBatch = 200;

SyntheticSceneGenerator generatorFor(std::uint64_t seed, int size = kSize)
{
    SyntheticSceneGenerator::Options options;
    options.size = size;
    return SyntheticSceneGenerator::create(seed, options).value();
}

const std::vector<SyntheticScene>& batch()
{
    static const std::vector<SyntheticScene> scenes = [] {
        std::vector<SyntheticScene> result;
        const SyntheticSceneGenerator generator = generatorFor(2024);
        for (int i = 0; i < kBatch; ++i)
            result.push_back(generator.generate(static_cast<std::uint64_t>(i)).value());
        return result;
    }();
    return scenes;
}

TEST(SyntheticRandomTest, UniformIntegersCoverTheirRangeAndNothingElse)
{
    SyntheticRandom random(1);
    std::set<int> seen;
    for (int i = 0; i < 2000; ++i) {
        const int value = random.uniformInt(-3, 4);
        ASSERT_GE(value, -3);
        ASSERT_LE(value, 4);
        seen.insert(value);
        const double u = random.uniform();
        ASSERT_GE(u, 0.0);
        ASSERT_LT(u, 1.0);
    }
    EXPECT_EQ(seen.size(), 8u);
}

TEST(SyntheticRandomTest, NormalHasItsMeanAndSpread)
{
    SyntheticRandom random(5);
    double sum = 0;
    double squares = 0;
    const int n = 20000;
    for (int i = 0; i < n; ++i) {
        const double value = random.normal(3.0, 2.0);
        sum += value;
        squares += value * value;
    }
    const double mean = sum / n;
    EXPECT_NEAR(mean, 3.0, 0.06);
    EXPECT_NEAR(std::sqrt(squares / n - mean * mean), 2.0, 0.06);
}

TEST(SyntheticSceneGeneratorTest, SameSeedSameScenesOtherSeedOtherScenes)
{
    const SyntheticSceneGenerator a = generatorFor(11);
    const SyntheticSceneGenerator b = generatorFor(11);
    const SyntheticSceneGenerator c = generatorFor(12);
    for (std::uint64_t i = 0; i < 10; ++i) {
        const SyntheticScene first = a.generate(i).value();
        const SyntheticScene again = b.generate(i).value();
        const SyntheticScene other = c.generate(i).value();
        EXPECT_EQ(first.image.pixels, again.image.pixels) << i;
        EXPECT_EQ(first.mask.pixels, again.mask.pixels) << i;
        EXPECT_EQ(first.expression.text, again.expression.text) << i;
        EXPECT_NE(first.image.pixels, other.image.pixels) << i;
    }
    // A scene does not depend on which others were generated before it.
    EXPECT_EQ(a.generate(7).value().image.pixels, generatorFor(11).generate(7).value().image.pixels);
    EXPECT_NE(a.generate(3).value().image.pixels, a.generate(4).value().image.pixels);
}

TEST(SyntheticSceneGeneratorTest, MaskIsTheTargetsShapeMinusWhatLaterObjectsCover)
{
    int occluded = 0;
    for (const SyntheticScene& scene : batch()) {
        ASSERT_EQ(scene.mask.width, kSize);
        ASSERT_EQ(scene.image.pixels.size(), static_cast<std::size_t>(kSize) * kSize * 3);
        ASSERT_EQ(scene.footprints.size(), scene.objects.size());
        const BinaryMask& own = scene.footprints[scene.target];
        std::int64_t area = 0;
        std::int64_t footprint = 0;
        for (std::size_t p = 0; p < scene.mask.pixels.size(); ++p) {
            bool covered = false;
            for (std::size_t later = scene.target + 1; later < scene.objects.size(); ++later)
                covered = covered || scene.footprints[later].pixels[p] != 0;
            const std::uint8_t expected = own.pixels[p] && !covered ? 1 : 0;
            ASSERT_EQ(scene.mask.pixels[p], expected) << scene.expression.text << " pixel " << p;
            area += scene.mask.pixels[p];
            footprint += own.pixels[p];
        }
        EXPECT_GT(area, 0) << scene.expression.text;
        EXPECT_EQ(area, scene.objects[scene.target].visibleArea);
        EXPECT_EQ(footprint, scene.objects[scene.target].footprintArea);
        occluded += area < footprint ? 1 : 0;
    }
    // Vehicles on roads and crossing roads do occlude targets somewhere in the batch.
    EXPECT_GT(occluded, 0);
}

TEST(SyntheticSceneGeneratorTest, FootprintsHaveTheDrawnShapesArea)
{
    for (const SyntheticScene& scene : batch()) {
        for (const SceneObject& o : scene.objects) {
            double expected = 0;
            switch (o.category) {
            case SceneCategory::StorageTank: expected = M_PI * o.length * o.length / 4; break;
            case SceneCategory::Vehicle:
            case SceneCategory::Building:
            case SceneCategory::TennisCourt: expected = o.length * o.width; break;
            case SceneCategory::GroundTrackField: expected = (o.length - o.width) * o.width + M_PI * o.width * o.width / 4; break;
            default: continue; // hulls, and strips clipped by the image
            }
            // Pixels whose centre is inside: at most one row and one column more or less than the shape.
            const double perimeter = 2 * (o.length + o.width);
            EXPECT_NEAR(static_cast<double>(o.footprintArea), expected, 0.5 * perimeter + 2) << sceneCategoryName(o.category);
        }
    }
}

// The expression semantics of synthetic_scene.h, written again here independently of the generator.
std::vector<std::size_t> satisfying(const SyntheticScene& scene, bool& unclear)
{
    const ReferringExpressionSpec& e = scene.expression;
    const auto& objects = scene.objects;
    const double m = 0.08 * kSize;
    std::vector<std::size_t> candidates;
    for (std::size_t i = 0; i < objects.size(); ++i) {
        if (objects[i].category == e.category)
            candidates.push_back(i);
    }
    std::vector<std::size_t> result;
    unclear = false;
    auto others = [&](std::size_t c, auto predicate) {
        for (std::size_t o : candidates) {
            if (o != c && !predicate(objects[c], objects[o]))
                return false;
        }
        return true;
    };
    std::size_t anchor = objects.size();
    int anchors = 0;
    for (std::size_t i = 0; i < objects.size(); ++i) {
        if (objects[i].category == e.anchorCategory) {
            anchor = i;
            ++anchors;
        }
    }
    for (std::size_t c : candidates) {
        const SceneObject& o = objects[c];
        bool yes = false;
        switch (e.kind) {
        case ExpressionKind::Attribute: yes = o.colour == e.colour; break;
        case ExpressionKind::Size:
            yes = others(c, [&](const SceneObject& a, const SceneObject& b) {
                return e.size == SceneSize::Largest ? a.footprintArea >= 1.3 * b.footprintArea
                                                    : 1.3 * a.footprintArea <= b.footprintArea;
            });
            break;
        case ExpressionKind::Position:
            switch (e.position) {
            case ScenePosition::Left: yes = others(c, [&](auto& a, auto& b) { return a.centroidX + m <= b.centroidX; }); break;
            case ScenePosition::Right: yes = others(c, [&](auto& a, auto& b) { return a.centroidX >= b.centroidX + m; }); break;
            case ScenePosition::Top: yes = others(c, [&](auto& a, auto& b) { return a.centroidY + m <= b.centroidY; }); break;
            case ScenePosition::Bottom: yes = others(c, [&](auto& a, auto& b) { return a.centroidY >= b.centroidY + m; }); break;
            default: {
                const bool left = e.position == ScenePosition::TopLeft || e.position == ScenePosition::BottomLeft;
                const bool top = e.position == ScenePosition::TopLeft || e.position == ScenePosition::TopRight;
                const double dx = left ? kSize / 2.0 - o.centroidX : o.centroidX - kSize / 2.0;
                const double dy = top ? kSize / 2.0 - o.centroidY : o.centroidY - kSize / 2.0;
                yes = dx >= m / 2 && dy >= m / 2;
                unclear = unclear || (!yes && dx > -m / 2 && dy > -m / 2);
            }
            }
            break;
        case ExpressionKind::Relation: {
            if (anchors != 1 || e.anchorCategory == e.category)
                return {};
            const SceneObject& a = objects[anchor];
            double beyond = 0;
            switch (e.relation) {
            case SceneRelation::LeftOf: beyond = a.centroidX - o.centroidX; break;
            case SceneRelation::RightOf: beyond = o.centroidX - a.centroidX; break;
            case SceneRelation::Above: beyond = a.centroidY - o.centroidY; break;
            case SceneRelation::Below: beyond = o.centroidY - a.centroidY; break;
            case SceneRelation::Nearest:
                yes = others(c, [&](const SceneObject& p, const SceneObject& q) {
                    return 1.5 * std::hypot(p.centroidX - a.centroidX, p.centroidY - a.centroidY)
                           <= std::hypot(q.centroidX - a.centroidX, q.centroidY - a.centroidY);
                });
                break;
            }
            if (e.relation != SceneRelation::Nearest) {
                yes = beyond >= m;
                unclear = unclear || (!yes && beyond > 0);
            }
            break;
        }
        }
        if (yes)
            result.push_back(c);
    }
    return result;
}

TEST(SyntheticSceneGeneratorTest, EveryExpressionFitsExactlyItsTarget)
{
    for (const SyntheticScene& scene : batch()) {
        const SceneObject& target = scene.objects[scene.target];
        EXPECT_EQ(target.category, scene.expression.category);
        int sameCategory = 0;
        for (const SceneObject& o : scene.objects)
            sameCategory += o.category == target.category ? 1 : 0;
        EXPECT_GE(sameCategory, 2) << "no distractor for: " << scene.expression.text;
        EXPECT_GE(scene.objects.size(), 3u);
        EXPECT_LE(scene.objects.size(), 7u);

        bool unclear = false;
        const std::vector<std::size_t> matches = satisfying(scene, unclear);
        ASSERT_EQ(matches.size(), 1u) << scene.expression.text;
        EXPECT_EQ(matches.front(), scene.target) << scene.expression.text;
        EXPECT_FALSE(unclear) << scene.expression.text;
        EXPECT_TRUE(evaluateExpression(scene.expression, scene.objects, kSize).singlesOut(scene.target));
    }
}

TEST(SyntheticSceneGeneratorTest, WordsSayWhatTheExpressionMeans)
{
    for (const SyntheticScene& scene : batch()) {
        const std::string& text = scene.expression.text;
        ASSERT_FALSE(text.empty());
        for (char ch : text)
            ASSERT_TRUE((ch >= 'a' && ch <= 'z') || ch == ' ') << text;
        auto has = [&](const char* word) { return text.find(word) != std::string::npos; };
        if (scene.expression.kind == ExpressionKind::Attribute) {
            EXPECT_TRUE(has(sceneColourName(scene.expression.colour))) << text;
        }
        if (scene.expression.kind == ExpressionKind::Size) {
            if (scene.expression.size == SceneSize::Largest) {
                EXPECT_TRUE(has("larg") || has("big")) << text;
            } else {
                EXPECT_TRUE(has("small") || has("tiniest")) << text;
            }
        }
        if (scene.expression.kind == ExpressionKind::Position) {
            const bool left = scene.expression.position == ScenePosition::Left
                              || scene.expression.position == ScenePosition::TopLeft
                              || scene.expression.position == ScenePosition::BottomLeft;
            const bool right = scene.expression.position == ScenePosition::Right
                               || scene.expression.position == ScenePosition::TopRight
                               || scene.expression.position == ScenePosition::BottomRight;
            if (left) {
                EXPECT_TRUE(has("left")) << text;
            }
            if (right) {
                EXPECT_TRUE(has("right")) << text;
            }
        }
    }
}

TEST(SyntheticSceneGeneratorTest, BatchHasEveryCategoryAndEveryKind)
{
    std::set<SceneCategory> categories;
    std::set<ExpressionKind> kinds;
    std::set<SceneBackground> backgrounds;
    std::set<std::string> texts;
    for (const SyntheticScene& scene : batch()) {
        categories.insert(scene.expression.category);
        kinds.insert(scene.expression.kind);
        backgrounds.insert(scene.background);
        texts.insert(scene.expression.text);
    }
    EXPECT_EQ(categories.size(), static_cast<std::size_t>(kSceneCategoryCount));
    EXPECT_EQ(kinds.size(), 4u);
    EXPECT_EQ(backgrounds.size(), 4u);
    EXPECT_GT(texts.size(), 100u); // varied wording
}

TEST(SyntheticSceneGeneratorTest, HarbourSceneRefersToAStorageTankBySize)
{
    SyntheticSceneGenerator::Options options;
    options.size = 512;
    options.objectScale = 256;
    const SyntheticSceneGenerator generator = SyntheticSceneGenerator::create(3, options).value();
    const SyntheticScene scene = generator.generateHarbour().value();
    EXPECT_EQ(scene.expression.category, SceneCategory::StorageTank);
    EXPECT_EQ(scene.expression.kind, ExpressionKind::Size);
    int tanks = 0;
    int ships = 0;
    for (const SceneObject& o : scene.objects) {
        tanks += o.category == SceneCategory::StorageTank;
        ships += o.category == SceneCategory::Ship;
    }
    EXPECT_GE(tanks, 3);
    EXPECT_GE(ships, 1);
    EXPECT_TRUE(evaluateExpression(scene.expression, scene.objects, 512).singlesOut(scene.target));
    EXPECT_EQ(generator.generateHarbour().value().image.pixels, scene.image.pixels);
}

TEST(SyntheticSceneGeneratorTest, RejectsBadOptions)
{
    SyntheticSceneGenerator::Options options;
    options.size = 32;
    auto tooSmall = SyntheticSceneGenerator::create(1, options);
    ASSERT_FALSE(tooSmall);
    EXPECT_EQ(tooSmall.error().code(), ErrorCode::InvalidArgument);
    options.size = 128;
    options.objectScale = -1;
    EXPECT_FALSE(SyntheticSceneGenerator::create(1, options));
    options.objectScale = 4096;
    EXPECT_FALSE(SyntheticSceneGenerator::create(1, options));
}

} // namespace
} // namespace refermap::engine
