"""datagen's agent layer: the CLI, the authoring loop, providers, REPL and evals."""
