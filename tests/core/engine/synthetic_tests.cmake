# Tests of core/engine (synthetic).
