# Tests of core/engine (query).
