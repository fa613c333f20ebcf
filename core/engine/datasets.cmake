# core/engine: datasets sources (referring datasets, COCO RLE, preprocessing, metrics).
target_sources(refermap_engine PRIVATE
  coco_rle.cpp
  dataset_image_reader.cpp
  referring_dataset.cpp
  refsegrs_dataset.cpp
  rrsisd_dataset.cpp
  referring_preprocessing.cpp
  referring_metrics.cpp)
