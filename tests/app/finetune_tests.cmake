# Command-line tests (fine-tuning on a project's corrections, issue 7).
# `finetune` end to end with the demo model on a real road mask as the correction: the new model and
# its provenance, the base byte-unchanged, the project valid; kill -9 then resume; Ctrl-C; bad inputs.
# The projects come from the make_correction_project helper (tests/support).
if(NOT TARGET make_correction_project)
  message(FATAL_ERROR "cli_finetune_test needs the make_correction_project helper target (tests/support), "
                      "defined before tests/app")
endif()
refermap_add_python_test(cli_finetune_test SCRIPT cli_finetune_test.py
  ARGS $<TARGET_FILE:refermap-cli> $<TARGET_FILE:make_correction_project> "${REFERMAP_TEST_DATA_DIR}/real"
       "${PROJECT_SOURCE_DIR}"
  LABELS integration)
set_tests_properties(cli_finetune_test PROPERTIES TIMEOUT 1200)
