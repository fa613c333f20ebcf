# tests for core/model (network)
refermap_add_test(btddnet_test SOURCES model/btddnet_test.cpp LIBS refermap::model LABELS unit)
refermap_add_test(btddnet_file_test SOURCES model/btddnet_file_test.cpp LIBS refermap::model LABELS unit)
