# BTDDNet network modules.
target_sources(refermap_model PRIVATE)
