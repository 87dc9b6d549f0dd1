"""Prompt and authoring evals: `datagen eval`.

cases       `evals/cases/*.yaml`: descriptions and what their schemas must satisfy
scorers     small deterministic checks, each `(passed, detail)`
runner      runs cases through the authoring loop (threads for `--jobs`), builds the report
recordings  Messages API exchanges recorded per case, and the replay transport
compare     two reports case by case, newly failing first
"""

# the providers `datagen eval --provider` takes (spelled here, where `datagen eval --help` reads
# them without importing the runner)
EVAL_PROVIDERS = ("offline", "anthropic", "openai", "replay")
