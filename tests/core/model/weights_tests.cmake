# tests for core/model (weights)
