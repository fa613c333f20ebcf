#include "ui/map_layer.h"

#include <QJsonValue>

#include <algorithm>
#include <array>
#include <utility>

namespace refermap::ui {

QJsonObject QuerySettings::toJson() const
{
    return QJsonObject{{QStringLiteral("model"), modelFile},     {QStringLiteral("model_sha256"), modelSha256},
                       {QStringLiteral("device"), device},       {QStringLiteral("tile"), tile},
                       {QStringLiteral("overlap"), overlap},     {QStringLiteral("threshold"), threshold},
                       {QStringLiteral("bands"), bands},         {QStringLiteral("scope"), scope},
                       {QStringLiteral("stretch_low_percent"), stretchLowPercent},
                       {QStringLiteral("stretch_high_percent"), stretchHighPercent}};
}

QuerySettings QuerySettings::fromJson(const QJsonObject& json)
{
    QuerySettings settings;
    settings.modelFile = json.value(QStringLiteral("model")).toString();
    settings.modelSha256 = json.value(QStringLiteral("model_sha256")).toString();
    settings.device = json.value(QStringLiteral("device")).toString(settings.device);
    settings.tile = json.value(QStringLiteral("tile")).toInt(settings.tile);
    settings.overlap = json.value(QStringLiteral("overlap")).toInt(settings.overlap);
    settings.threshold = json.value(QStringLiteral("threshold")).toDouble(settings.threshold);
    settings.bands = json.value(QStringLiteral("bands")).toString();
    settings.scope = json.value(QStringLiteral("scope")).toString(settings.scope);
    settings.stretchLowPercent = json.value(QStringLiteral("stretch_low_percent")).toDouble(settings.stretchLowPercent);
    settings.stretchHighPercent = json.value(QStringLiteral("stretch_high_percent")).toDouble(settings.stretchHighPercent);
    return settings;
}

MapLayer::MapLayer(Kind kind, QString name, QObject* parent)
    : QObject(parent)
    , kind_(kind)
    , name_(std::move(name))
{ }

void MapLayer::setName(const QString& name)
{
    if (name == name_ || name.trimmed().isEmpty())
        return;
    name_ = name;
    emit appearanceChanged();
}

void MapLayer::setVisible(bool visible)
{
    if (visible == visible_)
        return;
    visible_ = visible;
    emit appearanceChanged();
}

void MapLayer::setOpacity(double opacity)
{
    opacity = std::clamp(opacity, 0.0, 1.0);
    if (opacity == opacity_)
        return;
    opacity_ = opacity;
    emit appearanceChanged();
}

Result<std::unique_ptr<RasterLayer>> RasterLayer::open(const std::filesystem::path& path,
                                                       const geo::RasterViewOptions& options, QObject* parent)
{
    auto renderer = geo::RasterViewRenderer::open(path, options);
    if (!renderer)
        return renderer.error();
    return std::unique_ptr<RasterLayer>(new RasterLayer(std::move(*renderer), options, parent));
}

RasterLayer::RasterLayer(geo::RasterViewRenderer renderer, geo::RasterViewOptions options, QObject* parent)
    : MapLayer(Kind::Raster, QString::fromStdString(renderer.path().filename().string()), parent)
    , renderer_(std::move(renderer))
    , options_(std::move(options))
{ }

namespace {

// Distinct, colour-blind-friendly overlay colours (Okabe–Ito), handed out in turn.
QColor nextMaskColor()
{
    static const std::array<QColor, 7> palette{QColor(0xE6, 0x9F, 0x00), QColor(0x56, 0xB4, 0xE9),
                                               QColor(0x00, 0x9E, 0x73), QColor(0xF0, 0xE4, 0x42),
                                               QColor(0x00, 0x72, 0xB2), QColor(0xD5, 0x5E, 0x00),
                                               QColor(0xCC, 0x79, 0xA7)};
    static std::size_t next = 0;
    return palette[next++ % palette.size()];
}

} // namespace

MaskLayer::MaskLayer(RasterLayer* raster, geo::EditableMask mask, QString queryText, QuerySettings settings,
                     QObject* parent)
    : MapLayer(Kind::Mask, queryText, parent)
    , raster_(raster)
    , mask_(std::move(mask))
    , queryText_(std::move(queryText))
    , settings_(std::move(settings))
    , color_(nextMaskColor())
    , wasEdited_(mask_.isEdited())
{
    setOpacity(0.6);
}

void MaskLayer::setOutputFiles(std::filesystem::path maskPath, std::filesystem::path probabilityPath)
{
    maskPath_ = std::move(maskPath);
    probabilityPath_ = std::move(probabilityPath);
}

void MaskLayer::setColor(const QColor& color)
{
    if (color == color_ || !color.isValid())
        return;
    color_ = color;
    emit appearanceChanged();
}

void MaskLayer::setShowsOutline(bool outline)
{
    if (outline == outline_)
        return;
    outline_ = outline;
    emit appearanceChanged();
}

void MaskLayer::setShowsHeatMap(bool heatMap)
{
    if (heatMap == heatMap_)
        return;
    heatMap_ = heatMap;
    emit appearanceChanged();
}

void MaskLayer::notifyPixelsChanged(const QRect& pixels)
{
    emit pixelsChanged(pixels);
    const bool edited = mask_.isEdited();
    if (edited != wasEdited_) {
        wasEdited_ = edited;
        emit editedChanged(edited);
    }
}

} // namespace refermap::ui
