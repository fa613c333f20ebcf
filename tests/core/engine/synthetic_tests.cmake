# Tests of core/engine (synthetic).
refermap_add_test(synthetic_scene_generator_test SOURCES engine/synthetic_scene_generator_test.cpp
  LIBS refermap::engine LABELS unit)
refermap_add_test(synthetic_dataset_writer_test SOURCES engine/synthetic_dataset_writer_test.cpp
  LIBS refermap::engine GDAL::GDAL LABELS integration)
refermap_add_test(synthetic_target_category_test SOURCES engine/synthetic_target_category_test.cpp
  LIBS refermap::engine LABELS unit)
