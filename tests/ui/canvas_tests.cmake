# Tests of the canvas area.
refermap_add_qt_test(map_view_test SOURCE map_view_test.cpp)
# The canvas on real rasters: background rendering, zoom, tools, undo/redo, tile cache cap, teardown.
refermap_add_qt_test(map_canvas_test SOURCE map_canvas_test.cpp)
target_link_libraries(map_canvas_test PRIVATE refermap::geo)
target_compile_definitions(map_canvas_test PRIVATE TEST_DATA_DIR="${REFERMAP_TEST_DATA_DIR}")
