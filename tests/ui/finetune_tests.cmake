# The fine-tune dialog (issue 7): a real orthophoto, the bundled demo model, short CPU fine-tunes.
refermap_add_qt_test(fine_tune_dialog_test SOURCE fine_tune_dialog_test.cpp)
target_compile_definitions(fine_tune_dialog_test PRIVATE TEST_DATA_DIR="${REFERMAP_TEST_DATA_DIR}")
target_link_libraries(fine_tune_dialog_test PRIVATE refermap::engine refermap::geo)
set_tests_properties(fine_tune_dialog_test PROPERTIES TIMEOUT 600)
