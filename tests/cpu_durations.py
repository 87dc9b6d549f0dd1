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
_children: dict[str, float] = defaultdict(float)  # the part spent in child processes


def _cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


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
    start = _cpu_seconds(resource.RUSAGE_SELF), _cpu_seconds(resource.RUSAGE_CHILDREN)
    try:
        return (yield)
    finally:
        children = _cpu_seconds(resource.RUSAGE_CHILDREN) - start[1]
        _children[item.nodeid] += children
        _cpu[item.nodeid] += _cpu_seconds(resource.RUSAGE_SELF) - start[0] + children


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    count = config.getoption("cpu_durations")
    if not count or not _cpu:
        return
    modules: dict[str, float] = defaultdict(float)
    module_children: dict[str, float] = defaultdict(float)
    for nodeid, seconds in _cpu.items():
        modules[nodeid.split("::")[0]] += seconds
        module_children[nodeid.split("::")[0]] += _children[nodeid]
    write = terminalreporter.write_line
    terminalreporter.section(
        f"CPU seconds: {sum(_cpu.values()):.1f} in {len(_cpu)} tests, "
        f"{sum(_children.values()):.1f} of them in child processes"
    )
    for title, total, children in (
        ("tests", _cpu, _children),
        ("modules", modules, module_children),
    ):
        write(f"slowest {count} {title} (CPU s, of which in children):")
        for name, seconds in sorted(total.items(), key=lambda kv: -kv[1])[:count]:
            write(f"{seconds:8.2f} {children[name]:7.2f}  {name}")
