# tests for core/model (network)
