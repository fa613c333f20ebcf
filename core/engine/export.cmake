# core/engine: exporting a mask from the desktop application (polygons or a GeoTIFF copy).
target_sources(refermap_engine PRIVATE
  mask_export.cpp
  mask_export.h)
