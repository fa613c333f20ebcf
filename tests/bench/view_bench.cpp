// The map canvas's renderer on a synthetic 16k x 16k raster: a whole-raster view (256x256 tile)
// and a 1:1 tile, before and after OverviewBuilder built the .ovr; prints times and the ratio
// without/with overviews (no pass/fail). Also times building the overviews.
//   view_bench [--size 16384] [--folder DIR]
#include "bench_timing.h"

#include "common/progress_feedback.h"
#include "geo/gdal_dataset.h"
#include "geo/gdal_environment.h"
#include "geo/overview_builder.h"
#include "geo/raster_view_renderer.h"

#include <gdal_priv.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

using namespace refermap;
using namespace refermap::geo;

namespace {

// A 3-band Byte tiled GTiff with a cheap pattern, written block row by block row.
bool writeRaster(const std::filesystem::path& path, int size)
{
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
    const char* options[] = {"TILED=YES", "COMPRESS=LZW", "BIGTIFF=IF_SAFER", nullptr};
    GdalDatasetPtr dataset(driver->Create(path.c_str(), size, size, 3, GDT_Byte, const_cast<char**>(options)));
    if (!dataset)
        return false;
    std::vector<GByte> rows(static_cast<std::size_t>(size) * 256);
    for (int band = 1; band <= 3; ++band) {
        for (int y = 0; y < size; y += 256) {
            const int height = std::min(256, size - y);
            for (int r = 0; r < height; ++r)
                for (int x = 0; x < size; ++x)
                    rows[static_cast<std::size_t>(r) * size + x] = static_cast<GByte>((x / 7 + (y + r) / 5) * band);
            if (dataset->GetRasterBand(band)->RasterIO(
                    GF_Write, 0, y, size, height, rows.data(), size, height, GDT_Byte, 0, 0, nullptr)
                != CE_None)
                return false;
        }
    }
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    int size = 16384;
    std::filesystem::path folder = std::filesystem::temp_directory_path() / "refermap-view-bench";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--size") == 0)
            size = std::atoi(argv[i + 1]);
        else if (std::strcmp(argv[i], "--folder") == 0)
            folder = argv[i + 1];
    }
    ensureGdalInitialised();
    std::filesystem::remove_all(folder);
    std::filesystem::create_directories(folder);
    const auto path = folder / "big.tif";
    if (!writeRaster(path, size)) {
        std::fprintf(stderr, "view_bench: cannot write %s\n", path.c_str());
        return 1;
    }
    RasterViewOptions options;
    options.stretch.fixedRanges = {BandStretch {0.0, 255.0}}; // the stretch is not what is measured
    auto renderer = RasterViewRenderer::open(path, options);
    if (!renderer) {
        std::fprintf(stderr, "view_bench: %s\n", renderer.error().message().c_str());
        return 1;
    }
    std::vector<std::uint8_t> tile(256 * 256 * 4);
    const PixelWindow whole {0.0, 0.0, double(size), double(size)};
    const PixelWindow oneToOne {size / 2.0, size / 2.0, 256.0, 256.0};
    auto time = [&](const PixelWindow& window) {
        GDALSetCacheMax64(0); // no block cache between runs: measure the reads
        GDALSetCacheMax64(256 * 1024 * 1024);
        return bench::bestSeconds(2, [&] { (void)renderer->render(window, 256, 256, tile.data(), 256 * 4); });
    };
    const double wholeWithout = time(whole);
    const double tileWithout = time(oneToOne);

    ProgressFeedback progress;
    const auto start = std::chrono::steady_clock::now();
    auto built = OverviewBuilder::build(path, progress);
    const double buildSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!built || !renderer->reopen()) {
        std::fprintf(stderr, "view_bench: building overviews failed\n");
        return 1;
    }
    const double wholeWith = time(whole);
    const double tileWith = time(oneToOne);
    std::printf("raster %d x %d x 3 Byte, %d overview levels (built in %.2f s)\n", size, size,
        renderer->overviewCount(), buildSeconds);
    std::printf("whole raster -> 256x256: %.4f s without overviews, %.4f s with (ratio %.1f)\n", wholeWithout,
        wholeWith, wholeWithout / wholeWith);
    std::printf("1:1 tile 256x256:        %.4f s without overviews, %.4f s with (ratio %.2f)\n", tileWithout, tileWith,
        tileWithout / tileWith);
    std::filesystem::remove_all(folder);
    return 0;
}
