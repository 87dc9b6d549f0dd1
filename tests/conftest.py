"""Suite-wide guards (no test reaches the network or reads a real API key) and the
session fixtures shared by several modules (a PostgreSQL server, the generated examples)."""

from __future__ import annotations

import ipaddress
import signal
import socket
import types
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from tests import cli_helpers

if TYPE_CHECKING:
    from tests.example_runs import ExampleRun

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_local(address: Any) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = address[0] if isinstance(address, tuple) and address else ""
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class NetworkAccessError(RuntimeError):
    pass


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    if not _is_local(address):
        raise NetworkAccessError(f"a test tried to connect to {address!r}: the network is off")
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> Any:
    if not _is_local(address):
        raise NetworkAccessError(f"a test tried to connect to {address!r}: the network is off")
    return _real_connect_ex(self, address)


# --------------------------------------------------------------------------- make test-fast

# `make test-fast` runs `-m "not slow and not heavy"`: the inner loop (about 75 CPU s). A test is
# marked `heavy` here, not by hand, when its code starts a process (`datagen(...)` of
# tests/cli_helpers, subprocess, pexpect, a signal) or renders an HTML report (matplotlib),
# when it uses a fixture that needs a server or the examples at full size, or when its module
# runs whole pipelines case after case.
HEAVY_NAMES = frozenset(
    {"subprocess", "Popen", "pexpect", "datagen", "DATAGEN", "spawn", "kill", "send_signal",
     "signal", "html_report", "html_report_for_tables", "run_dataset"}
)  # fmt: skip
HEAVY_STRINGS = frozenset({"--html"})  # the CLI flag that renders the HTML report
HEAVY_FIXTURES = frozenset(
    {"postgres_server", "example_run", "chat_server", "wheel", "written", "several"}
)
HEAVY_MODULES = frozenset(
    {
        "test_offline_evals.py",  # every eval case through the offline author (~25 CPU s)
        "test_offline_lexicon.py",  # every lexicon entry generated and validated
        "test_offline_claims_honoured.py",  # offline create runs
        "test_offline_author.py",  # blueprints generated and scored
        "test_tpch.py",  # TPC-H data and the 22 queries
        "test_fuzz_schemas.py",
        "test_scale_parts.py",  # partitioned runs for 1, 2 and 4 workers
        "test_scale_remote.py",
    }
)


def _names(code: types.CodeType) -> set[str]:
    """The global and attribute names and the string constants of a function's code (and of
    the code nested in it)."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names(const)
        elif isinstance(const, str):
            names.add(const)
    return names


def _is_heavy(item: pytest.Item) -> bool:
    if item.path.name in HEAVY_MODULES or HEAVY_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    function = getattr(item, "function", None)
    if function is None:
        return False
    names = _names(function.__code__)
    # `from tests.cli_helpers import run_cli as datagen` at the top of a module: in-process
    module = getattr(item, "module", None)
    if getattr(module, "datagen", cli_helpers.datagen) is not cli_helpers.datagen:
        names.discard("datagen")
    return bool((HEAVY_NAMES | HEAVY_STRINGS) & names)


# --------------------------------------------------------------------------- pytest -n 2

# `make test` runs `pytest -n 2 --dist loadfile` (pytest-xdist): a worker gets a whole module,
# so that a module's fixtures are built once. The modules below share more than a module: a
# session fixture that costs seconds. Each group goes to one worker as one unit: one
# PostgreSQL server (one install on a fresh machine), one generation of the examples.
# tests/test_test_markers.py checks that every module using these fixtures is listed.
SHARED_FIXTURE_GROUPS = {"postgres_server": "postgres", "example_run": "examples"}
MODULE_GROUPS = {
    "test_decimals.py": "postgres",
    "test_formats_postgres.py": "postgres",
    "test_hostile_sweep.py": "postgres",
    "test_examples.py": "examples",
    "test_examples_real_schemas.py": "examples",
    "test_keys_examples.py": "examples",
    "test_report_html.py": "examples",
}


def module_group(nodeid: str) -> str:
    """The unit of work of a test for `--dist loadfile`: its module, or its module's group."""
    module = nodeid.split("::", 1)[0]
    return MODULE_GROUPS.get(module.rsplit("/", 1)[-1], module)


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: pytest without it runs as well
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getvalue("dist") != "loadfile":
        return None  # another --dist: pytest-xdist's own
    from xdist.scheduler import LoadScopeScheduling

    class ModuleGroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return module_group(nodeid)

    return ModuleGroupScheduling(config, log)


def pytest_configure(config: pytest.Config) -> None:
    # A shell starts a background job (`pytest ... &`) with SIGINT ignored, and an ignored
    # signal stays ignored in every child: the tests that press Ctrl-C on a `datagen` they
    # start would see it run to the end. The children get Python's usual Ctrl-C, whatever
    # started pytest.
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "heavy" not in (config.getoption("markexpr", "") or ""):
        return  # only `-m` expressions that name it pay for the look
    for item in items:
        if _is_heavy(item):
            item.add_marker(pytest.mark.heavy)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)
    for var in (
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_AUTH_TOKEN",
        "ANTHROPIC_BASE_URL",
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
    ):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(autouse=True)
def _no_inherited_terminal_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pytest-xdist worker has COLUMNS=80 and LINES=24 in its environment, which a plain
    pytest process has not; Rich prefers them to a pseudo-terminal's real size, so a child's
    output (and a test's verdict) would depend on how pytest was started."""
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """One PostgreSQL server for the session (tests/postgres_server.py): a DSN."""
    from tests.postgres_server import running_server

    yield from running_server()


# --------------------------------------------------------------------------- the examples, once


@pytest.fixture(scope="session")
def example_run(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], ExampleRun]:
    """`example_run("shop")`: examples/shop.json generated once for the whole session
    (tests/example_runs.py); the modules that use it only read the files."""
    from tests.example_runs import generate_example

    runs: dict[str, ExampleRun] = {}

    def get(name: str) -> ExampleRun:
        if name not in runs:
            runs[name] = generate_example(name, tmp_path_factory.mktemp(f"example-{name}"))
        return runs[name]

    return get
