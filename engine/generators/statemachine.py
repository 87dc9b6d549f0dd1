"""A state machine that gives each parent a path of events: an order placed, paid, shipped,
delivered (or cancelled). The path's length is the parent's number of child rows (a fanout
`{"distribution": "state_machine", "machine": {...}}`), one row per state entered.

The transitions are drawn from counter-based uniform numbers, a pure function of (seed,
table, parent row, step): the row counts (drawn for every parent first) and the blocks
(which redraw only their own parents) agree without storing any path, for any worker
count. The simulation is vectorized over parents; it loops over steps (at most
`max_events`), never over rows. Durations between events are drawn per block (the blocks
of such a fact hold whole parents), one stream per transition.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

import numpy as np
from pydantic import Field, model_validator

from datagen.engine.dslbase import Freq, Strict
from datagen.engine.generators.distribution import DistributionSpec
from datagen.engine.rng import stream

UNIT_SECONDS = {"s": 1, "min": 60, "h": 3600, "D": 86_400}
STATE_NAME = r"^[A-Za-z0-9_][A-Za-z0-9_ .-]*$"
StateName = Annotated[str, Field(pattern=STATE_NAME, max_length=60)]


class Transition(Strict):
    """From one state to another: its weight among the state's transitions, and how long
    after entering the state it happens."""

    to: StateName
    p: float = Field(gt=0, description="weight among the transitions of the state (normalized)")
    after: DistributionSpec = Field(
        default_factory=lambda: DistributionSpec(type="exponential", params={"scale": 1.0}),
        description="time spent in the state before this transition, in `unit`s (at least 1 s)",
    )
    unit: Freq = "h"


class State(Strict):
    to: list[Transition] = Field(
        default_factory=list, max_length=100, description="none: a terminal state"
    )


class StateMachine(Strict):
    """States, their transitions with probabilities and durations; terminal states end the
    path."""

    initial: StateName
    # keys checked by `_known_states` (a key pattern would make the JSON Schema's
    # `patternProperties`, which strict tool schemas cannot express)
    states: dict[Annotated[str, Field(max_length=60)], State] = Field(min_length=1, max_length=100)
    max_events: int = Field(
        50, ge=1, le=1000, description="a path that reaches no terminal state stops here"
    )

    @model_validator(mode="after")
    def _known_states(self) -> StateMachine:
        bad = sorted(name for name in self.states if not re.match(STATE_NAME, name))
        if bad:
            raise ValueError(f"state name(s) {bad}: letters, digits, _ . - and spaces")
        if self.initial not in self.states:
            raise ValueError(f"initial state `{self.initial}` is not one of `states`")
        for name, state in self.states.items():
            targets = [t.to for t in state.to]
            unknown = sorted(set(targets) - set(self.states))
            if unknown:
                raise ValueError(f"state `{name}` goes to unknown state(s) {unknown}")
            if len(set(targets)) != len(targets):
                raise ValueError(f"state `{name}` lists a transition twice")
        if not any(not s.to for s in self.states.values()):
            raise ValueError("a state machine needs a terminal state (one without `to`)")
        return self

    @property
    def names(self) -> list[str]:
        return list(self.states)

    def transition_cdf(self) -> np.ndarray:
        """(states x states) cumulative transition probabilities per from-state (a terminal
        state's row is all 1: it never moves)."""
        names = self.names
        probs = np.zeros((len(names), len(names)))
        for i, state in enumerate(self.states.values()):
            total = sum(t.p for t in state.to)
            for t in state.to:
                probs[i, names.index(t.to)] = t.p / total
        cdf = np.cumsum(probs, axis=1)
        cdf[:, -1] = 1.0
        return cdf

    def terminal(self) -> np.ndarray:
        return np.array([not s.to for s in self.states.values()])

    def allowed(self) -> np.ndarray:
        """(states x states): whether a transition from i to j is declared."""
        names = self.names
        out = np.zeros((len(names), len(names)), dtype=bool)
        for i, state in enumerate(self.states.values()):
            for t in state.to:
                out[i, names.index(t.to)] = True
        return out

    def transitions(self) -> list[tuple[int, int, Transition]]:
        names = self.names
        return [
            (i, names.index(t.to), t)
            for i, state in enumerate(self.states.values())
            for t in state.to
        ]


def machine_key(seed: int, table: str) -> np.uint64:
    return np.uint64(stream(seed, table, "__machine__").integers(0, 2**63 - 1))


def _uniforms(key: np.uint64, parents: np.ndarray, step: int) -> np.ndarray:
    """U(0, 1) per parent for this step: splitmix64 of (key, parent, step)."""
    with np.errstate(over="ignore"):
        x = key ^ (parents.astype(np.uint64) * np.uint64(1009) + np.uint64(step))
        x = x * np.uint64(0x9E3779B97F4A7C15) + np.uint64(0x632BE59BD9B4E019)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
    return (x >> np.uint64(11)).astype(np.float64) * 2.0**-53


def simulate(machine: StateMachine, key: np.uint64, parents: np.ndarray) -> np.ndarray:
    """(parents x max_events) state codes of each parent's path, -1 past its end."""
    n, steps = len(parents), machine.max_events
    cdf, terminal = machine.transition_cdf(), machine.terminal()
    paths = np.full((n, steps), -1, dtype=np.int16)
    current = np.full(n, machine.names.index(machine.initial), dtype=np.int64)
    alive = np.ones(n, dtype=bool)
    for step in range(steps):
        paths[alive, step] = current[alive]
        alive &= ~terminal[current]
        if step == steps - 1 or not alive.any():
            break
        rows = np.flatnonzero(alive)
        u = _uniforms(key, parents[rows], step)
        current[rows] = (u[:, None] >= cdf[current[rows]]).sum(axis=1).clip(0, len(cdf) - 1)
    return paths


def path_lengths(machine: StateMachine, key: np.uint64, parents: int, first: int = 0) -> np.ndarray:
    """Events per parent row first..first+parents-1, simulated in chunks (bounded memory)."""
    out = np.empty(parents, dtype=np.int64)
    chunk = max(1, (1 << 22) // machine.max_events)
    for start in range(0, parents, chunk):
        index = np.arange(start, min(parents, start + chunk), dtype=np.int64)
        out[index] = (simulate(machine, key, index + first) >= 0).sum(axis=1)
    return out


def length_pmf(machine: StateMachine) -> tuple[np.ndarray, np.ndarray]:
    """The exact distribution of the number of events (states entered) per parent."""
    names = machine.names
    probs = np.diff(np.concatenate([np.zeros((len(names), 1)), machine.transition_cdf()], axis=1))
    terminal = machine.terminal()
    probs[terminal] = 0.0
    mass = np.zeros(len(names))
    mass[names.index(machine.initial)] = 1.0
    out = np.zeros(machine.max_events + 1)
    for events in range(1, machine.max_events + 1):
        ending = mass[terminal].sum()
        if events == machine.max_events:
            out[events] = mass.sum()
            break
        out[events] = ending
        mass = np.where(terminal, 0.0, mass) @ probs
    values = np.flatnonzero(out > 0)
    return values.astype(np.int64), out[values] / out[values].sum()


def seconds_after(transition: Transition, rng: np.random.Generator, n: int) -> np.ndarray:
    """Durations of n transitions in whole seconds, at least 1 (timestamps strictly grow)."""
    from datagen.engine.generators.distribution import sample

    seconds = sample(transition.after, rng, n) * UNIT_SECONDS[transition.unit]
    return np.maximum(np.rint(np.nan_to_num(seconds, nan=1.0)), 1).astype(np.int64)


__all__: list[Any] = [
    "StateMachine",
    "Transition",
    "length_pmf",
    "machine_key",
    "path_lengths",
    "seconds_after",
    "simulate",
]
