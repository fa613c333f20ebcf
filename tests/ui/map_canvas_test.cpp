#include "ui/layer_model.h"
#include "ui/map_canvas.h"
#include "ui/map_layer.h"
#include "ui/mask_edit_command.h"

#include <QCryptographicHash>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <fstream>
#include <memory>
#include <sstream>

using namespace refermap;
using namespace refermap::ui;

namespace {

const std::filesystem::path realData = std::filesystem::path(TEST_DATA_DIR) / "real";

RasterLayer* addRaster(LayerModel& model, const std::filesystem::path& path, const geo::RasterViewOptions& options = {})
{
    auto layer = RasterLayer::open(path, options);
    if (!layer.ok()) {
        qWarning("%s", layer.error().message().c_str());
        return nullptr;
    }
    return static_cast<RasterLayer*>(model.addLayer(std::move(layer).value()));
}

MaskLayer* addBlankMask(LayerModel& model, RasterLayer* raster)
{
    const auto& r = raster->renderer();
    auto mask = geo::EditableMask::blank(r.width(), r.height(), r.geoTransform(), r.crsWkt());
    if (!mask.ok())
        return nullptr;
    return static_cast<MaskLayer*>(model.addLayer(
        std::make_unique<MaskLayer>(raster, std::move(mask).value(), QStringLiteral("hand-drawn"), QuerySettings {})));
}

// Every tile's bytes, in order: equal hashes = equal masks.
QByteArray maskHash(geo::EditableMask& mask)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (int r = 0; r < mask.tileRows(); ++r)
        for (int c = 0; c < mask.tileColumns(); ++c) {
            auto bytes = mask.tile(c, r);
            if (!bytes.ok())
                return {};
            hash.addData(QByteArrayView(
                reinterpret_cast<const char*>(bytes.value().data()), static_cast<qsizetype>(bytes.value().size())));
        }
    return hash.result();
}

int foregroundCount(geo::EditableMask& mask)
{
    int count = 0;
    for (int y = 0; y < mask.height(); ++y)
        for (int x = 0; x < mask.width(); ++x)
            count += mask.value(x, y).value();
    return count;
}

// Pixels of the checkerboard the canvas draws where nothing else is.
bool isBackground(QRgb pixel)
{
    const int r = qRed(pixel);
    return r == qGreen(pixel) && r == qBlue(pixel) && (r == 205 || r == 225);
}

int nonBackgroundPixels(const QImage& image)
{
    int count = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            count += isBackground(image.pixel(x, y)) ? 0 : 1;
    return count;
}

// A size x size VRT mosaic of test_tiled.tif: a large raster that costs no disk.
std::filesystem::path writeMosaic(const QString& folder, int size)
{
    const std::filesystem::path source = realData / "test_tiled.tif";
    std::ostringstream vrt;
    vrt << "<VRTDataset rasterXSize=\"" << size << "\" rasterYSize=\"" << size << "\">\n"
        << "  <GeoTransform>127375, 0.25, 0, 428250, 0, -0.25</GeoTransform>\n";
    const char* colours[] = {"Red", "Green", "Blue"};
    for (int band = 1; band <= 3; ++band) {
        vrt << "  <VRTRasterBand dataType=\"Byte\" band=\"" << band << "\">\n"
            << "    <ColorInterp>" << colours[band - 1] << "</ColorInterp>\n";
        for (int y = 0; y < size; y += 1000)
            for (int x = 0; x < size; x += 1000)
                vrt << "    <SimpleSource><SourceFilename relativeToVRT=\"0\">" << source.string()
                    << "</SourceFilename><SourceBand>" << band << "</SourceBand>"
                    << "<SrcRect xOff=\"0\" yOff=\"0\" xSize=\"1000\" ySize=\"1000\"/>"
                    << "<DstRect xOff=\"" << x << "\" yOff=\"" << y
                    << "\" xSize=\"1000\" ySize=\"1000\"/></SimpleSource>\n";
        vrt << "  </VRTRasterBand>\n";
    }
    vrt << "</VRTDataset>\n";
    const std::filesystem::path path = std::filesystem::path(folder.toStdString()) / "mosaic.vrt";
    std::ofstream(path) << vrt.str();
    return path;
}

// The stretch of the mosaic's tile, so that opening the mosaic samples nothing.
geo::RasterViewOptions mosaicOptions()
{
    geo::RasterViewOptions options;
    auto tile = geo::RasterViewRenderer::open(realData / "test_tiled.tif");
    if (tile.ok())
        options.precomputedStretch = tile.value().stretch();
    return options;
}

} // namespace

