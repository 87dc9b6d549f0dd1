"""CPU seconds per test, for a shared machine where wall times mislead.

`pytest -p tests.cpu_durations --cpu-durations=40 ...` prints, after the run, the tests and
the modules that used the most CPU (user + sys of the pytest process and of every child it
waited for, setup + call + teardown, from `getrusage`). A session fixture's cost lands on
the first test that asks for it. Without xdist only: each worker would count its own.
"""

from __future__ import annotations

import resource
from collections import defaultdict
from collections.abc import Generator

import pytest

_cpu: dict[str, float] = defaultdict(float)


def _cpu_seconds() -> float:
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--cpu-durations",
        type=int,
        default=0,
        metavar="N",
        help="show the N tests and modules that used the most CPU seconds",
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    start = _cpu_seconds()
    try:
        return (yield)
    finally:
        _cpu[item.nodeid] += _cpu_seconds() - start


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    count = config.getoption("cpu_durations")
    if not count or not _cpu:
        return
    modules: dict[str, float] = defaultdict(float)
    for nodeid, seconds in _cpu.items():
        modules[nodeid.split("::")[0]] += seconds
    write = terminalreporter.write_line
    terminalreporter.section(f"CPU seconds: {sum(_cpu.values()):.1f} in {len(_cpu)} tests")
    for title, table in (("tests", _cpu), ("modules", modules)):
        write(f"slowest {count} {title}:")
        for name, seconds in sorted(table.items(), key=lambda kv: -kv[1])[:count]:
            write(f"{seconds:8.2f}  {name}")
