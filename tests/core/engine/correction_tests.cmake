# Tests of core/engine (fine-tuning on corrections): samples from edited layers, their dataset, the job.
refermap_add_test(correction_samples_test SOURCES engine/correction_samples_test.cpp
  LIBS refermap::engine refermap_test_correction_project GDAL::GDAL LABELS integration)
# Issue 7's real-label check (a few minutes on 2 cores).
refermap_add_test(fine_tune_road_test SOURCES engine/fine_tune_road_test.cpp
  LIBS refermap::engine refermap_test_correction_project GDAL::GDAL LABELS integration)
target_compile_definitions(fine_tune_road_test PRIVATE FINE_TUNE_EPOCHS=15 FINE_TUNE_LR=1e-3 FINE_TUNE_FREEZE=None)
