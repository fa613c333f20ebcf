# Tests of the tasks area.
refermap_add_qt_test(task_manager_test SOURCE task_manager_test.cpp)
refermap_add_qt_test(log_panel_test SOURCE log_panel_test.cpp)
refermap_add_qt_test(query_bar_test SOURCE query_bar_test.cpp)
refermap_add_qt_test(settings_dialog_test SOURCE settings_dialog_test.cpp)
# Exports a real mask to every format and reads it back with OGR / GDAL.
refermap_add_qt_test(export_dialog_test SOURCE export_dialog_test.cpp)
target_link_libraries(export_dialog_test PRIVATE refermap::engine refermap::geo GDAL::GDAL)
target_compile_definitions(export_dialog_test PRIVATE TEST_DATA_DIR="${REFERMAP_TEST_DATA_DIR}")
