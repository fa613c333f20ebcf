# Tokenizer and noun-phrase masking.
target_sources(refermap_model PRIVATE
  wordpiece_tokenizer.cpp
  noun_phrase_masker.cpp)

# The noun lexicon (data/noun_lexicon.txt, generated once by data/make_noun_lexicon.py from WordNet)
# is compiled into the library: the build needs neither WordNet nor Python.
set(REFERMAP_NOUN_LEXICON_SOURCE "${CMAKE_CURRENT_BINARY_DIR}/noun_lexicon_data.cpp")
add_custom_command(
  OUTPUT "${REFERMAP_NOUN_LEXICON_SOURCE}"
  COMMAND "${CMAKE_COMMAND}"
    -DINPUT=${CMAKE_CURRENT_SOURCE_DIR}/data/noun_lexicon.txt
    -DOUTPUT=${REFERMAP_NOUN_LEXICON_SOURCE}
    -DFUNCTION=nounLexiconText
    -DNAMESPACE=refermap::model::detail
    -P "${CMAKE_CURRENT_SOURCE_DIR}/data/embed_text.cmake"
  DEPENDS data/noun_lexicon.txt data/embed_text.cmake
  COMMENT "Embedding the noun lexicon"
  VERBATIM)
target_sources(refermap_model PRIVATE "${REFERMAP_NOUN_LEXICON_SOURCE}")

# None of these needs libtorch: keep them out of the <torch/torch.h> precompiled header.
set_source_files_properties(wordpiece_tokenizer.cpp noun_phrase_masker.cpp "${REFERMAP_NOUN_LEXICON_SOURCE}"
  PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
