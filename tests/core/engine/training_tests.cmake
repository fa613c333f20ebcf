# Tests of core/engine (training): optimizer groups and schedule, trainer resume and checkpoints, evaluator.
refermap_add_test(training_optimizer_test SOURCES engine/training_optimizer_test.cpp
  LIBS refermap::engine LABELS unit)
refermap_add_test(btddnet_trainer_test SOURCES engine/btddnet_trainer_test.cpp
  LIBS refermap::engine LABELS integration)
refermap_add_test(sample_mirror_test SOURCES engine/sample_mirror_test.cpp
  LIBS refermap::engine LABELS unit)
