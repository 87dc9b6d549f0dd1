"""The HTML report opens in a real browser: headless Chromium renders it and takes a screenshot.

Chromium comes from Debian's packages: when it is missing and this runs as
root with apt-get, the set-up installs it (`apt-get install -y chromium`);
otherwise, or when that fails, the test is skipped with the reason. Nothing
is downloaded from anywhere else. The browser runs with a fresh profile, no
background networking, and every host name mapped to nowhere, so a page that
tried to load anything from outside could not.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest
from PIL import Image

from datagen.engine.execute import generate_dataset
from datagen.engine.htmlreport import write_html_report
from datagen.engine.load import load_dataset
from datagen.engine.validate import validate_dataset

ROOT = Path(__file__).resolve().parent.parent
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
WIDTH, HEIGHT = 1280, 1600
INSTALL_TIMEOUT = 900
RUN_TIMEOUT = 120

pytestmark = pytest.mark.slow


def _find_browser() -> str | None:
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


@cache
def _browser_or_reason() -> tuple[str | None, str]:
    found = _find_browser()
    if found:
        return found, ""
    if os.environ.get("DATAGEN_NO_BROWSER_INSTALL"):
        return None, "Chromium is not installed and DATAGEN_NO_BROWSER_INSTALL is set"
    if not shutil.which("apt-get"):
        return None, "Chromium is not installed and there is no apt-get to install it"
    if os.geteuid() != 0:
        return None, "Chromium is not installed and installing it needs root (apt-get)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, env=env
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return None, f"cannot install Chromium from Debian's packages: {exc}"
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:]
            return None, f"`{' '.join(command)}` failed: {' '.join(tail)}"
    found = _find_browser()
    return (found, "") if found else (None, "apt-get installed no chromium executable")


@pytest.fixture(scope="module")
def browser() -> str:
    path, reason = _browser_or_reason()
    if path is None:
        pytest.skip(reason)
    return path


@pytest.fixture(scope="module")
def bank_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    data = tmp_path_factory.mktemp("bank") / "data"
    dataset = load_dataset(ROOT / "examples" / "bank.json")
    generate_dataset(dataset, data, seed=5, fmt="parquet", scale=0.05)
    report = validate_dataset(dataset, data)
    return write_html_report(dataset, data, report), report.score


def _chromium(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )


def test_renders_in_headless_chromium(
    browser: str, bank_report: tuple[Path, float], tmp_path: Path
) -> None:
    page, score = bank_report
    shot = tmp_path / "shot.png"
    done = _chromium(
        browser,
        tmp_path / "profile",
        f"--window-size={WIDTH},{HEIGHT}",
        f"--screenshot={shot}",
        page.as_uri(),
    )
    assert shot.is_file(), done.stderr[-2000:]
    with Image.open(shot) as image:
        assert image.size == (WIDTH, HEIGHT)
        pixels = image.convert("RGB").resize((WIDTH // 4, HEIGHT // 4))
        colours = pixels.getcolors(maxcolors=1 << 16) or []
        white = sum(n for n, rgb in colours if min(rgb) > 245)
        total = pixels.width * pixels.height
    # a rendered page: many colours (text, bars, plots) and a good share of ink
    assert len(colours) > 50
    assert white < 0.97 * total
    assert score >= 0


def test_dom_holds_the_score(browser: str, bank_report: tuple[Path, float], tmp_path: Path) -> None:
    page, score = bank_report
    done = _chromium(browser, tmp_path / "profile", "--dump-dom", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    assert f'<span class="score-value">{score:.1f}</span>' in done.stdout
    assert 'id="datagen-report"' in done.stdout
