#include "engine/synthetic_scene_generator.h"

#include "engine/synthetic_expression.h"
#include "engine/synthetic_random.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

namespace refermap::engine {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kShift = 3; // fillPoly's fractional bits: outlines at 1/8 pixel
constexpr int kMaxAttempts = 400;

using Rgb = std::array<double, 3>;

Rgb colourValue(SceneColour colour)
{
    switch (colour) {
    case SceneColour::Red: return {185, 42, 38};
    case SceneColour::Blue: return {38, 72, 175};
    case SceneColour::Green: return {52, 140, 62};
    case SceneColour::White: return {236, 236, 230};
    case SceneColour::Black: return {28, 29, 32};
    case SceneColour::Grey: return {128, 128, 126};
    case SceneColour::Yellow: return {222, 196, 40};
    case SceneColour::Orange: return {230, 122, 32};
    case SceneColour::Brown: return {128, 88, 52};
    case SceneColour::Purple: return {128, 58, 168};
    }
    return {128, 128, 128};
}

std::vector<SceneColour> paletteOf(SceneCategory category)
{
    using C = SceneColour;
    switch (category) {
    case SceneCategory::Vehicle: return {C::Red, C::Blue, C::White, C::Black, C::Grey, C::Yellow, C::Green};
    case SceneCategory::Ship: return {C::White, C::Grey, C::Red, C::Blue, C::Black};
    case SceneCategory::StorageTank: return {C::White, C::Grey, C::Green, C::Blue};
    case SceneCategory::Building: return {C::Red, C::Grey, C::Blue, C::White, C::Brown, C::Orange};
    case SceneCategory::TennisCourt: return {C::Green, C::Blue, C::Red};
    case SceneCategory::GroundTrackField: return {C::Red, C::Blue, C::Orange};
    case SceneCategory::Bridge: return {C::Grey, C::White, C::Red};
    case SceneCategory::Road: return {C::Grey, C::Black, C::Brown};
    case SceneCategory::Airplane: return {C::White, C::Grey, C::Blue, C::Red};
    }
    return {C::Grey};
}

struct Point {
    double x = 0;
    double y = 0;
};

// A straight water band: points whose distance to the line through `origin` along `direction` is
// below halfWidth.
struct River {
    bool present = false;
    Point origin;
    Point direction{1, 0};
    double halfWidth = 0;
    double offset(Point p) const // signed distance from the centre line
    {
        return (p.x - origin.x) * -direction.y + (p.y - origin.y) * direction.x;
    }
    double along(Point p) const { return (p.x - origin.x) * direction.x + (p.y - origin.y) * direction.y; }
};

// One object being placed: its facts plus its outline in image coordinates.
struct Placed {
    SceneObject object;
    std::vector<Point> outline;
    bool onStrip = false; // a vehicle standing on a road or bridge
};

std::vector<Point> transformed(const std::vector<Point>& local, const SceneObject& o)
{
    const double a = o.angleDegrees * kPi / 180.0;
    const double c = std::cos(a);
    const double s = std::sin(a);
    std::vector<Point> result;
    result.reserve(local.size());
    for (const Point& p : local)
        result.push_back({o.centreX + p.x * c - p.y * s, o.centreY + p.x * s + p.y * c});
    return result;
}

std::vector<Point> rectangle(double length, double width)
{
    return {{-length / 2, -width / 2}, {length / 2, -width / 2}, {length / 2, width / 2}, {-length / 2, width / 2}};
}

std::vector<Point> stadium(double length, double width, int capPoints = 24)
{
    const double r = width / 2;
    const double straight = std::max(0.0, length / 2 - r);
    std::vector<Point> result;
    for (int i = 0; i <= capPoints; ++i) {
        const double a = -kPi / 2 + kPi * i / capPoints;
        result.push_back({straight + r * std::cos(a), r * std::sin(a)});
    }
    for (int i = 0; i <= capPoints; ++i) {
        const double a = kPi / 2 + kPi * i / capPoints;
        result.push_back({-straight + r * std::cos(a), r * std::sin(a)});
    }
    return result;
}

std::vector<Point> circle(double radius, int points = 48) { return stadium(2 * radius, 2 * radius, points / 2); }

std::vector<Point> hull(double length, double width)
{
    return {{-length / 2, -width / 2}, {length * 0.22, -width / 2}, {length / 2, 0}, {length * 0.22, width / 2},
            {-length / 2, width / 2}, {-length * 0.52, 0}};
}

// An airliner seen from above, nose towards +x: a slim fuselage, wings swept back to a span of
// `span`, and a swept tailplane. One simple polygon, so its footprint is exact like the others'.
std::vector<Point> airplane(double length, double span)
{
    const double fuselage = 0.06 * length; // half its width
    // One side (y < 0), from the nose backwards; the other side is its mirror image.
    const std::vector<Point> side{
        {0.42 * length, -0.7 * fuselage},  // where the nose cone meets the fuselage
        {0.14 * length, -fuselage},        // wing root, leading edge
        {-0.12 * length, -0.5 * span},     // wing tip, leading edge
        {-0.22 * length, -0.5 * span},     // wing tip, trailing edge
        {-0.06 * length, -fuselage},       // wing root, trailing edge
        {-0.31 * length, -fuselage},       // tailplane root, leading edge
        {-0.43 * length, -0.18 * span},    // tailplane tip, leading edge
        {-0.49 * length, -0.18 * span},    // tailplane tip, trailing edge
        {-0.45 * length, -0.6 * fuselage}, // tailplane root, trailing edge
        {-0.5 * length, -0.3 * fuselage},  // tail cone
    };
    std::vector<Point> result{{0.5 * length, 0.0}};
    result.insert(result.end(), side.begin(), side.end());
    for (auto p = side.rbegin(); p != side.rend(); ++p)
        result.push_back({p->x, -p->y});
    return result;
}

std::vector<Point> localOutline(const SceneObject& o)
{
    switch (o.category) {
    case SceneCategory::Ship: return hull(o.length, o.width);
    case SceneCategory::Airplane: return airplane(o.length, o.width);
    case SceneCategory::StorageTank: return circle(o.length / 2);
    case SceneCategory::GroundTrackField: return stadium(o.length, o.width);
    default: return rectangle(o.length, o.width);
    }
}

std::vector<cv::Point> toCv(const std::vector<Point>& points)
{
    std::vector<cv::Point> result;
    result.reserve(points.size());
    for (const Point& p : points)
        result.emplace_back(static_cast<int>(std::lround(p.x * (1 << kShift))),
                            static_cast<int>(std::lround(p.y * (1 << kShift))));
    return result;
}

void fill(cv::Mat& image, const std::vector<Point>& polygon, const cv::Scalar& value, int lineType)
{
    const std::vector<std::vector<cv::Point>> polygons{toCv(polygon)};
    cv::fillPoly(image, polygons, value, lineType, kShift);
}

// The exact footprint: a pixel belongs to the shape when its centre (integer coordinates, as in
// OpenCV) lies inside the polygon (even-odd rule). Unlike cv::fillPoly, which also sets every pixel
// its outline touches, this keeps areas true to the shape's size.
void rasterize(cv::Mat1b& mask, const std::vector<Point>& polygon)
{
    double minY = polygon.front().y;
    double maxY = minY;
    for (const Point& p : polygon) {
        minY = std::min(minY, p.y);
        maxY = std::max(maxY, p.y);
    }
    const int firstRow = std::max(0, static_cast<int>(std::ceil(minY)));
    const int lastRow = std::min(mask.rows - 1, static_cast<int>(std::floor(maxY)));
    std::vector<double> crossings;
    for (int y = firstRow; y <= lastRow; ++y) {
        crossings.clear();
        for (std::size_t i = 0; i < polygon.size(); ++i) {
            const Point& a = polygon[i];
            const Point& b = polygon[(i + 1) % polygon.size()];
            if ((a.y <= y && y < b.y) || (b.y <= y && y < a.y))
                crossings.push_back(a.x + (y - a.y) * (b.x - a.x) / (b.y - a.y));
        }
        std::sort(crossings.begin(), crossings.end());
        std::uint8_t* row = mask.ptr<std::uint8_t>(y);
        for (std::size_t i = 0; i + 1 < crossings.size(); i += 2) {
            const int from = std::max(0, static_cast<int>(std::ceil(crossings[i])));
            const int to = std::min(mask.cols - 1, static_cast<int>(std::ceil(crossings[i + 1])) - 1);
            for (int x = from; x <= to; ++x)
                row[x] = 1;
        }
    }
}

cv::Scalar scalar(const Rgb& rgb) { return cv::Scalar(rgb[0], rgb[1], rgb[2]); }
Rgb scaled(const Rgb& rgb, double factor)
{
    return {std::clamp(rgb[0] * factor, 0.0, 255.0), std::clamp(rgb[1] * factor, 0.0, 255.0),
            std::clamp(rgb[2] * factor, 0.0, 255.0)};
}

double segmentDistance(Point p, Point a, Point b)
{
    const double dx = b.x - a.x;
    const double dy = b.y - a.y;
    const double lengthSquared = dx * dx + dy * dy;
    double t = lengthSquared > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / lengthSquared : 0.0;
    t = std::clamp(t, 0.0, 1.0);
    return std::hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

bool isStrip(SceneCategory category) { return category == SceneCategory::Road || category == SceneCategory::Bridge; }

// Smooth value noise in [-1, 1] summed over octaves (cell sizes from `cell` halving), per pixel.
cv::Mat1f fractalNoise(int size, double cell, int octaves, SyntheticRandom& random)
{
    cv::Mat1f result(size, size, 0.0f);
    double amplitude = 1.0;
    double total = 0.0;
    for (int octave = 0; octave < octaves; ++octave, cell /= 2, amplitude /= 2) {
        cell = std::max(cell, 2.0);
        const int n = static_cast<int>(size / cell) + 2;
        std::vector<float> lattice(static_cast<std::size_t>(n) * n);
        for (float& value : lattice)
            value = static_cast<float>(random.uniform(-1.0, 1.0));
        std::vector<int> cellX(size);
        std::vector<float> fracX(size);
        for (int i = 0; i < size; ++i) {
            const double g = i / cell;
            cellX[i] = static_cast<int>(g);
            const double f = g - cellX[i];
            fracX[i] = static_cast<float>(f * f * (3 - 2 * f));
        }
        for (int y = 0; y < size; ++y) {
            float* row = result.ptr<float>(y);
            const int cy = cellX[y];
            const float fy = fracX[y];
            const float* top = &lattice[static_cast<std::size_t>(cy) * n];
            const float* bottom = top + n;
            for (int x = 0; x < size; ++x) {
                const int cx = cellX[x];
                const float fx = fracX[x];
                const float upper = top[cx] + (top[cx + 1] - top[cx]) * fx;
                const float lower = bottom[cx] + (bottom[cx + 1] - bottom[cx]) * fx;
                row[x] += static_cast<float>(amplitude) * (upper + (lower - upper) * fy);
            }
        }
        total += amplitude;
    }
    result /= static_cast<float>(total);
    return result;
}

class SceneComposer {
public:
    SceneComposer(int size, double scale, SyntheticRandom& random)
        : size_(size)
        , scale_(scale)
        , random_(random)
    {
    }

    // What a scene holds: the target's category and count, the other objects, and whether water is
    // wanted (ships and bridges need it).
    struct Recipe {
        SceneCategory target = SceneCategory::Vehicle;
        std::vector<SceneCategory> objects; // every object, the target's category included
        bool water = false;
        bool wideWater = false;
        std::optional<ExpressionKind> preferredKind;
    };

    // `target`: the target's category; none: one of the default benchmark's, at random.
    Recipe randomRecipe(std::optional<SceneCategory> target)
    {
        Recipe recipe;
        // Drawn even when the category is given, so the draws that follow are the default's.
        const auto drawn = static_cast<SceneCategory>(random_.uniformInt(0, kSceneCategoryCount - 1));
        recipe.target = target.value_or(drawn);
        int count = 2;
        switch (recipe.target) {
        case SceneCategory::Vehicle:
        case SceneCategory::StorageTank: count = random_.uniformInt(2, 4); break;
        case SceneCategory::Ship:
        case SceneCategory::Airplane:
        case SceneCategory::Building:
        case SceneCategory::TennisCourt: count = random_.uniformInt(2, 3); break;
        default: count = 2; break;
        }
        recipe.water = recipe.target == SceneCategory::Ship || recipe.target == SceneCategory::Bridge
                       || random_.chance(0.25);
        recipe.wideWater = recipe.water && recipe.target == SceneCategory::Ship && random_.chance(0.4);
        recipe.objects.assign(static_cast<std::size_t>(count), recipe.target);
        const int extras = random_.uniformInt(1, std::max(1, 7 - count));
        // Other objects come from the default categories only: an opt-in kind appears only as the
        // target's category.
        std::vector<SceneCategory> allowed;
        for (int c = 0; c < kSceneCategoryCount; ++c) {
            const auto category = static_cast<SceneCategory>(c);
            if (category == recipe.target)
                continue;
            if ((category == SceneCategory::Ship || category == SceneCategory::Bridge) && !recipe.water)
                continue;
            allowed.push_back(category);
        }
        for (int i = 0; i < extras; ++i) {
            const SceneCategory category = random_.pick(allowed);
            const bool large = category == SceneCategory::GroundTrackField || isStrip(category);
            if (large && std::count(recipe.objects.begin(), recipe.objects.end(), category) > 0)
                continue;
            recipe.objects.push_back(category);
        }
        return recipe;
    }

    static Recipe harbourRecipe()
    {
        Recipe recipe;
        recipe.target = SceneCategory::StorageTank;
        recipe.water = true;
        recipe.wideWater = false;
        recipe.preferredKind = ExpressionKind::Size;
        using C = SceneCategory;
        recipe.objects = {C::Road, C::StorageTank, C::StorageTank, C::StorageTank, C::StorageTank, C::Building,
                          C::Building, C::Ship, C::Ship, C::Ship, C::Vehicle, C::Vehicle, C::Vehicle,
                          C::Vehicle, C::Vehicle, C::Vehicle};
        return recipe;
    }

    // Places the recipe's objects; false when an object of the target's category found no room.
    bool place(const Recipe& recipe)
    {
        placed_.clear();
        river_ = River{};
        if (recipe.water) {
            river_.present = true;
            const double angle = random_.uniform(0, kPi);
            river_.direction = {std::cos(angle), std::sin(angle)};
            const double half = size_ / 2.0;
            river_.halfWidth = (recipe.wideWater ? random_.uniform(0.34, 0.42) : random_.uniform(0.17, 0.26)) * size_;
            // Off-centre so land remains on at least one side.
            const double shift = random_.uniform(-0.18, 0.18) * size_;
            river_.origin = {half - river_.direction.y * shift, half + river_.direction.x * shift};
        }
        // Drawing order: roads, bridges, large then small objects, vehicles last (they may stand on
        // roads and bridges).
        std::vector<SceneCategory> order = recipe.objects;
        auto rank = [](SceneCategory c) {
            switch (c) {
            case SceneCategory::Road: return 0;
            case SceneCategory::Bridge: return 1;
            case SceneCategory::GroundTrackField: return 2;
            case SceneCategory::TennisCourt:
            case SceneCategory::Building: return 3;
            case SceneCategory::StorageTank: return 4;
            case SceneCategory::Ship:
            case SceneCategory::Airplane: return 5;
            default: return 6;
            }
        };
        std::stable_sort(order.begin(), order.end(), [&](SceneCategory a, SceneCategory b) { return rank(a) < rank(b); });
        for (SceneCategory category : order) {
            if (!placeOne(category) && category == recipe.target)
                return false;
        }
        return placed_.size() >= 3
               && std::count_if(placed_.begin(), placed_.end(),
                                [&](const Placed& p) { return p.object.category == recipe.target; })
                      >= 2;
    }

    const River& river() const { return river_; }
    std::vector<Placed>& placed() { return placed_; }

private:
    SceneObject sized(SceneCategory category)
    {
        SceneObject o;
        o.category = category;
        o.colour = random_.pick(paletteOf(category));
        o.angleDegrees = random_.uniform(0, 180);
        const double k = scale_;
        switch (category) {
        case SceneCategory::Vehicle:
            o.length = random_.uniform(0.07, 0.11) * k;
            o.width = o.length * random_.uniform(0.42, 0.5);
            break;
        case SceneCategory::Ship:
            o.length = random_.uniform(0.14, 0.26) * k;
            o.width = o.length * random_.uniform(0.22, 0.3);
            break;
        case SceneCategory::StorageTank:
            o.length = o.width = random_.uniform(0.08, 0.2) * k;
            break;
        case SceneCategory::Building:
            o.length = random_.uniform(0.12, 0.24) * k;
            o.width = o.length * random_.uniform(0.5, 0.9);
            if (random_.chance(0.5))
                o.angleDegrees = random_.chance(0.5) ? 0.0 : 90.0;
            break;
        case SceneCategory::TennisCourt:
            o.length = random_.uniform(0.16, 0.22) * k;
            o.width = o.length * 0.48;
            break;
        case SceneCategory::GroundTrackField:
            o.length = random_.uniform(0.3, 0.42) * k;
            o.width = o.length * random_.uniform(0.5, 0.58);
            break;
        case SceneCategory::Bridge:
        case SceneCategory::Road:
            o.width = random_.uniform(0.04, 0.07) * k;
            o.length = 3.0 * size_;
            break;
        case SceneCategory::Airplane: // width: the wingspan
            o.length = random_.uniform(0.17, 0.27) * k;
            o.width = o.length * random_.uniform(0.85, 1.05);
            break;
        }
        return o;
    }

    bool inside(const std::vector<Point>& outline) const
    {
        return std::all_of(outline.begin(), outline.end(), [&](const Point& p) {
            return p.x >= 1 && p.y >= 1 && p.x <= size_ - 2 && p.y <= size_ - 2;
        });
    }
    bool onLand(const std::vector<Point>& outline) const
    {
        const double clearance = 0.01 * size_;
        return !river_.present || std::all_of(outline.begin(), outline.end(), [&](const Point& p) {
            return std::abs(river_.offset(p)) > river_.halfWidth + clearance;
        });
    }
    bool inWater(const std::vector<Point>& outline) const
    {
        const double clearance = 0.01 * size_;
        return river_.present && std::all_of(outline.begin(), outline.end(), [&](const Point& p) {
            return std::abs(river_.offset(p)) < river_.halfWidth - clearance;
        });
    }
    static Point stripStart(const SceneObject& o)
    {
        const double a = o.angleDegrees * kPi / 180.0;
        return {o.centreX - std::cos(a) * o.length / 2, o.centreY - std::sin(a) * o.length / 2};
    }
    static Point stripEnd(const SceneObject& o)
    {
        const double a = o.angleDegrees * kPi / 180.0;
        return {o.centreX + std::cos(a) * o.length / 2, o.centreY + std::sin(a) * o.length / 2};
    }
    static double radius(const SceneObject& o) { return 0.5 * std::hypot(o.length, o.width); }

    // Room for a compact object: clear of other compact objects and of strips (vehicles may instead
    // stand wholly on a strip).
    bool clear(const SceneObject& o, bool onStrip) const
    {
        const double gap = 0.02 * scale_;
        for (const Placed& other : placed_) {
            if (isStrip(other.object.category)) {
                const double d = segmentDistance({o.centreX, o.centreY}, stripStart(other.object), stripEnd(other.object));
                if (onStrip && d < other.object.width / 2 - o.width / 2)
                    continue; // on it, along it
                if (d < other.object.width / 2 + radius(o) + gap)
                    return false;
            } else if (std::hypot(o.centreX - other.object.centreX, o.centreY - other.object.centreY)
                       < radius(o) + radius(other.object) + gap) {
                return false;
            }
        }
        return true;
    }

    bool placeOne(SceneCategory category)
    {
        for (int attempt = 0; attempt < 60; ++attempt) {
            SceneObject o = sized(category);
            bool onStrip = false;
            if (category == SceneCategory::Road) {
                if (river_.present) {
                    // Along the river, on one bank.
                    o.angleDegrees = std::atan2(river_.direction.y, river_.direction.x) * 180.0 / kPi;
                    const double side = random_.chance(0.5) ? 1.0 : -1.0;
                    const double offset = side * (river_.halfWidth + o.width / 2 + random_.uniform(0.03, 0.2) * size_);
                    const double along = random_.uniform(-0.1, 0.1) * size_;
                    o.centreX = river_.origin.x + river_.direction.x * along - river_.direction.y * offset;
                    o.centreY = river_.origin.y + river_.direction.y * along + river_.direction.x * offset;
                } else {
                    o.centreX = random_.uniform(0.15, 0.85) * size_;
                    o.centreY = random_.uniform(0.15, 0.85) * size_;
                }
                if (!roadFits(o))
                    continue;
            } else if (category == SceneCategory::Bridge) {
                if (!river_.present)
                    return false;
                const double riverAngle = std::atan2(river_.direction.y, river_.direction.x);
                const double deviation = random_.uniform(-0.25, 0.25);
                o.angleDegrees = (riverAngle + kPi / 2 + deviation) * 180.0 / kPi;
                o.length = 2 * river_.halfWidth / std::cos(deviation) + random_.uniform(0.1, 0.2) * size_;
                const double along = random_.uniform(-0.4, 0.4) * size_;
                o.centreX = river_.origin.x + river_.direction.x * along;
                o.centreY = river_.origin.y + river_.direction.y * along;
                if (!bridgeFits(o))
                    continue;
            } else {
                const std::vector<const Placed*> strips = stripsForVehicles();
                if (category == SceneCategory::Vehicle && !strips.empty() && random_.chance(0.5)) {
                    // On a road or bridge, along it.
                    const SceneObject& strip = random_.pick(strips)->object;
                    const double t = random_.uniform(0.0, 1.0);
                    const Point a = stripStart(strip);
                    const Point b = stripEnd(strip);
                    const double lateral = random_.uniform(-0.25, 0.25) * strip.width;
                    const double angle = strip.angleDegrees * kPi / 180.0;
                    o.centreX = a.x + (b.x - a.x) * t - std::sin(angle) * lateral;
                    o.centreY = a.y + (b.y - a.y) * t + std::cos(angle) * lateral;
                    o.angleDegrees = strip.angleDegrees + (random_.chance(0.5) ? 180.0 : 0.0);
                    o.width = std::min(o.width, strip.width * 0.45);
                    onStrip = true;
                } else {
                    o.centreX = random_.uniform(0.0, 1.0) * size_;
                    o.centreY = random_.uniform(0.0, 1.0) * size_;
                }
                const std::vector<Point> outline = transformed(localOutline(o), o);
                if (!inside(outline))
                    continue;
                if (category == SceneCategory::Ship ? !inWater(outline) : (!onStrip && !onLand(outline)))
                    continue;
                if (!clear(o, onStrip))
                    continue;
            }
            placed_.push_back({o, transformed(localOutline(o), o), onStrip});
            return true;
        }
        return false;
    }

    std::vector<const Placed*> stripsForVehicles() const
    {
        std::vector<const Placed*> result;
        for (const Placed& p : placed_) {
            if (isStrip(p.object.category))
                result.push_back(&p);
        }
        return result;
    }

    // Roads keep apart from other roads that run alongside (so they read as two roads) and cross the
    // image's middle part.
    bool roadFits(const SceneObject& o) const
    {
        for (const Placed& other : placed_) {
            if (other.object.category != SceneCategory::Road)
                continue;
            const double d = segmentDistance({o.centreX, o.centreY}, stripStart(other.object), stripEnd(other.object));
            if (d < (o.width + other.object.width) / 2 + 0.12 * size_)
                return false;
        }
        return true;
    }
    bool bridgeFits(const SceneObject& o) const
    {
        for (const Placed& other : placed_) {
            if (other.object.category != SceneCategory::Bridge)
                continue;
            const double d = std::hypot(o.centreX - other.object.centreX, o.centreY - other.object.centreY);
            if (d < (o.width + other.object.width) / 2 + 0.15 * size_)
                return false;
        }
        // Its middle must lie in the image.
        return o.centreX > 0.1 * size_ && o.centreX < 0.9 * size_ && o.centreY > 0.1 * size_
               && o.centreY < 0.9 * size_;
    }

    int size_;
    double scale_;
    SyntheticRandom& random_;
    River river_;
    std::vector<Placed> placed_;
};

// Footprints, occlusion and the facts expressions are judged on.
void measure(std::vector<Placed>& placed, int size, std::vector<BinaryMask>& footprints, cv::Mat1b& labels)
{
    labels = cv::Mat1b(size, size, static_cast<std::uint8_t>(0));
    footprints.clear();
    std::vector<cv::Mat1b> shapes;
    for (std::size_t i = 0; i < placed.size(); ++i) {
        cv::Mat1b shape(size, size, static_cast<std::uint8_t>(0));
        rasterize(shape, placed[i].outline);
        labels.setTo(static_cast<std::uint8_t>(i + 1), shape);
        shapes.push_back(shape);
    }
    for (std::size_t i = 0; i < placed.size(); ++i) {
        SceneObject& o = placed[i].object;
        std::int64_t area = 0;
        std::int64_t visible = 0;
        double sumX = 0;
        double sumY = 0;
        for (int y = 0; y < size; ++y) {
            const std::uint8_t* row = shapes[i].ptr<std::uint8_t>(y);
            const std::uint8_t* label = labels.ptr<std::uint8_t>(y);
            for (int x = 0; x < size; ++x) {
                if (!row[x])
                    continue;
                ++area;
                sumX += x;
                sumY += y;
                if (label[x] == i + 1)
                    ++visible;
            }
        }
        o.footprintArea = area;
        o.visibleArea = visible;
        o.centroidX = area ? sumX / area : o.centreX;
        o.centroidY = area ? sumY / area : o.centreY;
        BinaryMask mask;
        mask.width = mask.height = size;
        mask.pixels.assign(shapes[i].datastart, shapes[i].dataend);
        footprints.push_back(std::move(mask));
    }
}

class ScenePainter {
public:
    ScenePainter(int size, double scale, SyntheticRandom& random)
        : size_(size)
        , scale_(scale)
        , random_(random)
        , image_(size, size, cv::Vec3b(0, 0, 0))
    {
    }

    SceneBackground background(const River& river, SceneBackground land)
    {
        Rgb base;
        switch (land) {
        case SceneBackground::Grass: base = {92, 128, 64}; break;
        case SceneBackground::Soil: base = {150, 120, 88}; break;
        default: base = {150, 146, 138}; break; // urban concrete
        }
        for (double& channel : base)
            channel = std::clamp(channel + random_.uniform(-14, 14), 0.0, 255.0);
        const cv::Mat1f broad = fractalNoise(size_, 0.5 * scale_, 4, random_);
        const cv::Mat1f fine = fractalNoise(size_, 0.04 * scale_, 1, random_);
        // Soil: field stripes; urban: a faint paving grid.
        const double stripeAngle = random_.uniform(0, kPi);
        const double stripePeriod = random_.uniform(0.05, 0.12) * scale_;
        const int grid = std::max(4, static_cast<int>(0.09 * scale_));
        Rgb water = {38 + random_.uniform(-8, 8), 70 + random_.uniform(-10, 10), 92 + random_.uniform(-12, 12)};
        const double waterEdge = 0.012 * scale_;
        for (int y = 0; y < size_; ++y) {
            cv::Vec3b* row = image_.ptr<cv::Vec3b>(y);
            for (int x = 0; x < size_; ++x) {
                double shade = 1.0 + 0.22 * broad(y, x) + 0.06 * fine(y, x);
                if (land == SceneBackground::Soil)
                    shade += 0.06 * std::sin(2 * kPi * (x * std::cos(stripeAngle) + y * std::sin(stripeAngle)) / stripePeriod);
                else if (land == SceneBackground::Urban && (x % grid == 0 || y % grid == 0))
                    shade -= 0.07;
                Rgb value = scaled(base, shade);
                if (river.present) {
                    // Water with a soft bank, darker in the middle.
                    const double offset = std::abs(river.offset({static_cast<double>(x), static_cast<double>(y)}));
                    const double wet = std::clamp((river.halfWidth - offset) / waterEdge + 0.5, 0.0, 1.0);
                    if (wet > 0) {
                        const double depth = std::clamp(offset / river.halfWidth, 0.0, 1.0);
                        const Rgb w = scaled(water, (0.85 + 0.2 * depth) * (1.0 + 0.08 * broad(y, x)));
                        for (int c = 0; c < 3; ++c)
                            value[c] = value[c] * (1 - wet) + w[c] * wet;
                    }
                }
                const double grain = random_.uniform(-5, 5);
                row[x] = cv::Vec3b(cv::saturate_cast<std::uint8_t>(value[0] + grain),
                                   cv::saturate_cast<std::uint8_t>(value[1] + grain),
                                   cv::saturate_cast<std::uint8_t>(value[2] + grain));
            }
        }
        const bool wide = river.present && river.halfWidth > 0.3 * size_;
        return wide ? SceneBackground::Water : land;
    }

    void object(const Placed& placed, const BinaryMask& footprint)
    {
        const SceneObject& o = placed.object;
        const Rgb colour = jittered(colourValue(o.colour));
        const cv::Mat1b shape(size_, size_, const_cast<std::uint8_t*>(footprint.pixels.data()));
        // Raised objects cast a shadow towards the bottom right, drawn under the object.
        double lift = 0;
        switch (o.category) {
        case SceneCategory::StorageTank: lift = 0.25 * o.length; break;
        case SceneCategory::Building: lift = 0.12 * o.width + 0.01 * scale_; break;
        case SceneCategory::Vehicle:
        case SceneCategory::Ship: lift = 0.012 * scale_; break;
        case SceneCategory::Airplane: lift = 0.015 * scale_; break;
        case SceneCategory::Bridge: lift = 0.03 * scale_; break;
        default: break;
        }
        if (lift > 0.5)
            shadow(placed.outline, lift);

        cv::Mat3b layer(size_, size_, cv::Vec3b(0, 0, 0));
        fill(layer, placed.outline, scalar(colour), cv::LINE_8);
        switch (o.category) {
        case SceneCategory::Vehicle:
            part(layer, o, {{0.12, -0.4}, {0.32, -0.4}, {0.32, 0.4}, {0.12, 0.4}}, scaled(colour, 0.35));
            part(layer, o, {{-0.35, -0.38}, {-0.25, -0.38}, {-0.25, 0.38}, {-0.35, 0.38}}, scaled(colour, 0.5));
            break;
        case SceneCategory::Ship:
            part(layer, o, {{-0.42, -0.3}, {-0.1, -0.3}, {-0.1, 0.3}, {-0.42, 0.3}},
                 o.colour == SceneColour::White ? Rgb{170, 170, 175} : Rgb{228, 228, 224});
            part(layer, o, {{0.0, -0.06}, {0.35, -0.06}, {0.35, 0.06}, {0.0, 0.06}}, scaled(colour, 0.75));
            break;
        case SceneCategory::StorageTank: {
            const double r = o.length / 2;
            disc(layer, o, 0.86 * r, scaled(colour, 0.88));
            disc(layer, o, 0.5 * r, scaled(colour, 0.95));
            disc(layer, o, 0.08 * r, scaled(colour, 0.6));
            break;
        }
        case SceneCategory::Building:
            part(layer, o, {{-0.5, 0.0}, {0.5, 0.0}, {0.5, 0.5}, {-0.5, 0.5}}, scaled(colour, 0.72));
            line(layer, o, {-0.5, 0.0}, {0.5, 0.0}, scaled(colour, 1.15), 0.04 * o.width);
            break;
        case SceneCategory::TennisCourt: {
            const Rgb white{238, 238, 238};
            const double t = std::max(1.0, 0.012 * scale_);
            for (auto [a, b] : std::vector<std::pair<Point, Point>>{
                     {{-0.46, -0.42}, {0.46, -0.42}}, {{-0.46, 0.42}, {0.46, 0.42}}, {{-0.46, -0.42}, {-0.46, 0.42}},
                     {{0.46, -0.42}, {0.46, 0.42}}, {{0.0, -0.5}, {0.0, 0.5}}, {{-0.25, -0.42}, {-0.25, 0.42}},
                     {{0.25, -0.42}, {0.25, 0.42}}, {{-0.25, 0.0}, {0.25, 0.0}}})
                line(layer, o, a, b, white, t);
            break;
        }
        case SceneCategory::GroundTrackField: {
            const double track = 0.16 * o.width;
            fill(layer, transformed(stadium(o.length - 2 * track, o.width - 2 * track), o),
                 scalar(jittered({70, 140, 62})), cv::LINE_AA);
            const cv::Scalar lane = scalar(scaled(colour, 1.35));
            for (double inset : {0.33, 0.66}) {
                const auto ring = toCv(transformed(stadium(o.length - 2 * inset * track, o.width - 2 * inset * track), o));
                cv::polylines(layer, std::vector<std::vector<cv::Point>>{ring}, true, lane, 1, cv::LINE_AA, kShift);
            }
            line(layer, o, {0.0, -0.3}, {0.0, 0.3}, {235, 235, 235}, std::max(1.0, 0.008 * scale_));
            break;
        }
        case SceneCategory::Bridge:
            line(layer, o, {-0.5, -0.42}, {0.5, -0.42}, scaled(colour, 0.6), 0.12 * o.width);
            line(layer, o, {-0.5, 0.42}, {0.5, 0.42}, scaled(colour, 0.6), 0.12 * o.width);
            break;
        case SceneCategory::Airplane: {
            // Cockpit windows, two engines under the wings, and the fin along the tail.
            const Rgb dark = scaled(colour, 0.4);
            part(layer, o, {{0.36, -0.03}, {0.42, -0.02}, {0.42, 0.02}, {0.36, 0.03}}, dark);
            for (double side : {-1.0, 1.0})
                part(layer, o, {{0.1, side * 0.16}, {-0.02, side * 0.16}, {-0.02, side * 0.22}, {0.1, side * 0.22}},
                     scaled(colour, 0.6));
            line(layer, o, {-0.3, 0.0}, {-0.5, 0.0}, scaled(colour, 0.7), std::max(1.0, 0.04 * o.width));
            break;
        }
        case SceneCategory::Road:
            if (o.colour != SceneColour::Brown) {
                const Rgb marking = random_.chance(0.5) ? Rgb{232, 232, 228} : Rgb{220, 200, 60};
                const double dash = 0.04 * scale_ / o.length;
                for (double t = -0.5; t < 0.5; t += 2.5 * dash)
                    line(layer, o, {t, 0.0}, {t + dash, 0.0}, marking, std::max(1.0, 0.006 * scale_));
            }
            break;
        }
        // Surface grain, then the object covers the image inside its exact footprint.
        const cv::Rect box = cv::boundingRect(shape);
        for (int y = box.y; y < box.y + box.height; ++y) {
            cv::Vec3b* row = layer.ptr<cv::Vec3b>(y);
            const std::uint8_t* inside = shape.ptr<std::uint8_t>(y);
            cv::Vec3b* target = image_.ptr<cv::Vec3b>(y);
            for (int x = box.x; x < box.x + box.width; ++x) {
                if (!inside[x])
                    continue;
                const double grain = random_.uniform(-4, 4);
                for (int c = 0; c < 3; ++c)
                    target[x][c] = cv::saturate_cast<std::uint8_t>(row[x][c] + grain);
            }
        }
    }

    cv::Mat3b& image() { return image_; }

private:
    Rgb jittered(const Rgb& rgb)
    {
        const double shade = random_.uniform(-12, 12);
        return {std::clamp(rgb[0] + shade + random_.uniform(-6, 6), 0.0, 255.0),
                std::clamp(rgb[1] + shade + random_.uniform(-6, 6), 0.0, 255.0),
                std::clamp(rgb[2] + shade + random_.uniform(-6, 6), 0.0, 255.0)};
    }
    // A polygon in coordinates relative to the object's length and width.
    void part(cv::Mat3b& layer, const SceneObject& o, std::vector<Point> relative, const Rgb& colour)
    {
        for (Point& p : relative)
            p = {p.x * o.length, p.y * o.width};
        fill(layer, transformed(relative, o), scalar(colour), cv::LINE_AA);
    }
    void disc(cv::Mat3b& layer, const SceneObject& o, double radius, const Rgb& colour)
    {
        fill(layer, transformed(circle(radius), o), scalar(colour), cv::LINE_AA);
    }
    void line(cv::Mat3b& layer, const SceneObject& o, Point a, Point b, const Rgb& colour, double thickness)
    {
        const auto ends = toCv(transformed({{a.x * o.length, a.y * o.width}, {b.x * o.length, b.y * o.width}}, o));
        cv::line(layer, ends[0], ends[1], scalar(colour), std::max(1, static_cast<int>(std::lround(thickness))),
                 cv::LINE_AA, kShift);
    }
    void shadow(const std::vector<Point>& outline, double lift)
    {
        std::vector<Point> moved = outline;
        for (Point& p : moved)
            p = {p.x + lift * 0.7, p.y + lift * 0.7};
        cv::Mat1b mask(size_, size_, static_cast<std::uint8_t>(0));
        fill(mask, moved, cv::Scalar(1), cv::LINE_8);
        cv::Mat3b darker;
        image_.convertTo(darker, CV_8UC3, 0.55);
        darker.copyTo(image_, mask);
    }

    int size_;
    double scale_;
    SyntheticRandom& random_;
    cv::Mat3b image_;
};

Result<SyntheticScene> compose(int size, double scale, const std::vector<ExpressionKind>& allowedKinds,
                               std::optional<SceneCategory> targetCategory, std::optional<SceneColour> targetColour,
                               SyntheticRandom& random, bool harbour)
{
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
        SceneComposer composer(size, scale, random);
        const SceneComposer::Recipe recipe = harbour ? SceneComposer::harbourRecipe() : composer.randomRecipe(targetCategory);
        if (!composer.place(recipe))
            continue;
        std::vector<Placed>& placed = composer.placed();
        SyntheticScene scene;
        scene.size = size;
        cv::Mat1b labels;
        measure(placed, size, scene.footprints, labels);
        for (const Placed& p : placed)
            scene.objects.push_back(p.object);

        // A target that is mostly visible, with an expression only it satisfies.
        std::vector<std::size_t> instances;
        for (std::size_t i = 0; i < placed.size(); ++i) {
            const SceneObject& o = placed[i].object;
            if (o.category == recipe.target && o.visibleArea >= 12 && o.visibleArea * 10 >= o.footprintArea * 6)
                instances.push_back(i);
        }
        if (instances.empty())
            continue;
        const std::size_t first = random.index(instances.size());
        // A colour asked of the target: the first candidate takes it, and only it is tried (the
        // colour is in no palette, so no other object has it).
        const std::size_t tried = targetColour ? 1 : instances.size();
        if (targetColour) {
            placed[instances[first]].object.colour = *targetColour;
            scene.objects[instances[first]].colour = *targetColour;
        }
        std::optional<ReferringExpressionSpec> chosen;
        for (std::size_t k = 0; k < tried && !chosen; ++k) {
            const std::size_t target = instances[(first + k) % instances.size()];
            const std::vector<ReferringExpressionSpec> specs = unambiguousExpressions(scene.objects, target, size);
            if (specs.empty())
                continue;
            std::vector<ExpressionKind> kinds;
            for (const ReferringExpressionSpec& spec : specs) {
                const bool wanted = allowedKinds.empty()
                    || std::find(allowedKinds.begin(), allowedKinds.end(), spec.kind) != allowedKinds.end();
                if (wanted && std::find(kinds.begin(), kinds.end(), spec.kind) == kinds.end())
                    kinds.push_back(spec.kind);
            }
            if (kinds.empty())
                continue;
            ExpressionKind kind = random.pick(kinds);
            if (recipe.preferredKind && std::find(kinds.begin(), kinds.end(), *recipe.preferredKind) != kinds.end())
                kind = *recipe.preferredKind;
            else if (recipe.preferredKind)
                continue;
            std::vector<ReferringExpressionSpec> ofKind;
            for (const ReferringExpressionSpec& spec : specs) {
                // The demonstration asks for the largest of its kind, the query the README shows.
                if (spec.kind == kind && !(recipe.preferredKind == ExpressionKind::Size && spec.size != SceneSize::Largest))
                    ofKind.push_back(spec);
            }
            if (ofKind.empty())
                continue;
            chosen = random.pick(ofKind);
            scene.target = target;
        }
        if (!chosen)
            continue;
        const int candidates = static_cast<int>(std::count_if(scene.objects.begin(), scene.objects.end(),
            [&](const SceneObject& o) { return o.category == recipe.target; }));
        scene.expression = *chosen;
        scene.expression.text = phraseExpression(*chosen, candidates, random);

        ScenePainter painter(size, scale, random);
        const SceneBackground land = random.pick(
            std::vector<SceneBackground>{SceneBackground::Grass, SceneBackground::Soil, SceneBackground::Urban});
        scene.background = painter.background(composer.river(), land);
        for (std::size_t i = 0; i < placed.size(); ++i)
            painter.object(placed[i], scene.footprints[i]);
        // A slight blur, like a sensor's point spread; the masks stay exact.
        cv::Mat3b blurred;
        cv::GaussianBlur(painter.image(), blurred, cv::Size(3, 3), 0.6, 0.6, cv::BORDER_REFLECT);
        scene.image.width = scene.image.height = size;
        scene.image.pixels.assign(blurred.datastart, blurred.dataend);

        scene.mask.width = scene.mask.height = size;
        scene.mask.pixels.resize(static_cast<std::size_t>(size) * size);
        const std::uint8_t label = static_cast<std::uint8_t>(scene.target + 1);
        std::transform(labels.datastart, labels.dataend, scene.mask.pixels.begin(),
                       [label](std::uint8_t value) { return static_cast<std::uint8_t>(value == label ? 1 : 0); });
        return scene;
    }
    return Error(ErrorCode::Internal, "the synthetic scene generator found no layout")
        .withDetail("gave up after " + std::to_string(kMaxAttempts) + " attempts");
}

} // namespace

