# core/engine: training sources (trainer, its options, optimizer, checkpoints, batches) and the evaluator.
target_sources(refermap_engine PRIVATE
  btddnet_trainer.cpp
  referring_evaluator.cpp
  sample_mirror.cpp
  training_batch.cpp
  training_checkpoint.cpp
  training_optimizer.cpp
  training_options.cpp)
