#include "ui/mask_edit_command.h"

#include "ui/map_layer.h"

#include <spdlog/spdlog.h>

namespace refermap::ui {

MaskEditCommand::MaskEditCommand(MaskLayer* layer, geo::MaskEdit edit, const QString& text, QUndoCommand* parent)
    : QUndoCommand(text, parent)
    , layer_(layer)
    , edit_(std::move(edit))
{
    for (const geo::MaskTileChange& change : edit_.tiles) {
        const geo::MaskPixelRect r = layer_->mask().tileRect(change.column, change.row);
        pixels_ |= QRect(r.x, r.y, r.width, r.height);
    }
}

void MaskEditCommand::undo()
{
    if (!applied_)
        return;
    auto undone = layer_->mask().undo(edit_);
    if (!undone.ok()) {
        // QUndoCommand cannot fail; the mask is unchanged (EditableMask::undo is all-or-nothing).
        spdlog::error("undo of \"{}\" on layer \"{}\" failed: {}", text().toStdString(), layer_->name().toStdString(),
            undone.error().message());
        return;
    }
    applied_ = false;
    layer_->notifyPixelsChanged(pixels_);
}

void MaskEditCommand::redo()
{
    if (applied_) // the first redo, from QUndoStack::push: the tool applied the edit already
        return;
    auto redone = layer_->mask().redo(edit_);
    if (!redone.ok()) {
        spdlog::error("redo of \"{}\" on layer \"{}\" failed: {}", text().toStdString(), layer_->name().toStdString(),
            redone.error().message());
        return;
    }
    applied_ = true;
    layer_->notifyPixelsChanged(pixels_);
}

} // namespace refermap::ui
