#include "cli_commands.h"

#include "geo/raster_info.h"

#include <iostream>
#include <memory>

namespace refermap::cli {

Command addInfoCommand(CLI::App& app)
{
    struct Options {
        std::string raster;
        bool json = false;
    };
    auto options = std::make_shared<Options>();
    CLI::App* command = app.add_subcommand(
        "info", "Describe a raster: size, bands (type, colour, nodata), CRS, geotransform, overviews, masks.");
    command->add_option("RASTER", options->raster, "Any raster GDAL reads (GeoTIFF, COG, VRT, JPEG2000, /vsizip/…)")
        ->required();
    command->add_flag("--json", options->json, "Print JSON for scripts instead of text");

    return {command, [options]() {
        auto info = geo::readRasterInfo(options->raster);
        if (!info) {
            std::cerr << "refermap-cli: error: " << info.error().message() << '\n';
            return exitCodeFor(info.error());
        }
        std::cout << (options->json ? geo::formatRasterInfoJson(*info) : geo::formatRasterInfoText(*info)) << '\n';
        return static_cast<int>(ExitSuccess);
    }};
}

} // namespace refermap::cli
