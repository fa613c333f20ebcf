# core/geo: CRS look-ups for pickers (export dialog): EPSG codes and a raster's CRS.
target_sources(refermap_geo PRIVATE
  crs_lookup.cpp
  crs_lookup.h)
