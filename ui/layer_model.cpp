#include "ui/layer_model.h"

#include <QJsonDocument>

#include <algorithm>

namespace refermap::ui {

LayerModel::LayerModel(QObject* parent)
    : QAbstractListModel(parent)
{ }

LayerModel::~LayerModel() = default;

int LayerModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : layerCount();
}

MapLayer* LayerModel::layerAt(int row) const
{
    return row >= 0 && row < layerCount() ? layers_[static_cast<std::size_t>(row)].get() : nullptr;
}

int LayerModel::rowOf(const MapLayer* layer) const
{
    const auto found =
        std::find_if(layers_.begin(), layers_.end(), [layer](const auto& owned) { return owned.get() == layer; });
    return found == layers_.end() ? -1 : static_cast<int>(found - layers_.begin());
}

QVariant LayerModel::data(const QModelIndex& index, int role) const
{
    MapLayer* layer = layerAt(index.row());
    if (!layer)
        return {};
    auto* mask = qobject_cast<MaskLayer*>(layer);
    switch (role) {
    case Qt::DisplayRole:
        return mask && mask->isEdited() ? tr("%1 (edited)").arg(layer->name()) : layer->name();
    case Qt::EditRole:
        return layer->name();
    case Qt::CheckStateRole:
        return layer->isVisible() ? Qt::Checked : Qt::Unchecked;
    case Qt::DecorationRole:
        return mask ? QVariant(mask->color()) : QVariant();
    case Qt::ToolTipRole:
        if (mask)
            return tr("Query: %1\nSettings: %2")
                .arg(mask->queryText(),
                     QString::fromUtf8(QJsonDocument(mask->settings().toJson()).toJson(QJsonDocument::Compact)));
        return QString::fromStdString(static_cast<RasterLayer*>(layer)->path().string());
    case LayerRole:
        return QVariant::fromValue(static_cast<QObject*>(layer));
    case EditedRole:
        return mask && mask->isEdited();
    case KindRole:
        return static_cast<int>(layer->kind());
    default:
        return {};
    }
}

bool LayerModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    MapLayer* layer = layerAt(index.row());
    if (!layer)
        return false;
    if (role == Qt::EditRole) {
        const QString name = value.toString().trimmed();
        if (name.isEmpty())
            return false;
        layer->setName(name);
        return true;
    }
    if (role == Qt::CheckStateRole) {
        layer->setVisible(value.toInt() == Qt::Checked);
        return true;
    }
    return false;
}

Qt::ItemFlags LayerModel::flags(const QModelIndex& index) const
{
    if (!layerAt(index.row()))
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable | Qt::ItemIsUserCheckable;
}

void LayerModel::watch(MapLayer* layer)
{
    connect(layer, &MapLayer::appearanceChanged, this, [this, layer] {
        const int row = rowOf(layer);
        if (row >= 0)
            emit dataChanged(index(row), index(row));
        emit layersChanged();
    });
    if (auto* mask = qobject_cast<MaskLayer*>(layer)) {
        connect(mask, &MaskLayer::editedChanged, this, [this, layer] {
            const int row = rowOf(layer);
            if (row >= 0)
                emit dataChanged(index(row), index(row));
        });
    }
}

MapLayer* LayerModel::addLayer(std::unique_ptr<MapLayer> layer)
{
    MapLayer* raw = layer.get();
    int row = 0;
    if (raw->kind() == MapLayer::Kind::Raster) {
        // Below every mask layer: rasters are the imagery the masks are drawn over.
        while (row < layerCount() && layers_[static_cast<std::size_t>(row)]->kind() == MapLayer::Kind::Mask)
            ++row;
    }
    beginInsertRows(QModelIndex(), row, row);
    layer->setParent(nullptr);
    layers_.insert(layers_.begin() + row, std::move(layer));
    endInsertRows();
    watch(raw);
    emit layersChanged();
    return raw;
}

void LayerModel::removeLayer(MapLayer* layer)
{
    if (auto* raster = qobject_cast<RasterLayer*>(layer)) {
        for (MaskLayer* mask : maskLayers())
            if (mask->raster() == raster)
                removeLayer(mask);
    }
    const int row = rowOf(layer);
    if (row < 0)
        return;
    emit layerAboutToBeRemoved(layer);
    beginRemoveRows(QModelIndex(), row, row);
    std::unique_ptr<MapLayer> removed = std::move(layers_[static_cast<std::size_t>(row)]);
    layers_.erase(layers_.begin() + row);
    endRemoveRows();
    removed.reset();
    emit layersChanged();
}

void LayerModel::clear()
{
    if (layers_.empty())
        return;
    for (const auto& layer : layers_)
        emit layerAboutToBeRemoved(layer.get());
    beginResetModel();
    layers_.clear();
    endResetModel();
    emit layersChanged();
}

void LayerModel::moveLayer(MapLayer* layer, int delta)
{
    const int row = rowOf(layer);
    const int target = row - delta; // up = towards row 0
    if (row < 0 || target < 0 || target >= layerCount() || target == row)
        return;
    // Qt's destination row is "before which row", counted before the move.
    const int destination = target > row ? target + 1 : target;
    beginMoveRows(QModelIndex(), row, row, QModelIndex(), destination);
    auto moved = std::move(layers_[static_cast<std::size_t>(row)]);
    layers_.erase(layers_.begin() + row);
    layers_.insert(layers_.begin() + target, std::move(moved));
    endMoveRows();
    emit layersChanged();
}

std::vector<MapLayer*> LayerModel::drawingOrder() const
{
    std::vector<MapLayer*> order;
    for (auto it = layers_.rbegin(); it != layers_.rend(); ++it)
        order.push_back(it->get());
    return order;
}

std::vector<RasterLayer*> LayerModel::rasterLayers() const
{
    std::vector<RasterLayer*> rasters;
    for (const auto& layer : layers_)
        if (auto* raster = qobject_cast<RasterLayer*>(layer.get()))
            rasters.push_back(raster);
    return rasters;
}

std::vector<MaskLayer*> LayerModel::maskLayers() const
{
    std::vector<MaskLayer*> masks;
    for (const auto& layer : layers_)
        if (auto* mask = qobject_cast<MaskLayer*>(layer.get()))
            masks.push_back(mask);
    return masks;
}

} // namespace refermap::ui