class MapCanvasTest : public QObject {
    Q_OBJECT

private slots:
    void drawsARealRasterOnceTheWorkerDelivers()
    {
        LayerModel model;
        MapCanvas canvas(&model);
        canvas.resize(400, 300);
        canvas.show();
        QVERIFY(QTest::qWaitForWindowExposed(&canvas));
        QCOMPARE(nonBackgroundPixels(canvas.grab().toImage()), 0);
        QVERIFY(addRaster(model, realData / "test_tiled.tif"));
        QVERIFY(canvas.frameLayer());
        // The first paint only requests tiles; they arrive later.
        QTRY_VERIFY_WITH_TIMEOUT(nonBackgroundPixels(canvas.grab().toImage()) > 20000, 20000);
        QVERIFY(canvas.tileRenderer().renderedTiles() > 0);

        // Reloading drops the raster's tiles and renders them again.
        const std::size_t rendered = canvas.tileRenderer().renderedTiles();
        canvas.reloadRaster(canvas.frameLayer());
        QCOMPARE(canvas.tileRenderer().cachedTiles(), std::size_t(0));
        QTRY_VERIFY_WITH_TIMEOUT(canvas.tileRenderer().renderedTiles() > rendered, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(nonBackgroundPixels(canvas.grab().toImage()) > 20000, 20000);
    }

    void zoomToLayerFitsTheRaster()
    {
        LayerModel model;
        MapCanvas canvas(&model);
        canvas.resize(300, 200);
        RasterLayer* raster = addRaster(model, realData / "RGB.byte.tif"); // 791 x 718
        QVERIFY(raster);
        canvas.zoomToNativeResolution();
        QCOMPARE(canvas.view().level(), 0);
        QSignalSpy scales(&canvas, &MapCanvas::scaleChanged);
        canvas.zoomToLayer(raster);
        const QRectF extent(0, 0, 791, 718);
        const double slack = canvas.view().resolution();
        QVERIFY(canvas.visibleExtent().adjusted(-slack, -slack, slack, slack).contains(extent));
        QVERIFY(std::abs(canvas.visibleExtent().center().x() - extent.center().x()) <= 0.5 * slack);
        QVERIFY(std::abs(canvas.visibleExtent().center().y() - extent.center().y()) <= 0.5 * slack);
        MapView finer = canvas.view();
        finer.setLevel(finer.level() - 1);
        QVERIFY(!finer.visibleRaster().contains(extent));
        // About 300 m pixels in UTM: the denominator is the ground distance per screen pixel over its size.
        QCOMPARE(scales.count(), 1);
        const double expected = 300.0 * canvas.view().resolution() / (0.0254 / canvas.logicalDpiX());
        QVERIFY2(std::abs(scales.front().front().toDouble() / expected - 1.0) < 0.01,
            qPrintable(QString::number(scales.front().front().toDouble())));
    }

    void viewStateRoundTrips()
    {
        LayerModel model;
        MapCanvas canvas(&model);
        canvas.resize(300, 200);
        QVERIFY(addRaster(model, realData / "RGB.byte.tif"));
        canvas.setView(MapView(canvas.size(), QPointF(321.5, 123.25), 3));
        const MapCanvas::ViewState state = canvas.viewState();
        canvas.zoomToFullExtent();
        QVERIFY(canvas.view().level() != 3);
        canvas.setViewState(state);
        QCOMPARE(canvas.view().level(), 3);
        QVERIFY(std::abs(canvas.view().centre().x() - 321.5) < 1e-6);
        QVERIFY(std::abs(canvas.view().centre().y() - 123.25) < 1e-6);
    }

    void brushStrokeChangesExactlyTheStrokeAndUndoRestoresIt()
    {
        LayerModel model;
        MapCanvas canvas(&model);
        canvas.resize(400, 300);
        RasterLayer* raster = addRaster(model, realData / "test_tiled.tif");
        QVERIFY(raster);
        MaskLayer* mask = addBlankMask(model, raster);
        QVERIFY(mask);
        canvas.show();
        QVERIFY(QTest::qWaitForWindowExposed(&canvas));
        // Level 0 centred so that widget (x, y) is raster (x, y).
        canvas.setView(MapView(canvas.size(), QPointF(200, 150), 0));
        QCOMPARE(canvas.view().widgetToRaster(QPointF(10, 20)), QPointF(10, 20));

        canvas.setTool(ToolKind::Brush);
        QSignalSpy messages(&canvas, &MapCanvas::statusMessage);
        QTest::mousePress(&canvas, Qt::LeftButton, {}, QPoint(50, 60));
        QTest::mouseRelease(&canvas, Qt::LeftButton, {}, QPoint(50, 60));
        QCOMPARE(mask->undoStack()->count(), 0); // no active mask layer: nothing, and the user is told
        QVERIFY(messages.count() >= 1);

        canvas.setActiveMaskLayer(mask);
        canvas.setBrushRadius(4.0);
        const QByteArray before = maskHash(mask->mask());
        QSignalSpy changed(mask, &MaskLayer::pixelsChanged);
        QTest::mousePress(&canvas, Qt::LeftButton, {}, QPoint(50, 60));
        QTest::mouseMove(&canvas, QPoint(70, 60));
        QTest::mouseMove(&canvas, QPoint(90, 60));
        QTest::mouseRelease(&canvas, Qt::LeftButton, {}, QPoint(90, 60));
        QCOMPARE(mask->undoStack()->count(), 1);
        QCOMPARE(changed.count(), 1);
        QVERIFY(mask->isEdited());

        // Exactly the pixels whose centre lies within 4 of the segment (50, 60)-(90, 60).
        for (int y = 50; y < 71; ++y)
            for (int x = 40; x < 101; ++x) {
                const double cx = x + 0.5, cy = y + 0.5;
                const double nearestX = std::clamp(cx, 50.0, 90.0);
                const bool inside = std::hypot(cx - nearestX, cy - 60.0) <= 4.0;
                QVERIFY2(mask->mask().value(x, y).value() == (inside ? 1 : 0),
                    qPrintable(QStringLiteral("%1,%2").arg(x).arg(y)));
            }
        const int strokePixels = foregroundCount(mask->mask());
        QVERIFY(strokePixels > 8 * 40 && strokePixels < 9 * 41 + 60);
        const QByteArray after = maskHash(mask->mask());
        QVERIFY(after != before);

        mask->undoStack()->undo();
        QCOMPARE(maskHash(mask->mask()), before);
        QVERIFY(!mask->isEdited());
        QCOMPARE(changed.count(), 2);
        mask->undoStack()->redo();
        QCOMPARE(maskHash(mask->mask()), after);
        QCOMPARE(changed.count(), 3);

        // The overlay shows the stroke over the background (raster hidden), nothing elsewhere.
        raster->setVisible(false);
        QTRY_VERIFY(!isBackground(canvas.grab().toImage().pixel(70, 60)));
        QVERIFY(isBackground(canvas.grab().toImage().pixel(70, 200)));
        QVERIFY(canvas.overlayTilesComputed() > 0);
    }

    void polygonToolsAddAndCutByClicks()
    {
        LayerModel model;
        MapCanvas canvas(&model);
        canvas.resize(400, 300);
        RasterLayer* raster = addRaster(model, realData / "test_tiled.tif");
        MaskLayer* mask = addBlankMask(model, raster);
        QVERIFY(mask);
        canvas.show();
        QVERIFY(QTest::qWaitForWindowExposed(&canvas));
        canvas.setView(MapView(canvas.size(), QPointF(200, 150), 0));
        canvas.setActiveMaskLayer(mask);

        canvas.setTool(ToolKind::PolygonAdd);
        QTest::mouseClick(&canvas, Qt::LeftButton, {}, QPoint(10, 10));
        QTest::mouseClick(&canvas, Qt::LeftButton, {}, QPoint(40, 10));
        QTest::mouseClick(&canvas, Qt::LeftButton, {}, QPoint(40, 40));
        // A real double-click: press/release (the last vertex), then the double-click event.
        QTest::mouseClick(&canvas, Qt::LeftButton, {}, QPoint(10, 40));
        QTest::mouseDClick(&canvas, Qt::LeftButton, {}, QPoint(10, 40));
        QCOMPARE(mask->undoStack()->count(), 1);
        QCOMPARE(foregroundCount(mask->mask()), 30 * 30);
        QCOMPARE(mask->mask().value(10, 10).value(), 1);
        QCOMPARE(mask->mask().value(39, 39).value(), 1);
        QCOMPARE(mask->mask().value(40, 39).value(), 0);

        // Cut a 10 x 10 hole: Backspace drops a misplaced vertex, Enter closes.
        canvas.setTool(ToolKind::PolygonCut);
        QTest::mouseClick(&canvas, Qt::LeftButton, {}, QPoint(20, 20));
        QTest::mouseClick(&canvas, Qt::LeftButton, {}, QPoint(30, 20));
        QTest::mouseClick(&canvas, Qt::LeftButton, {}, QPoint(200, 250));
        QTest::keyClick(&canvas, Qt::Key_Backspace);
        QTest::mouseClick(&canvas, Qt::LeftButton, {}, QPoint(30, 30));
        QTest::mouseClick(&canvas, Qt::LeftButton, {}, QPoint(20, 30));
        QTest::keyClick(&canvas, Qt::Key_Return);
        QCOMPARE(mask->undoStack()->count(), 2);
        QCOMPARE(foregroundCount(mask->mask()), 30 * 30 - 10 * 10);
        QCOMPARE(mask->mask().value(25, 25).value(), 0);

        // Esc abandons a polygon.
        QTest::mouseClick(&canvas, Qt::LeftButton, {}, QPoint(100, 100));
        QTest::mouseClick(&canvas, Qt::LeftButton, {}, QPoint(150, 100));
        QTest::mouseClick(&canvas, Qt::LeftButton, {}, QPoint(150, 150));
        QTest::keyClick(&canvas, Qt::Key_Escape);
        QTest::keyClick(&canvas, Qt::Key_Return);
        QCOMPARE(mask->undoStack()->count(), 2);

        // Fill hole fills the cut square back; on open background it is refused with a message.
        canvas.setTool(ToolKind::FillHole);
        QSignalSpy refusals(&canvas, &MapCanvas::editRefused);
        QTest::mouseClick(&canvas, Qt::LeftButton, {}, QPoint(25, 25));
        QCOMPARE(mask->undoStack()->count(), 3);
        QCOMPARE(foregroundCount(mask->mask()), 30 * 30);
        QCOMPARE(refusals.count(), 0);
        QTest::mouseClick(&canvas, Qt::LeftButton, {}, QPoint(200, 200));
        QCOMPARE(refusals.count(), 1);
        QVERIFY(!refusals.front().front().toString().isEmpty());
        QCOMPARE(mask->undoStack()->count(), 3);
    }

    void tileCacheStaysUnderItsCapWhilePanning()
    {
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        LayerModel model;
        MapCanvas canvas(&model);
        canvas.resize(512, 512);
        canvas.show();
        QVERIFY(QTest::qWaitForWindowExposed(&canvas));
        QVERIFY(addRaster(model, writeMosaic(folder.path(), 20000), mosaicOptions()));
        const std::size_t cap = std::size_t(12) * TileRenderer::tileSize * TileRenderer::tileSize * 4;
        canvas.tileRenderer().setCacheCapacity(cap);
        MapView view(canvas.size(), QPointF(1000, 1000), 0);
        for (int step = 0; step < 12; ++step) {
            view.setCentre(QPointF(1000 + step * 700.0, 1000 + step * 300.0));
            canvas.setView(view);
            canvas.repaint();
            QTRY_VERIFY_WITH_TIMEOUT(canvas.tileRenderer().queuedRequests() == 0, 20000);
            QVERIFY(canvas.tileRenderer().cacheBytes() <= cap);
        }
        // Far more tiles than the cap were rendered: the cap really evicted.
        QVERIFY(canvas.tileRenderer().renderedTiles() > 24);
        QVERIFY(canvas.tileRenderer().cachedTiles() <= 12);
    }

    void deletingTheCanvasWhileTilesRenderDoesNotHang()
    {
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        LayerModel model;
        auto canvas = std::make_unique<MapCanvas>(&model);
        canvas->resize(800, 600);
        canvas->show();
        QVERIFY(QTest::qWaitForWindowExposed(canvas.get()));
        QVERIFY(addRaster(model, writeMosaic(folder.path(), 40000), mosaicOptions()));
        // Zoomed out 4x on a raster without overviews: a dozen slow tiles (each reads 1024 x 1024 pixels).
        canvas->setView(MapView(canvas->size(), QPointF(20000, 20000), 2 * MapView::stepsPerOctave));
        canvas->repaint();
        QVERIFY(canvas->tileRenderer().queuedRequests() > 0);
        canvas.reset();
        // The layers outlive the canvas and can be drawn by a new one.
        MapCanvas again(&model);
        again.resize(200, 200);
        again.show();
        QTRY_VERIFY_WITH_TIMEOUT(again.tileRenderer().renderedTiles() > 0, 20000);
    }
};

QTEST_MAIN(MapCanvasTest)
#include "map_canvas_test.moc"
