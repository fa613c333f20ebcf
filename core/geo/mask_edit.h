#pragma once

#include "common/result.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace refermap::geo {

// One tile's content before and after an edit, run-length encoded (see encodeMaskTile): binary
// masks are long runs, so a brush stroke over a 256 x 256 tile costs tens of bytes, not 64 KiB.
struct MaskTileChange {
    int column = 0; // tile index in the mask's tile grid
    int row = 0;
    bool wasEdited = false; // whether the tile held edits before; undo of a first edit makes it clean again
    std::vector<std::uint8_t> before;
    std::vector<std::uint8_t> after;
};

// The record of one edit on an EditableMask: exactly the tiles whose bytes changed. Undo and redo
// restore these bytes (EditableMask::undo/redo). An edit that changed nothing has no tiles. A plain
// value: the GUI's undo command owns it.
struct MaskEdit {
    std::vector<MaskTileChange> tiles;

    bool empty() const { return tiles.empty(); }
    // Encoded bytes held, for an undo stack's cost limit.
    std::size_t byteSize() const;
};

// Run-length encoding of a tile's 0/1 bytes: runs of (value byte, LEB128 length). Any byte values
// round-trip, not only 0/1.
std::vector<std::uint8_t> encodeMaskTile(const std::vector<std::uint8_t>& pixels);
// The inverse; InvalidData when the runs are truncated or do not add up to `pixelCount`.
Result<std::vector<std::uint8_t>> decodeMaskTile(const std::vector<std::uint8_t>& encoded, std::size_t pixelCount);

} // namespace refermap::geo
