# Tokenizer and noun-phrase masking.
target_sources(refermap_model PRIVATE)
