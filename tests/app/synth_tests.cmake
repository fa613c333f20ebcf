# Command-line tests (synth).
