# Command-line tests (synth): the benchmark folder, determinism, georeference, Ctrl-C, demo scene, bad arguments.
refermap_add_python_test(cli_synth_test SCRIPT cli_synth_test.py
  ARGS $<TARGET_FILE:refermap-cli>
  LABELS integration)
