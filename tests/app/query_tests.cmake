# Command-line tests (query).
