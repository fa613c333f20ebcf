# Filled by the editing area: the editable mask behind the correction tools (brush, eraser, polygon
# add/cut, fill hole, undo records), tiled so 40k x 40k masks never sit whole in memory.
target_sources(refermap_geo PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/mask_edit.cpp
  ${CMAKE_CURRENT_LIST_DIR}/editable_mask.cpp)
