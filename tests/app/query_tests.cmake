# Command-line tests (query).

# `model import-backbones` from small timm/HuggingFace-layout checkpoints and `model info`, bad inputs.
refermap_add_python_test(cli_model_test SCRIPT cli_model_test.py
  ARGS $<TARGET_FILE:refermap-cli>
  LABELS integration)

# `query` on real rasters with a small imported model: outputs, Ctrl-C and resume, bad inputs.
refermap_add_python_test(cli_query_test SCRIPT cli_query_test.py
  ARGS $<TARGET_FILE:refermap-cli> "${REFERMAP_TEST_DATA_DIR}/real"
  LABELS integration)
