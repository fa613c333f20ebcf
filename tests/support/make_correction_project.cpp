// make_correction_project PROJECT RASTER QUERY_TEXT QUERY_MASK CORRECTED_MASK X Y W H
//
// Adds a corrected mask layer (see support/correction_project.h) to PROJECT, creating the project
// when it does not exist, and prints the new layer's id: fixtures for the Python tests of the CLI.
#include "support/correction_project.h"

#include <charconv>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

namespace {

bool parseInt(const char* text, int& value)
{
    const char* end = text + std::strlen(text);
    auto [stop, ec] = std::from_chars(text, end, value);
    return ec == std::errc() && stop == end;
}

int fail(const std::string& message)
{
    std::cerr << "make_correction_project: error: " << message << '\n';
    return 1;
}

} // namespace

int main(int argc, char** argv)
{
    using namespace refermap;
    if (argc != 10)
        return fail("usage: make_correction_project PROJECT RASTER QUERY_TEXT QUERY_MASK CORRECTED_MASK X Y W H");
    testing::CorrectedLayerSpec spec;
    const std::filesystem::path projectPath = argv[1];
    spec.rasterPath = argv[2];
    spec.queryText = argv[3];
    spec.queryMaskPath = argv[4];
    spec.correctedMaskPath = argv[5];
    int* const numbers[] = {&spec.region.x, &spec.region.y, &spec.region.width, &spec.region.height};
    for (int i = 0; i < 4; ++i) {
        if (!parseInt(argv[6 + i], *numbers[i]))
            return fail(std::string("not an integer: '") + argv[6 + i] + "'");
    }
    std::error_code ec;
    auto store = std::filesystem::exists(projectPath, ec) ? project::ProjectStore::open(projectPath)
                                                          : project::ProjectStore::create(projectPath);
    if (!store)
        return fail(store.error().message());
    auto layerId = testing::addCorrectedLayer(*store, spec);
    if (!layerId)
        return fail(layerId.error().message());
    std::cout << *layerId << '\n';
    return 0;
}
