# core/engine: sources shared by the query, training and evaluation jobs.
target_sources(refermap_engine PRIVATE
  expression_encoder.cpp)
