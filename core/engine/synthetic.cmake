# core/engine: synthetic sources.
target_sources(refermap_engine PRIVATE
  synthetic_expression.cpp
  synthetic_scene_generator.cpp
  synthetic_dataset_writer.cpp)
