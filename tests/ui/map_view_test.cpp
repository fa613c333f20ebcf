#include "ui/map_view.h"

#include <QTest>

#include <cmath>

using refermap::ui::MapView;

class MapViewTest : public QObject {
    Q_OBJECT

private slots:
    void rasterWidgetRoundTrips()
    {
        for (int level : {-9, -1, 0, 3, 17}) {
            const MapView view(QSize(640, 480), QPointF(1234.5, 987.25), level);
            for (const QPointF widget : {QPointF(0, 0), QPointF(17.5, 401.25), QPointF(639, 479)}) {
                const QPointF back = view.rasterToWidget(view.widgetToRaster(widget));
                QVERIFY2(std::abs(back.x() - widget.x()) < 1e-9 && std::abs(back.y() - widget.y()) < 1e-9,
                    qPrintable(QStringLiteral("level %1").arg(level)));
            }
            // The centre shows the centre (to within the half-pixel rounding of the origin).
            const QPointF centre = view.widgetToRaster(QPointF(320, 240));
            QVERIFY(std::abs(centre.x() - 1234.5) <= 0.5 * view.resolution() + 1e-9);
            QVERIFY(std::abs(centre.y() - 987.25) <= 0.5 * view.resolution() + 1e-9);
        }
    }

    void levelsAreFactorsOfTwoPerOctave()
    {
        QCOMPARE(MapView::resolutionOf(0), 1.0);
        QCOMPARE(MapView::resolutionOf(MapView::stepsPerOctave), 2.0);
        QCOMPARE(MapView::resolutionOf(-2 * MapView::stepsPerOctave), 0.25);
        QCOMPARE(MapView::levelForResolution(2.0), MapView::stepsPerOctave);
        QCOMPARE(MapView::levelForResolution(2.01), MapView::stepsPerOctave + 1);
        QVERIFY(MapView::resolutionOf(MapView::levelForResolution(37.0)) >= 37.0);
        QVERIFY(MapView::resolutionOf(MapView::levelForResolution(37.0) - 1) < 37.0);
    }

    void zoomAroundKeepsThePointUnderTheCursor()
    {
        MapView view(QSize(800, 600), QPointF(5000, 3000), 6);
        const QPointF cursor(123, 456);
        for (int steps : {-1, -3, 2, 5, -7}) {
            const QPointF before = view.widgetToRaster(cursor);
            view.zoomAround(cursor, steps);
            const QPointF after = view.widgetToRaster(cursor);
            const double tolerance = 0.5 * view.resolution() + 1e-9;
            QVERIFY2(std::abs(after.x() - before.x()) <= tolerance && std::abs(after.y() - before.y()) <= tolerance,
                qPrintable(QStringLiteral("steps %1: (%2, %3) vs (%4, %5)")
                               .arg(steps)
                               .arg(after.x())
                               .arg(after.y())
                               .arg(before.x())
                               .arg(before.y())));
        }
        QCOMPARE(view.level(), 6 - 1 - 3 + 2 + 5 - 7);
    }

    void panMovesTheContentWithTheDrag()
    {
        MapView view(QSize(400, 400), QPointF(100, 100), MapView::stepsPerOctave); // 2 raster px per screen px
        const QPointF grabbed = view.widgetToRaster(QPointF(50, 60));
        view.panByPixels(QPointF(30, -20));
        const QPointF now = view.widgetToRaster(QPointF(80, 40));
        QVERIFY(std::abs(now.x() - grabbed.x()) <= 1.0 && std::abs(now.y() - grabbed.y()) <= 1.0);
        QCOMPARE(view.centre(), QPointF(40, 140));
    }

    void fitShowsTheWholeRectangleAtTheFinestLevel()
    {
        MapView view(QSize(500, 400), QPointF(), 0);
        const QRectF raster(0, 0, 40000, 30000);
        view.fit(raster);
        const QRectF visible = view.visibleRaster();
        QVERIFY(visible.adjusted(-view.resolution(), -view.resolution(), view.resolution(), view.resolution())
                    .contains(raster));
        MapView finer = view;
        finer.setLevel(view.level() - 1);
        QVERIFY(!finer.visibleRaster().contains(raster));
        QCOMPARE(view.centre(), raster.center());
    }

    void levelsAreClamped()
    {
        MapView view;
        view.setLevel(10000);
        QCOMPARE(view.level(), MapView::maxLevel);
        view.setLevel(-10000);
        QCOMPARE(view.level(), MapView::minLevel);
    }
};

QTEST_GUILESS_MAIN(MapViewTest)
#include "map_view_test.moc"
