# Canvas area sources: the map canvas, its view transform, the background tile renderer, the
# correction tools and their undo command.
target_sources(refermap_ui PRIVATE
  map_canvas.cpp
  map_canvas.h
  map_view.cpp
  map_view.h
  tile_renderer.cpp
  tile_renderer.h
  map_tool.cpp
  map_tool.h
  mask_edit_command.cpp
  mask_edit_command.h)
