#pragma once

#include "ui/map_layer.h"

#include <QAbstractListModel>

#include <memory>
#include <vector>

namespace refermap::ui {

// The map's layers in drawing order, as a Qt list model for the layers panel: row 0 is the top
// layer (drawn last), as in QGIS. Owns the layers. Roles: DisplayRole/EditRole = name (editable),
// CheckStateRole = visibility (checkable), DecorationRole = the mask colour, ToolTipRole = query
// text and settings, plus the custom roles below. GUI thread only.
class LayerModel : public QAbstractListModel {
    Q_OBJECT

public:
    enum Role { LayerRole = Qt::UserRole + 1, EditedRole, KindRole };

    explicit LayerModel(QObject* parent = nullptr);
    ~LayerModel() override;

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

    // Adds on top of the others (a raster goes below every mask layer already there, so new imagery
    // never hides masks). Returns the layer, now owned by the model.
    MapLayer* addLayer(std::unique_ptr<MapLayer> layer);
    // Removes and deletes the layer (and, for a raster, every mask layer drawn over it).
    void removeLayer(MapLayer* layer);
    void clear();
    // Moves a layer one row up (towards the top) or down.
    void moveLayer(MapLayer* layer, int delta);

    int layerCount() const { return static_cast<int>(layers_.size()); }
    MapLayer* layerAt(int row) const;
    int rowOf(const MapLayer* layer) const; // -1 if absent
    // Bottom-to-top, the order to draw in.
    std::vector<MapLayer*> drawingOrder() const;
    std::vector<RasterLayer*> rasterLayers() const;
    std::vector<MaskLayer*> maskLayers() const;

signals:
    // Anything the canvas must redraw for (layers added, removed, moved, shown, restyled).
    void layersChanged();
    void layerAboutToBeRemoved(MapLayer* layer);

private:
    void watch(MapLayer* layer);

    std::vector<std::unique_ptr<MapLayer>> layers_; // row order: top first
};

} // namespace refermap::ui
