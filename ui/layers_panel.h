#pragma once

#include <QWidget>

class QCheckBox;
class QListView;
class QSlider;
class QToolButton;

namespace refermap::ui {

class LayerModel;
class MapLayer;
class MaskLayer;

// The layers panel (QGIS conventions): the layer list, top layer first, with a visibility check box
// and in-place rename (F2 / double-click); below it the selected layer's opacity, colour, outline and
// heat-map switches, and buttons to move it up or down, zoom to it, export or remove it.
class LayersPanel : public QWidget {
    Q_OBJECT

public:
    explicit LayersPanel(LayerModel* model, QWidget* parent = nullptr);

    MapLayer* currentLayer() const;
    void setCurrentLayer(MapLayer* layer);

signals:
    void currentLayerChanged(MapLayer* layer); // nullptr when nothing is selected
    void zoomToLayerRequested(MapLayer* layer);
    void exportRequested(MaskLayer* layer);
    void removeRequested(MapLayer* layer);

private:
    void updateControls();
    void chooseColor();

    LayerModel* model_;
    QListView* list_ = nullptr;
    QSlider* opacity_ = nullptr;
    QToolButton* color_ = nullptr;
    QCheckBox* outline_ = nullptr;
    QCheckBox* heatMap_ = nullptr;
    QToolButton* up_ = nullptr;
    QToolButton* down_ = nullptr;
    QToolButton* zoom_ = nullptr;
    QToolButton* export_ = nullptr;
    QToolButton* remove_ = nullptr;
};

} // namespace refermap::ui