SyntheticSceneGenerator::SyntheticSceneGenerator(std::uint64_t seed, Options options)
    : seed_(seed)
    , options_(options)
{
}

Result<SyntheticSceneGenerator> SyntheticSceneGenerator::create(std::uint64_t seed, const Options& options)
{
    if (options.size < kMinSyntheticSceneSize || options.size > kMaxSyntheticSceneSize)
        return Error(ErrorCode::InvalidArgument, "the scene size must be between " + std::to_string(kMinSyntheticSceneSize)
                                                     + " and " + std::to_string(kMaxSyntheticSceneSize) + " pixels")
            .withKey("size")
            .withDetail("got " + std::to_string(options.size));
    if (!(options.objectScale >= 0) || options.objectScale > kMaxObjectScaleRatio * options.size)
        return Error(ErrorCode::InvalidArgument,
                     "the object scale must be between 0 (the scene size) and twice the scene size")
            .withKey("object-scale");
    if (options.targetCategory
        && (static_cast<int>(*options.targetCategory) < 0
            || static_cast<int>(*options.targetCategory) >= kAllSceneCategoryCount))
        return Error(ErrorCode::InvalidArgument, "unknown target category")
            .withKey("target")
            .withDetail("category " + std::to_string(static_cast<int>(*options.targetCategory)));
    if (options.targetColour
        && (static_cast<int>(*options.targetColour) < 0 || static_cast<int>(*options.targetColour) >= kAllSceneColourCount))
        return Error(ErrorCode::InvalidArgument, "unknown target colour")
            .withKey("target-colour")
            .withDetail("colour " + std::to_string(static_cast<int>(*options.targetColour)));
    Options resolved = options;
    if (resolved.objectScale == 0)
        resolved.objectScale = resolved.size;
    return SyntheticSceneGenerator(seed, resolved);
}

Result<SyntheticScene> SyntheticSceneGenerator::generate(std::uint64_t index) const
{
    return captureErrors([&] {
        SyntheticRandom random(SyntheticRandom::itemSeed(seed_, index));
        Result<SyntheticScene> scene = compose(options_.size, options_.objectScale, options_.kinds, options_.targetCategory,
                                                      options_.targetColour, random, false);
        if (!scene)
            throw Exception(scene.error().withKey("scene " + std::to_string(index)));
        return std::move(scene).value();
    });
}

Result<SyntheticScene> SyntheticSceneGenerator::generateHarbour() const
{
    return captureErrors([&] {
        SyntheticRandom random(SyntheticRandom::itemSeed(seed_, 0xDE30u));
        Result<SyntheticScene> scene = compose(options_.size, options_.objectScale, {}, std::nullopt, std::nullopt, random, true);
        if (!scene)
            throw Exception(scene.error());
        return std::move(scene).value();
    });
}

} // namespace refermap::engine
