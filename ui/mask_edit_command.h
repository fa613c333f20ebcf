#pragma once

#include "geo/mask_edit.h"

#include <QRect>
#include <QString>
#include <QUndoCommand>

namespace refermap::ui {

class MaskLayer;

// One finished correction (stroke, polygon, fill) on a mask layer, for the layer's QUndoStack.
// The edit has already been applied when the command is pushed, so the first redo() (QUndoStack::push
// calls it) does nothing; later undo()/redo() restore the recorded tile bytes through
// EditableMask::undo/redo and tell the canvas (MaskLayer::notifyPixelsChanged). The layer owns the
// stack, so the command never outlives it.
class MaskEditCommand : public QUndoCommand {
public:
    MaskEditCommand(MaskLayer* layer, geo::MaskEdit edit, const QString& text, QUndoCommand* parent = nullptr);

    void undo() override;
    void redo() override;

    // The raster pixels the edit may have changed (the union of its tiles).
    QRect pixels() const { return pixels_; }
    const geo::MaskEdit& edit() const { return edit_; }

private:
    MaskLayer* layer_;
    geo::MaskEdit edit_;
    QRect pixels_;
    bool applied_ = true;
};

} // namespace refermap::ui
