#include "ui/layers_panel.h"

#include "ui/layer_model.h"

#include <QCheckBox>
#include <QColorDialog>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QListView>
#include <QPixmap>
#include <QSlider>
#include <QToolButton>
#include <QVBoxLayout>

namespace refermap::ui {

LayersPanel::LayersPanel(LayerModel* model, QWidget* parent)
    : QWidget(parent)
    , model_(model)
{
    list_ = new QListView(this);
    list_->setModel(model_);
    list_->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    list_->setSelectionMode(QAbstractItemView::SingleSelection);
    list_->setObjectName(QStringLiteral("layerList"));

    opacity_ = new QSlider(Qt::Horizontal, this);
    opacity_->setRange(0, 100);
    opacity_->setToolTip(tr("Opacity of the selected layer"));
    color_ = new QToolButton(this);
    color_->setToolTip(tr("Colour of the selected mask layer"));
    outline_ = new QCheckBox(tr("Outline"), this);
    outline_->setToolTip(tr("Draw the edges of the mask"));
    heatMap_ = new QCheckBox(tr("Heat map"), this);
    heatMap_->setObjectName(QStringLiteral("heatMapSwitch"));
    heatMap_->setToolTip(tr("Show the query's probabilities instead of the mask"));

    auto button = [this](const QString& text, const QString& tip) {
        auto* b = new QToolButton(this);
        b->setText(text);
        b->setToolTip(tip);
        return b;
    };
    up_ = button(tr("Up"), tr("Move the layer up"));
    down_ = button(tr("Down"), tr("Move the layer down"));
    zoom_ = button(tr("Zoom"), tr("Zoom to the layer"));
    export_ = button(tr("Export…"), tr("Export the mask layer as vectors or a mask raster"));
    remove_ = button(tr("Remove"), tr("Remove the layer from the project"));

    auto* style = new QHBoxLayout;
    style->addWidget(new QLabel(tr("Opacity"), this));
    style->addWidget(opacity_, 1);
    style->addWidget(color_);
    auto* switches = new QHBoxLayout;
    switches->addWidget(outline_);
    switches->addWidget(heatMap_);
    switches->addStretch(1);
    auto* buttons = new QHBoxLayout;
    for (QToolButton* b : {up_, down_, zoom_, export_, remove_})
        buttons->addWidget(b);
    buttons->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(list_, 1);
    layout->addLayout(style);
    layout->addLayout(switches);
    layout->addLayout(buttons);

    connect(list_->selectionModel(), &QItemSelectionModel::currentChanged, this, [this] {
        updateControls();
        emit currentLayerChanged(currentLayer());
    });
    connect(model_, &LayerModel::dataChanged, this, &LayersPanel::updateControls);
    connect(model_, &LayerModel::rowsRemoved, this, [this] {
        updateControls();
        emit currentLayerChanged(currentLayer());
    });
    connect(opacity_, &QSlider::valueChanged, this, [this](int value) {
        if (MapLayer* layer = currentLayer())
            layer->setOpacity(value / 100.0);
    });
    connect(color_, &QToolButton::clicked, this, &LayersPanel::chooseColor);
    connect(outline_, &QCheckBox::toggled, this, [this](bool on) {
        if (auto* mask = qobject_cast<MaskLayer*>(currentLayer()))
            mask->setShowsOutline(on);
    });
    connect(heatMap_, &QCheckBox::toggled, this, [this](bool on) {
        if (auto* mask = qobject_cast<MaskLayer*>(currentLayer()))
            mask->setShowsHeatMap(on);
    });
    connect(up_, &QToolButton::clicked, this, [this] {
        MapLayer* layer = currentLayer();
        model_->moveLayer(layer, 1);
        setCurrentLayer(layer);
    });
    connect(down_, &QToolButton::clicked, this, [this] {
        MapLayer* layer = currentLayer();
        model_->moveLayer(layer, -1);
        setCurrentLayer(layer);
    });
    connect(zoom_, &QToolButton::clicked, this, [this] {
        if (MapLayer* layer = currentLayer())
            emit zoomToLayerRequested(layer);
    });
    connect(export_, &QToolButton::clicked, this, [this] {
        if (auto* mask = qobject_cast<MaskLayer*>(currentLayer()))
            emit exportRequested(mask);
    });
    connect(remove_, &QToolButton::clicked, this, [this] {
        if (MapLayer* layer = currentLayer())
            emit removeRequested(layer);
    });
    connect(list_, &QListView::doubleClicked, this, [this](const QModelIndex& index) {
        if (MapLayer* layer = model_->layerAt(index.row()); layer && layer->kind() == MapLayer::Kind::Raster)
            emit zoomToLayerRequested(layer);
    });
    updateControls();
}

MapLayer* LayersPanel::currentLayer() const
{
    return model_->layerAt(list_->currentIndex().row());
}

void LayersPanel::setCurrentLayer(MapLayer* layer)
{
    const int row = model_->rowOf(layer);
    list_->setCurrentIndex(row >= 0 ? model_->index(row) : QModelIndex());
}

void LayersPanel::updateControls()
{
    MapLayer* layer = currentLayer();
    auto* mask = qobject_cast<MaskLayer*>(layer);
    const QSignalBlocker blockOpacity(opacity_), blockOutline(outline_), blockHeat(heatMap_);
    opacity_->setEnabled(layer != nullptr);
    opacity_->setValue(layer ? qRound(layer->opacity() * 100) : 100);
    for (QWidget* w : std::initializer_list<QWidget*>{color_, outline_, export_})
        w->setEnabled(mask != nullptr);
    for (QWidget* w : std::initializer_list<QWidget*>{up_, down_, zoom_, remove_})
        w->setEnabled(layer != nullptr);
    outline_->setChecked(mask && mask->showsOutline());
    heatMap_->setChecked(mask && mask->showsHeatMap());
    heatMap_->setEnabled(mask && !mask->probabilityPath().empty());
    QPixmap swatch(16, 16);
    swatch.fill(mask ? mask->color() : palette().color(QPalette::Button));
    color_->setIcon(QIcon(swatch));
}

void LayersPanel::chooseColor()
{
    auto* mask = qobject_cast<MaskLayer*>(currentLayer());
    if (!mask)
        return;
    const QColor chosen = QColorDialog::getColor(mask->color(), this, tr("Mask colour"));
    if (chosen.isValid())
        mask->setColor(chosen);
}

} // namespace refermap::ui
