# core/engine: query sources.
target_sources(refermap_engine PRIVATE)
