# The bundled demo model and the README's main job.
refermap_add_python_test(demo_model_test SCRIPT demo_model_test.py
  ARGS $<TARGET_FILE:refermap-cli> "${PROJECT_SOURCE_DIR}"
  LABELS integration)
