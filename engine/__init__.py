"""datagen's engine: the DSL, planning, vectorized generation, writers, validation.

Usable alone (`datagen generate`, `validate`, `describe`, `schema`); it never
imports `datagen.agent`.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("datagen")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0"
