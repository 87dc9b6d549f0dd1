"""datagen: plain-English description in, realistic relational deterministic synthetic dataset out.

The code lives in `datagen.engine` (DSL, generation, validation) and
`datagen.agent` (CLI, authoring loop); `python -m datagen` runs the CLI.
"""
