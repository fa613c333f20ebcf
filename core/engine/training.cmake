# core/engine: training sources.
target_sources(refermap_engine PRIVATE)
