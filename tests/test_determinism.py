"""Two builds of the same input are byte-identical in every format, whatever the hash seed.

Python salts ``hash()`` of strings per process (``PYTHONHASHSEED``), so iterating a
set, or a dict filled from one, gives a different order in every process; inside one
process two builds would agree and hide it. Each build here therefore runs in its
own process with its own seed: ``kg build`` to every RDF format and to standard
output, then ``kg export`` of the built Turtle to every export format. Every file
must come out byte for byte the same. (The HTML view is checked elsewhere.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.demo import examples_dir
from kg.rdf.export import FORMATS

pytestmark = pytest.mark.slow

SEEDS = ("1", "2")

TRICKY = (
    "Dr Nadia Okafor, the director of Kestrel Labs, met Tomás Ruiz in Porto on Monday. "
    "Ms Okafor said: “The results were better than we hoped.” Tomás Ruiz wrote to "
    "Nadia Okafor a week later.\n\n"
    "Shira Ben-David \u200f(שירה)\u200e and Kenji 😀 Sato visited Kestrel Labs in Porto. "
    'A spokesman for Kestrel <Partners> & Co said: "We will publish every figure."\n\n'
    "Tomás Ruiz criticised Kestrel Labs.\x0c Nadia Okafor met Kenji Sato and Shira Ben-David.\n"
)
"""Names with accents, RTL marks, an emoji, markup characters and a form feed."""

# One process per seed runs every command through the real CLI entry point, the
# model loaded once; a failing command ends the process with a non-zero status.
DRIVER = """
import json, sys
from kg.cli.main import cli
for args in json.loads(sys.argv[1]):
    try:
        cli.main(args, prog_name="kg", standalone_mode=False)
    except SystemExit as exc:
        if exc.code:
            raise
"""

BUILD_FORMATS = ("ttl", "trig", "nt", "jsonld")


def _commands(inputs: list[str], out: Path) -> list[list[str]]:
    builds = [["build", *inputs, "-o", str(out / f"build.{fmt}")] for fmt in BUILD_FORMATS]
    exports = [
        ["export", str(out / "build.ttl"), "-f", fmt, "-o", str(out / f"export.{fmt}")]
        for fmt in FORMATS
    ]
    return [*builds, *exports, ["build", *inputs]]  # the last one to standard output


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """For each seed, every file its process wrote (and its standard output), by name."""
    base = tmp_path_factory.mktemp("determinism")
    tricky = base / "tricky.txt"
    tricky.write_text(TRICKY, encoding="utf-8")
    inputs = [str(examples_dir()), str(tricky)]
    runs = {}
    for seed in SEEDS:
        out = base / f"seed-{seed}"
        out.mkdir()
        env = {**os.environ, "PYTHONHASHSEED": seed}
        command = [sys.executable, "-c", DRIVER, json.dumps(_commands(inputs, out))]
        runs[seed] = (
            out,
            subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE),
        )
    results: dict[str, dict[str, bytes]] = {}
    for seed, (out, process) in runs.items():
        stdout, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr.decode("utf-8", "replace")
        files = {path.name: path.read_bytes() for path in sorted(out.iterdir())}
        files["stdout.ttl"] = stdout
        results[seed] = files
    return results


NAMES = [
    *(f"build.{fmt}" for fmt in BUILD_FORMATS),
    *(f"export.{fmt}" for fmt in FORMATS),
    "stdout.ttl",
]


@pytest.mark.parametrize("name", NAMES)
def test_output_is_byte_identical_across_processes(
    outputs: dict[str, dict[str, bytes]], name: str
) -> None:
    first, *others = (outputs[seed][name] for seed in SEEDS)
    assert len(first) > 1000  # a real graph, not an empty file
    for seed, other in zip(SEEDS[1:], others, strict=True):
        assert other == first, f"{name} differs between PYTHONHASHSEED={SEEDS[0]} and {seed}"


def test_every_format_was_written(outputs: dict[str, dict[str, bytes]]) -> None:
    expected = {f"build.{fmt}" for fmt in BUILD_FORMATS} | {f"export.{fmt}" for fmt in FORMATS}
    for files in outputs.values():
        assert expected | {"stdout.ttl"} == set(files)


def test_build_to_stdout_is_the_turtle_file(outputs: dict[str, dict[str, bytes]]) -> None:
    files = outputs[SEEDS[0]]
    assert files["stdout.ttl"] == files["build.ttl"]
    assert files["export.ttl"] == files["build.ttl"]  # reading and rewriting changes nothing
