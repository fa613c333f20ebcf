#include "ui/layer_model.h"

#include "geo/gdal_environment.h"

#include <QSignalSpy>
#include <QTest>

using namespace refermap;
using namespace refermap::ui;

namespace {

std::unique_ptr<RasterLayer> openRaster(const char* name)
{
    auto layer = RasterLayer::open(std::filesystem::path(TEST_DATA_DIR) / "real" / name);
    if (!layer)
        qFatal("%s", layer.error().message().c_str());
    return std::move(*layer);
}

std::unique_ptr<MaskLayer> blankMask(RasterLayer* raster, const QString& text)
{
    const auto& grid = raster->renderer();
    auto mask = geo::EditableMask::blank(grid.width(), grid.height(), grid.geoTransform(), grid.crsWkt());
    return std::make_unique<MaskLayer>(raster, std::move(*mask), text, QuerySettings{});
}

} // namespace

class LayerModelTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { geo::ensureGdalInitialised(); }

    void rastersGoBelowMasksAndMasksOnTop()
    {
        LayerModel model;
        auto* first = static_cast<RasterLayer*>(model.addLayer(openRaster("RGB.byte.tif")));
        auto* tanks = model.addLayer(blankMask(first, QStringLiteral("the tanks")));
        auto* roads = model.addLayer(blankMask(first, QStringLiteral("the roads")));
        auto* second = model.addLayer(openRaster("cogeo.tif"));
        QCOMPARE(model.layerCount(), 4);
        QCOMPARE(model.layerAt(0), roads);
        QCOMPARE(model.layerAt(1), tanks);
        QCOMPARE(model.layerAt(2), second); // a new raster never hides the masks
        QCOMPARE(model.layerAt(3), first);
        const auto order = model.drawingOrder();
        QCOMPARE(order.front(), static_cast<MapLayer*>(first));
        QCOMPARE(order.back(), roads);
        QCOMPARE(model.data(model.index(0), Qt::DisplayRole).toString(), QStringLiteral("the roads"));
        QCOMPARE(model.maskLayers().size(), std::size_t(2));
        QCOMPARE(model.rasterLayers().size(), std::size_t(2));
    }

    void renameHideMoveAndRemove()
    {
        LayerModel model;
        auto* raster = static_cast<RasterLayer*>(model.addLayer(openRaster("RGB.byte.tif")));
        auto* mask = model.addLayer(blankMask(raster, QStringLiteral("the tanks")));
        QSignalSpy changed(&model, &LayerModel::layersChanged);
        QVERIFY(model.setData(model.index(0), QStringLiteral("Tanks"), Qt::EditRole));
        QCOMPARE(mask->name(), QStringLiteral("Tanks"));
        QVERIFY(!model.setData(model.index(0), QStringLiteral("  "), Qt::EditRole)); // a name is required
        QVERIFY(model.setData(model.index(0), Qt::Unchecked, Qt::CheckStateRole));
        QVERIFY(!mask->isVisible());
        QCOMPARE(model.data(model.index(0), Qt::CheckStateRole).toInt(), int(Qt::Unchecked));
        QVERIFY(changed.count() >= 2);

        model.moveLayer(mask, -1);
        QCOMPARE(model.layerAt(1), mask);
        model.moveLayer(mask, -1); // already at the bottom
        QCOMPARE(model.layerAt(1), mask);
        model.moveLayer(mask, 1);
        QCOMPARE(model.layerAt(0), mask);

        // Removing a raster removes the masks drawn over it.
        QSignalSpy removing(&model, &LayerModel::layerAboutToBeRemoved);
        model.removeLayer(raster);
        QCOMPARE(model.layerCount(), 0);
        QCOMPARE(removing.count(), 2);
    }

    void editedMasksAreMarked()
    {
        LayerModel model;
        auto* raster = static_cast<RasterLayer*>(model.addLayer(openRaster("RGB.byte.tif")));
        auto* mask = static_cast<MaskLayer*>(model.addLayer(blankMask(raster, QStringLiteral("the tanks"))));
        QVERIFY(!model.data(model.index(0), LayerModel::EditedRole).toBool());
        QSignalSpy edited(mask, &MaskLayer::editedChanged);
        auto edit = mask->mask().paintStroke({{100.0, 100.0}, {150.0, 120.0}}, 5.0, true);
        QVERIFY(edit);
        mask->notifyPixelsChanged(QRect(90, 90, 70, 40));
        QCOMPARE(edited.count(), 1);
        QVERIFY(model.data(model.index(0), LayerModel::EditedRole).toBool());
        QVERIFY(model.data(model.index(0), Qt::DisplayRole).toString().contains(QStringLiteral("edited")));
        QVERIFY(mask->mask().undo(*edit));
        mask->notifyPixelsChanged(QRect(90, 90, 70, 40));
        QCOMPARE(edited.count(), 2);
        QVERIFY(!model.data(model.index(0), LayerModel::EditedRole).toBool());
    }
};

QTEST_MAIN(LayerModelTest)
#include "layer_model_test.moc"
