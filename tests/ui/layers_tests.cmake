# Layers, queries and project files of the desktop application (real rasters, the bundled demo model).
foreach(test layer_model_test query_controller_test project_controller_test)
  refermap_add_qt_test(${test} SOURCE ${test}.cpp)
  target_compile_definitions(${test} PRIVATE
    TEST_DATA_DIR="${REFERMAP_TEST_DATA_DIR}" TEST_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  target_link_libraries(${test} PRIVATE refermap::geo refermap::project)
endforeach()
set_tests_properties(query_controller_test PROPERTIES TIMEOUT 600)
