// Canvas responsiveness: pans and zooms a MapCanvas programmatically for ~10 s over a 40000 x 40000
// VRT mosaic (no overviews: zoomed-out tiles are slow to read, the worst case for the renderer) with
// a mask overlay, while a busy job keeps a core loaded in a QThread, and prints the longest
// event-loop stall and the 99th percentile, measured as the lateness of a 1 ms precise timer.
// Not a test: timings depend on the machine. Usage: canvas_bench [seconds] [mosaic size]
#include "bench_mosaic.h"

#include "ui/layer_model.h"
#include "ui/map_canvas.h"
#include "ui/map_layer.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <vector>

using namespace refermap;

namespace {

// Stands in for a query: a CPU-bound job in a worker thread, as the task manager runs them.
class BusyJob : public QThread {
public:
    std::atomic<bool> stop {false};
    double sink = 0.0;

protected:
    void run() override
    {
        double x = 1.0;
        while (!stop.load(std::memory_order_relaxed))
            for (int i = 0; i < 100000; ++i)
                x = std::sqrt(x + i);
        sink = x;
    }
};

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const double seconds = argc > 1 ? std::atof(argv[1]) : 10.0;
    const int size = argc > 2 ? std::atoi(argv[2]) : 40000;

    QTemporaryDir folder;
    const auto mosaic = bench::makeMosaic(folder.path().toStdString(), size);
    geo::RasterViewOptions options;
    auto tile
        = geo::RasterViewRenderer::open(std::filesystem::path(REFERMAP_TEST_DATA_DIR) / "real" / "test_tiled.tif");
    if (!tile.ok()) {
        std::fprintf(stderr, "%s\n", tile.error().message().c_str());
        return 1;
    }
    options.precomputedStretch = tile.value().stretch(); // opening the mosaic samples nothing
    auto opened = ui::RasterLayer::open(mosaic, options);
    if (!opened.ok()) {
        std::fprintf(stderr, "%s\n", opened.error().message().c_str());
        return 1;
    }
    ui::LayerModel model;
    auto* raster = static_cast<ui::RasterLayer*>(model.addLayer(std::move(opened).value()));
    auto blank = geo::EditableMask::blank(size, size, raster->renderer().geoTransform(), raster->renderer().crsWkt());
    if (!blank.ok())
        return 1;
    auto* maskLayer = static_cast<ui::MaskLayer*>(model.addLayer(std::make_unique<ui::MaskLayer>(
        raster, std::move(blank).value(), QStringLiteral("bench"), ui::QuerySettings {})));
    maskLayer->setShowsOutline(true);
    // Some edited regions near the centre so overlays have content.
    for (int i = 0; i < 20; ++i) {
        const double cx = size / 2.0 + (i - 10) * 600.0, cy = size / 2.0 + ((i * 7) % 10 - 5) * 500.0;
        auto edit = maskLayer->mask().fillPolygon(
            {{cx, cy}, {cx + 400, cy + 50}, {cx + 300, cy + 350}, {cx - 50, cy + 300}}, true);
        if (!edit.ok())
            return 1;
    }

    ui::MapCanvas canvas(&model);
    canvas.resize(1280, 800);
    canvas.show();
    canvas.setView(ui::MapView(canvas.size(), QPointF(size / 2.0, size / 2.0), 0));

    BusyJob busy;
    busy.start();

    // Stall probe: a 1 ms timer; lateness = gap - 1 ms.
    std::vector<double> lateness;
    double worstAt = 0.0; // seconds since start, for telling start-up from steady state
    QElapsedTimer clock;
    clock.start();
    qint64 last = clock.nsecsElapsed();
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(1);
    QObject::connect(&probe, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        const double late = std::max(0.0, (now - last) / 1e6 - 1.0);
        if (lateness.empty() || late > *std::max_element(lateness.begin(), lateness.end()))
            worstAt = now / 1e9;
        lateness.push_back(late);
        last = now;
    });

    // Driver: 60 steps a second; pans 40 px, and every 90 steps zooms in or out around a point.
    int step = 0;
    QTimer driver;
    driver.setInterval(16);
    QObject::connect(&driver, &QTimer::timeout, [&] {
        ui::MapView view = canvas.view();
        const double angle = step * 0.02;
        view.panByPixels(QPointF(40.0 * std::cos(angle), 40.0 * std::sin(angle)));
        if (step % 90 == 45) {
            const int phase = (step / 90) % 8; // zoom out 4 times, then back in
            view.zoomAround(QPointF(400, 300), phase < 4 ? 3 : -3);
        }
        canvas.setView(view);
        ++step;
        if (clock.elapsed() > seconds * 1000.0)
            app.quit();
    });
    probe.start();
    driver.start();
    app.exec();
    busy.stop = true;
    busy.wait();

    std::vector<double> sorted = lateness;
    std::sort(sorted.begin(), sorted.end());
    const double worst = sorted.empty() ? 0.0 : sorted.back();
    const double p99 = sorted.empty() ? 0.0 : sorted[static_cast<std::size_t>(0.99 * (sorted.size() - 1))];
    const auto over50 = std::count_if(sorted.begin(), sorted.end(), [](double v) { return v > 50.0; });
    std::fprintf(stderr,
        "canvas_bench: %.1f s, %d view changes, %zu probe ticks; event-loop stall: longest %.1f ms (at %.2f s), "
        "p99 %.2f ms, %d over 50 ms; tiles rendered %zu, cached %zu (%.1f MiB), queued at end %zu; overlay tiles "
        "computed %zu; slowest frame %.1f ms wall, %.1f ms GUI-thread CPU\n",
        clock.elapsed() / 1000.0, step, lateness.size(), worst, worstAt, p99, static_cast<int>(over50),
        canvas.tileRenderer().renderedTiles(), canvas.tileRenderer().cachedTiles(),
        canvas.tileRenderer().cacheBytes() / 1048576.0, canvas.tileRenderer().queuedRequests(),
        canvas.overlayTilesComputed(), canvas.slowestFrameMs(), canvas.slowestFrameCpuMs());
    return 0;
}
