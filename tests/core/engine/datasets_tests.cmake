# Tests of core/engine (datasets).
refermap_add_test(coco_rle_test SOURCES engine/coco_rle_test.cpp
  LIBS refermap::engine nlohmann_json::nlohmann_json LABELS unit)
refermap_add_test(referring_metrics_test SOURCES engine/referring_metrics_test.cpp LIBS refermap::engine LABELS unit)
refermap_add_test(referring_preprocessing_test SOURCES engine/referring_preprocessing_test.cpp
  LIBS refermap::engine LABELS unit)
refermap_add_test(referring_dataset_test SOURCES engine/referring_dataset_test.cpp
  LIBS refermap::engine nlohmann_json::nlohmann_json LABELS integration)
