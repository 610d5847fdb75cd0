"""Every snippet of the README runs as written: the Python example, each CLI command, the JSON schema's keys.

The commands run from a fresh folder holding small stand-ins for the files the README calls yours (``my-logo.png``,
``registry.csv``, ``more.csv``, ``queries.csv``), against the demo index built into the test session's own cache.
Commands that start a server, run the test suite itself, install packages or need the sweep's listings are skipped,
each kind with its reason, and the test checks that nothing else was skipped.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shlex
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
FENCE = re.compile(r"```(\w+)\n(.*?)```", re.S)

SKIP = {
    "pip install": "installs packages: the suite runs on the installed package already",
    "pytest": "the test suite itself",
    "similarity serve": "starts a server (tests/service/ covers it)",
    "similarity sweep": "needs a marketplace listings file and a Dask cluster (tests/sweep/ covers it)",
    "benchmarks.run": "a benchmark run of minutes (benchmarks/ has its own commands)",
}

pytestmark = pytest.mark.slow


def blocks(language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(README) if lang == language]


def commands() -> list[str]:
    """Each shell command of the README, comments dropped, ``a && b`` split."""
    out = []
    for block in blocks("bash"):
        for line in block.splitlines():
            line = re.sub(r"\s+#\s.*$", "", line).strip()
            if line and not line.startswith("#"):
                out.extend(part.strip() for part in line.split("&&"))
    return out


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    from similarity.image.load import load_logo

    d = tmp_path_factory.mktemp("readme")
    load_logo("simple-icons:github").save(d / "my-logo.png")
    (d / "registry.csv").write_text(
        "id,name,owner,classes,status,logo\n"
        "IDM000123456,Geprek Bensu,PT Bensu,43,registered,\n"
        "IDM000654321,GoodMilk,CV Susu,29;32,pending,\n"
        "IDM000111222,GitHub,GitHub Inc,9;42,registered,simple-icons:github\n", encoding="utf-8")
    (d / "more.csv").write_text("id,name,classes\nIDM000777777,Kopi Kenangan,30;43\n", encoding="utf-8")
    (d / "queries.csv").write_text("name,classes,logo\nGudMilq,29,\nI Am Geprek Bensu,43,\n,9,my-logo.png\n",
                                   encoding="utf-8")
    return d


def test_python_example_runs_as_written(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (code,) = blocks("python")
    monkeypatch.chdir(workdir)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), warnings.catch_warnings():
        warnings.simplefilter("error")  # the example itself raises no warning
        exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    lines = printed.getvalue().splitlines()
    risk, _, matches = lines[0].partition(" ")
    assert risk in ("high", "medium", "low", "clear") and "Geprek Bensu" in matches
    assert json.loads(lines[1])["verdict"]["risk"] == risk
    labels = {"high": "tinggi", "medium": "sedang", "low": "rendah", "clear": "aman"}
    assert lines[2] == f"{labels[risk]} {risk}" and risk in ("high", "medium")  # GEPREK BENSU is a real dispute
    assert lines[3].startswith("[(29, ") and "(30, " in lines[3]


def test_shell_commands_run_as_written(workdir: Path) -> None:
    skipped, ran = [], []
    env = {**os.environ, "COLUMNS": "100", "PYTHONPATH": str(ROOT)}  # this checkout, not an installed copy
    for command in commands():
        reason = next((why for key, why in SKIP.items() if key in command), None)
        if reason:
            skipped.append(command)
            continue
        argv = shlex.split(command)
        if argv[0] == "similarity":
            argv = [sys.executable, "-m", "similarity.cli", *argv[1:]]
        r = subprocess.run(argv, cwd=workdir, env=env, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, f"{command}\n{r.stdout}\n{r.stderr}"
        if "--json" in argv:
            assert all(json.loads(line) for line in r.stdout.splitlines() if line.strip()), command
        ran.append(command)
    assert any("check" in c for c in ran) and any("index build" in c for c in ran)
    assert len(ran) >= 15, ran
    assert (workdir / "report.html").read_text(encoding="utf-8").startswith("<!doctype html")
    assert (workdir / "hasil.csv").read_bytes().startswith("\ufeff".encode())
    kinds = {next(k for k in SKIP if k in c) for c in skipped}
    assert kinds == set(SKIP), f"skipped {skipped}"


def _keys(obj: object, prefix: str = "") -> set[str]:
    if isinstance(obj, dict):
        return set().union(*({f"{prefix}{k}"} | _keys(v, f"{prefix}{k}.") for k, v in obj.items()))
    if isinstance(obj, list) and obj:
        return _keys(obj[0], prefix)
    return set()


def test_json_schema_shown_is_what_check_prints() -> None:
    (schema,) = blocks("json")
    # which factors there are is the verdict model's business (issue 18); the rest of the schema is checked both ways
    factors = "matches.factors."
    documented = {k for k in _keys(json.loads(schema)) if not k.startswith(factors)}
    r = subprocess.run([sys.executable, "-m", "similarity.cli", "check", "GudMilq", "--class", "29", "--json",
                        "--quiet"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    real = {k for k in _keys(json.loads(r.stdout)) if not k.startswith(factors)}
    assert documented <= real, documented - real
    missing = {k for k in real - documented if not k.startswith(("registry.", "matches.detail"))}
    assert not missing, f"printed but not documented: {missing}"
