#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace refermap::bench {

// A size x size VRT mosaic of test_tiled.tif (1000 x 1000 aerial image, RD New, 0.25 m), written
// into `folder`: a large georeferenced raster that costs no disk.
inline std::filesystem::path makeMosaic(const std::filesystem::path& folder, int size)
{
    const std::filesystem::path source = std::filesystem::path(REFERMAP_TEST_DATA_DIR) / "real" / "test_tiled.tif";
    std::ostringstream vrt;
    vrt << "<VRTDataset rasterXSize=\"" << size << "\" rasterYSize=\"" << size << "\">\n"
        << "  <GeoTransform>127375, 0.25, 0, 428250, 0, -0.25</GeoTransform>\n";
    const char* colours[] = {"Red", "Green", "Blue"};
    for (int band = 1; band <= 3; ++band) {
        vrt << "  <VRTRasterBand dataType=\"Byte\" band=\"" << band << "\">\n"
            << "    <ColorInterp>" << colours[band - 1] << "</ColorInterp>\n";
        for (int y = 0; y < size; y += 1000)
            for (int x = 0; x < size; x += 1000) {
                const int w = std::min(1000, size - x);
                const int h = std::min(1000, size - y);
                vrt << "    <SimpleSource><SourceFilename relativeToVRT=\"0\">" << source.string()
                    << "</SourceFilename><SourceBand>" << band << "</SourceBand>"
                    << "<SrcRect xOff=\"0\" yOff=\"0\" xSize=\"" << w << "\" ySize=\"" << h << "\"/>"
                    << "<DstRect xOff=\"" << x << "\" yOff=\"" << y << "\" xSize=\"" << w << "\" ySize=\"" << h
                    << "\"/></SimpleSource>\n";
            }
        vrt << "  </VRTRasterBand>\n";
    }
    vrt << "</VRTDataset>\n";
    const std::filesystem::path path = folder / ("mosaic-" + std::to_string(size) + ".vrt");
    std::ofstream(path) << vrt.str();
    return path;
}

} // namespace refermap::bench
