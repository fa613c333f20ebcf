# core/engine: whole-raster queries, and the expression encoding shared with training and evaluation.
target_sources(refermap_engine PRIVATE
  expression_encoder.cpp
  run_journal.cpp
  btddnet_tile_predictor.cpp
  query_runner.cpp)
