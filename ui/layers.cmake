# Layers: the map's raster and mask layers and their list model (layers panel, canvas, project).
target_sources(refermap_ui PRIVATE
  map_layer.cpp
  map_layer.h
  layer_model.cpp
  layer_model.h
  layers_panel.cpp
  layers_panel.h)
target_link_libraries(refermap_ui PUBLIC refermap::geo)
# Queries from the query bar to mask layers.
target_sources(refermap_ui PRIVATE
  query_controller.cpp
  query_controller.h)
# The session as a project file (core/project).
target_sources(refermap_ui PRIVATE
  project_controller.cpp
  project_controller.h)
target_link_libraries(refermap_ui PRIVATE refermap::project)
