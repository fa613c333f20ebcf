# tests for core/model (text)
