# core/engine: datasets sources.
target_sources(refermap_engine PRIVATE)
