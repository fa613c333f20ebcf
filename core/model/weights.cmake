# Safetensors, model files, backbone importers.
target_sources(refermap_model PRIVATE
  safetensors.cpp
  model_file.cpp
  backbone_importer.cpp)
