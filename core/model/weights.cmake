# Safetensors, model files, backbone importers.
target_sources(refermap_model PRIVATE)
