# Tests of core/engine (datasets).
