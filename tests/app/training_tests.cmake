# Command-line tests (training).
# train/eval end to end, bad inputs, and kill -9 during a checkpoint write followed by --resume.
refermap_add_python_test(cli_train_test SCRIPT cli_train_test.py
  ARGS $<TARGET_FILE:refermap-cli>
  LABELS integration)
# A tiny model learns the synthetic benchmark: val mIoU with the text well above the same run with
# the text replaced by an empty string.
refermap_add_python_test(cli_train_learns_test SCRIPT cli_train_learns_test.py
  ARGS $<TARGET_FILE:refermap-cli>
  LABELS integration)
set_tests_properties(cli_train_learns_test PROPERTIES TIMEOUT 900)
