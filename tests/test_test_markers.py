"""`make test-fast` leaves out what tests/conftest.py marks `heavy`: the look at a test's code."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tests import cli_helpers, conftest


def _through_the_executable(tmp: Any) -> None:
    from tests.cli_helpers import datagen

    datagen("generate", "example:shop", "--out", str(tmp))


def _in_process(tmp: Any) -> None:
    from tests.cli_helpers import run_cli

    run_cli("generate", "example:shop", "--out", str(tmp))


def _nested_html(tmp: Any) -> None:
    def inner() -> None:
        from tests.cli_helpers import run_cli

        run_cli("generate", "example:shop", "--out", str(tmp), "--html")

    inner()


def _item(
    function: Any, name: str = "test_x.py", fixtures: tuple[str, ...] = (), module: Any = None
) -> Any:
    return SimpleNamespace(
        function=function, path=SimpleNamespace(name=name), fixturenames=fixtures, module=module
    )


def _module_level_name(tmp: Any) -> None:
    datagen("generate", "example:shop", "--out", str(tmp))  # type: ignore[name-defined]  # noqa: F821


def test_a_process_a_report_a_fixture_or_a_module_makes_a_test_heavy() -> None:
    assert conftest._is_heavy(_item(_through_the_executable))
    assert not conftest._is_heavy(_item(_in_process))
    assert conftest._is_heavy(_item(_nested_html))  # the flag, in a nested function
    assert conftest._is_heavy(_item(_in_process, fixtures=("tmp_path", "postgres_server")))
    assert conftest._is_heavy(_item(_in_process, name="test_offline_evals.py"))
    # a module's own `datagen`: the executable, or `run_cli as datagen` (in-process)
    real = SimpleNamespace(datagen=cli_helpers.datagen)
    assert conftest._is_heavy(_item(_module_level_name, module=real))
    in_process = SimpleNamespace(datagen=cli_helpers.run_cli)
    assert not conftest._is_heavy(_item(_module_level_name, module=in_process))


def test_only_an_expression_that_names_heavy_pays_for_the_look() -> None:
    class Config:
        def __init__(self, expression: str) -> None:
            self.expression = expression

        def getoption(self, name: str, default: Any = None) -> Any:
            return self.expression if name == "markexpr" else default

    added: list[str] = []
    item = SimpleNamespace(**vars(_item(_through_the_executable)))
    item.add_marker = lambda mark: added.append(mark.name)
    conftest.pytest_collection_modifyitems(Config("not slow"), [item])  # type: ignore[arg-type]
    assert added == []
    conftest.pytest_collection_modifyitems(Config("not slow and not heavy"), [item])  # type: ignore[arg-type]
    assert added == ["heavy"]


def _functions_taking(fixture: str) -> set[str]:
    """The test modules with a function (a test or a fixture) that asks for `fixture`."""
    import ast
    from pathlib import Path

    found = set()
    for path in sorted(Path(conftest.__file__).parent.glob("test_*.py")):
        text = path.read_text(encoding="utf-8")
        if fixture not in text:
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if fixture in {a.arg for a in node.args.args + node.args.kwonlyargs}:
                    found.add(path.name)
    return found


def test_every_module_sharing_a_costly_session_fixture_is_in_its_xdist_group() -> None:
    """`pytest -n 2 --dist loadfile` keeps these modules on one worker (tests/conftest.py):
    a module missing from MODULE_GROUPS would start a second server or generate the examples
    again on the other worker."""
    for fixture, group in conftest.SHARED_FIXTURE_GROUPS.items():
        users = _functions_taking(fixture) - {"test_test_markers.py"}
        assert users, fixture
        listed = {name for name, g in conftest.MODULE_GROUPS.items() if g == group}
        assert users == listed, f"{fixture}: MODULE_GROUPS should list {sorted(users)} as {group!r}"
    assert conftest.module_group("tests/test_report_html.py::test_x[bank]") == "examples"
    assert conftest.module_group("tests/test_cli.py::test_x") == "tests/test_cli.py"
