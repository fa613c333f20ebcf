# tests for core/model (text): the WordPiece tokenizer against the reference tokenizations, and the
# noun-phrase masker on a table of dataset-style expressions.
refermap_add_test(wordpiece_tokenizer_test SOURCES model/wordpiece_tokenizer_test.cpp
  LIBS refermap::model nlohmann_json::nlohmann_json LABELS unit)
refermap_add_test(noun_phrase_masker_test SOURCES model/noun_phrase_masker_test.cpp
  LIBS refermap::model LABELS unit)
