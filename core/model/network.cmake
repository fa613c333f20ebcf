# BTDDNet network modules.
target_sources(refermap_model PRIVATE
  btddnet_config.cpp
  swin_transformer.cpp
  bert_encoder.cpp
  cross_attention.cpp
  bidirectional_spatial_correlation.cpp
  multiscale_context_interaction.cpp
  twin_stream_predictor.cpp
  btddnet.cpp
  btddnet_loss.cpp)
target_sources(refermap_model PRIVATE btddnet_file.cpp)
