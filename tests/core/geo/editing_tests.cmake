# Tests of the editing area.
refermap_add_test(editable_mask_test SOURCES geo/editable_mask_test.cpp LIBS refermap::geo LABELS integration)
