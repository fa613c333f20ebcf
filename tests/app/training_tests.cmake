# Command-line tests (training).
