# Issue 7's synthetic shift check: 20 corrections of the colour purple, which the demo model never
# saw, and 100 unseen scenes (about half a minute of fine-tuning on two idle cores).
refermap_add_test(fine_tune_shift_test SOURCES engine/fine_tune_shift_test.cpp
  LIBS refermap::engine refermap::project refermap_test_correction_project GDAL::GDAL LABELS integration)
