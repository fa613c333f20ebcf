# Issue 7's synthetic shift check (20 airplane corrections, 100 unseen scenes; about 6 minutes on
# two cores). NOT run by ctest: it does not pass yet. Measured (docs/finetune.md): the demo model
# scores mIoU 0.256 on the unseen scenes, fine-tuned 0.258, where the issue asks for well above.
# Built so that anyone changing the fine-tune can run it: build/tests/core/fine_tune_shift_check.
add_executable(fine_tune_shift_check engine/fine_tune_shift_test.cpp)
refermap_configure_target(fine_tune_shift_check)
target_link_libraries(fine_tune_shift_check PRIVATE refermap::engine refermap::project refermap_test_correction_project
  GDAL::GDAL GTest::gtest GTest::gtest_main)
target_compile_definitions(fine_tune_shift_check PRIVATE
  TEST_DATA_DIR="${REFERMAP_TEST_DATA_DIR}" TEST_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
  SHIFT_EPOCHS=25 SHIFT_LR=1e-3 SHIFT_FREEZE=None)
target_include_directories(fine_tune_shift_check PRIVATE "${PROJECT_SOURCE_DIR}/tests")
