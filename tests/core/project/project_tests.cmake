refermap_add_test(project_store_test SOURCES project/project_store_test.cpp LIBS refermap::project GDAL::GDAL LABELS integration)
refermap_add_test(project_paths_test SOURCES project/project_paths_test.cpp LIBS refermap::project LABELS unit)
refermap_add_test(mask_tile_codec_test SOURCES project/mask_tile_codec_test.cpp LIBS refermap::project LABELS unit)
refermap_add_test(training_samples_test SOURCES project/training_samples_test.cpp LIBS refermap::project GDAL::GDAL LABELS integration)
