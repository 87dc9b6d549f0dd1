"""`python -m datagen`: the same command line as the `datagen` script."""

from datagen.agent.cli import run

if __name__ == "__main__":
    run()
