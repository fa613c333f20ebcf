# Tests of the view area.
refermap_add_test(raster_view_renderer_test SOURCES geo/raster_view_renderer_test.cpp
  LIBS refermap::geo LABELS integration)
refermap_add_test(overview_builder_test SOURCES geo/overview_builder_test.cpp LIBS refermap::geo LABELS integration)
refermap_add_test(map_projection_test SOURCES geo/map_projection_test.cpp LIBS refermap::geo LABELS unit)
refermap_add_test(map_projection_parity_test SOURCES geo/map_projection_parity_test.cpp
  LIBS refermap::geo LABELS parity)
