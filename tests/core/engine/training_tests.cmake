# Tests of core/engine (training).
