# tests for core/model (weights): safetensors, model files, strict loading, backbone importers.
refermap_add_test(safetensors_test SOURCES model/safetensors_test.cpp LIBS refermap::model LABELS unit)
refermap_add_test(model_file_test SOURCES model/model_file_test.cpp LIBS refermap::model LABELS unit)

# Tiny checkpoints with the public key names of timm Swin-B and HuggingFace BERT, plus torch's own
# bicubic resize of their relative-position tables, written by the reference Python at build time.
set(REFERMAP_BACKBONE_FIXTURE_DIR "${CMAKE_CURRENT_BINARY_DIR}/backbone-fixtures")
set(_refermap_backbone_fixtures "")
foreach(fixture swin_new swin_old swin_unknown swin_expected_w7 bert bert_bare bert_unknown)
  list(APPEND _refermap_backbone_fixtures "${REFERMAP_BACKBONE_FIXTURE_DIR}/${fixture}.safetensors")
endforeach()
add_custom_command(
  OUTPUT ${_refermap_backbone_fixtures}
  COMMAND "${REFERMAP_PYTHON}" "${CMAKE_CURRENT_LIST_DIR}/make_backbone_fixtures.py"
          --out "${REFERMAP_BACKBONE_FIXTURE_DIR}"
  DEPENDS "${CMAKE_CURRENT_LIST_DIR}/make_backbone_fixtures.py"
  COMMENT "Writing tiny timm Swin / HuggingFace BERT checkpoints with torch"
  VERBATIM)
add_custom_target(refermap_backbone_fixtures DEPENDS ${_refermap_backbone_fixtures})

refermap_add_test(backbone_importer_test SOURCES model/backbone_importer_test.cpp LIBS refermap::model
  LABELS parity)
add_dependencies(backbone_importer_test refermap_backbone_fixtures)
target_compile_definitions(backbone_importer_test PRIVATE
  BACKBONE_FIXTURE_DIR="${REFERMAP_BACKBONE_FIXTURE_DIR}")

# The fixture writer checks itself: its files read back bit-exactly in the reference layout, and
# torch's bicubic resize to the same window is the identity.
refermap_add_python_test(backbone_fixtures_self_test SCRIPT model/make_backbone_fixtures.py ARGS --self-test
  LABELS parity)
