# core/engine: synthetic sources.
target_sources(refermap_engine PRIVATE)
