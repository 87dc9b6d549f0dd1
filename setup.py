"""Packages of the wheel: the card's top-level folders become the `datagen.*` import names.

Metadata lives in pyproject.toml; only the folder mapping is computed here, so a new
subpackage needs no edit anywhere.
"""

from setuptools import find_packages, setup

ROOTS = {
    "datagen": "datagen",
    "datagen.engine": "engine",
    "datagen.agent": "agent",
    "datagen.prompts": "prompts",
    "datagen.examples": "examples",
}

packages = [
    f"{name}.{sub}" if sub else name
    for name, folder in ROOTS.items()
    for sub in ["", *find_packages(folder)]
]

setup(packages=packages, package_dir=ROOTS)
