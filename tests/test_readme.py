"""The README's worked example shows what kg really prints."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]


def _worked_example() -> list[tuple[str, str]]:
    """``(command, output)`` pairs of the first console block under "A worked example"."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## A worked example", 1)[1]
    block = re.search(r"```console\n(.*?)```", section, re.DOTALL)
    assert block is not None, "README: no console block under 'A worked example'"
    pairs: list[tuple[str, str]] = []
    lines = block.group(1).splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.startswith("$ "):
            continue
        command = line[2:]
        while command.count('"') % 2:  # a quoted argument over several lines
            command += "\n" + lines[i]
            i += 1
        output = []
        while i < len(lines) and lines[i] and not lines[i].startswith("$ "):
            output.append(lines[i])
            i += 1
        pairs.append((command, "\n".join(output)))
    return pairs


def test_the_worked_example_is_parsed() -> None:
    commands = [c.split()[1] for c, _ in _worked_example()]
    assert commands[:3] == ["build", "query", "query"]


@pytest.mark.slow
def test_the_worked_example_output_is_what_kg_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "examples").mkdir()
    shutil.copy(ROOT / "examples" / "politics.txt", tmp_path / "examples" / "politics.txt")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for command, shown in _worked_example():
        words = shlex.split(command.split("  #")[0])
        if words[1] not in ("build", "query"):
            continue  # view, stats and export show no output in the README
        result = runner.invoke(cli, words[1:])
        assert result.exit_code == 0, result.output
        assert result.output.rstrip("\n") == shown, f"$ {command}\n{result.output}"
