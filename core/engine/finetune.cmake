# core/engine: fine-tuning on the user's corrections (samples from edited mask layers, their dataset, the job).
target_sources(refermap_engine PRIVATE
  correction_dataset.cpp
  correction_samples.cpp
  fine_tune.cpp)
target_link_libraries(refermap_engine PUBLIC refermap::project)
