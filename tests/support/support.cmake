# Test support: helpers that build fixtures the way the application stores them.

# A corrected (edited) mask layer in a project, as the desktop application saves one.
add_library(refermap_test_correction_project STATIC ${CMAKE_CURRENT_LIST_DIR}/correction_project.cpp)
refermap_configure_target(refermap_test_correction_project)
target_include_directories(refermap_test_correction_project PUBLIC "${CMAKE_CURRENT_LIST_DIR}/..")
target_link_libraries(refermap_test_correction_project
  PUBLIC refermap::project refermap::geo refermap::common
  PRIVATE GDAL::GDAL)

# The same as a command, for the Python tests: prints the layer id.
add_executable(make_correction_project ${CMAKE_CURRENT_LIST_DIR}/make_correction_project.cpp)
refermap_configure_target(make_correction_project)
target_link_libraries(make_correction_project PRIVATE refermap_test_correction_project)

refermap_add_test(correction_project_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/correction_project_test.cpp
  LIBS refermap_test_correction_project GDAL::GDAL LABELS integration)
