# Canvas responsiveness (GUI builds only): the longest event-loop stall while panning and zooming.
add_executable(canvas_bench canvas_bench.cpp)
refermap_configure_target(canvas_bench)
target_link_libraries(canvas_bench PRIVATE refermap::ui refermap::geo)
target_compile_definitions(canvas_bench PRIVATE REFERMAP_TEST_DATA_DIR="${REFERMAP_TEST_DATA_DIR}")
