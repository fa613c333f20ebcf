# Tests of core/engine (query).
refermap_add_test(query_runner_test SOURCES engine/query_runner_test.cpp
  LIBS refermap::engine GDAL::GDAL LABELS integration)
# The batched, prefetching raster pipeline that queries run on (core/geo).
refermap_add_test(raster_pipeline_batch_test SOURCES geo/raster_pipeline_batch_test.cpp
  LIBS refermap::geo LABELS integration)
refermap_add_test(run_journal_test SOURCES engine/run_journal_test.cpp
  LIBS refermap::engine LABELS unit)
