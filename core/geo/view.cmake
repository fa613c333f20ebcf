# Filled by the view area: rendering rasters for the map canvas (any size, through overviews),
# georeferencing helpers, and building external overviews as a long job.
target_sources(refermap_geo PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/map_projection.cpp
  ${CMAKE_CURRENT_LIST_DIR}/raster_view_renderer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/overview_builder.cpp)
