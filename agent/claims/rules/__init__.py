"""The extractor's rules, by family; importing this package registers them all."""

from datagen.agent.claims.rules import amounts, compare, structure, time

LOADED = (amounts, compare, structure, time)
