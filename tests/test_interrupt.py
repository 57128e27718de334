"""Interrupted builds leave the previous output whole (README, Safety: output files).

A ``kg build`` in a subprocess is killed with SIGKILL at moments spread over its
run and at each step of writing the output (half the bytes written, before the
fsync, before the rename), and stopped with SIGINT (Ctrl-C) at each step. The
output file must afterwards be byte for byte the previous one, or, if the build
had finished, the complete new one; SIGINT must exit 130 with one line and leave
no temporary file. The steps are reached deterministically: a small driver wraps
the I/O boundary (``os.fdopen``, ``os.fsync``, ``os.replace``, spaCy's
``Language.pipe``) in the child so that it announces each step and waits there.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib

from kg.demo import examples_dir
from kg.io import atomic_write, atomic_writer

#: The child: what ``kg``'s console script runs (its entry point, looked up as the script
#: does), with an optional hook that announces a step by writing its name to
#: $KG_TEST_MARK and then waits there to be killed.
DRIVER = r"""
import os, sys, time

HOOK = os.environ.get("KG_TEST_HOOK", "")
MARK = os.environ.get("KG_TEST_MARK", "")


def arrive(step):
    if step == HOOK:
        with open(MARK + ".part", "w") as fh:
            fh.write(step)
        os.replace(MARK + ".part", MARK)
        time.sleep(600)


def from_kg_io():
    return sys._getframe(2).f_code.co_filename.endswith(os.path.join("kg", "io.py"))


if HOOK == "import":
    import importlib.abc

    class Announce(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "kg.pipeline":
                arrive("import")
            return None

    sys.meta_path.insert(0, Announce())
elif HOOK:
    real_fdopen, real_fsync, real_replace = os.fdopen, os.fsync, os.replace

    class HalfThenWait:
        def __init__(self, fh):
            self._fh = fh

        def write(self, data):
            half = len(data) // 2
            self._fh.write(data[:half])
            self._fh.flush()
            arrive("write")
            return self._fh.write(data[half:])

        def __getattr__(self, name):
            return getattr(self._fh, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self._fh.__exit__(*exc)

    def fdopen(*args, **kwargs):
        fh = real_fdopen(*args, **kwargs)
        return HalfThenWait(fh) if from_kg_io() else fh

    def fsync(fd):
        if from_kg_io():
            arrive("fsync")
        return real_fsync(fd)

    def replace(*args, **kwargs):
        if from_kg_io():
            arrive("replace")
        return real_replace(*args, **kwargs)

    os.fdopen, os.fsync, os.replace = fdopen, fsync, replace

    import spacy, spacy.language

    real_load, real_pipe = spacy.load, spacy.language.Language.pipe

    def load(*args, **kwargs):
        arrive("model")
        return real_load(*args, **kwargs)

    def pipe(self, *args, **kwargs):
        for count, item in enumerate(real_pipe(self, *args, **kwargs)):
            if count == 2:
                arrive("parse")
            yield item

    spacy.load, spacy.language.Language.pipe = load, pipe

from importlib.metadata import entry_points

(script,) = entry_points(group="console_scripts", name="kg")
sys.exit(script.load()())
"""

TEMP_NAME = re.compile(r"^\.out\.ttl\.[0-9a-f]{8}\.tmp$")


@dataclass(frozen=True)
class Setup:
    """Inputs, the bytes of a previous output, and those a complete build writes."""

    corpus: Path  # ten documents: a build long enough to spread kills over
    note: Path  # one document: a quick build for the tests that stop at a step
    old: bytes  # the previous output
    new: bytes  # what building the corpus writes
    new_note: bytes  # what building the note writes
    duration: float  # of one build of the corpus, to spread kills over (never asserted on)


def start_build(corpus: Path, out: Path, hook: str = "") -> tuple[subprocess.Popen[str], Path]:
    mark = out.parent / "step-reached"
    env = {**os.environ, "KG_TEST_HOOK": hook, "KG_TEST_MARK": str(mark)}
    child = subprocess.Popen(
        [sys.executable, "-c", DRIVER, "build", str(corpus), "-o", str(out)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="backslashreplace",
    )
    return child, mark


def wait_for(mark: Path, child: subprocess.Popen[str]) -> None:
    """Wait until the child has reached its hook (it then sleeps until signalled)."""
    while not mark.exists():
        if child.poll() is not None:
            pytest.fail(f"the build ended before its hook: {child.communicate()}")
        time.sleep(0.01)


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Setup:
    root = tmp_path_factory.mktemp("interrupt")
    corpus = root / "corpus"
    for copy in ("a", "b"):
        # The articles only: examples/news/answers.json would add a "skipped" warning.
        shutil.copytree(examples_dir(), corpus / copy, ignore=shutil.ignore_patterns("*.json"))
    small = root / "small.txt"
    small.write_text("Ann Smith works for Acme Corporation.\n", encoding="utf-8")
    note = root / "note.txt"
    note.write_text("Lena Park works for Orbis Labs.\n", encoding="utf-8")
    outputs = []
    for source in (small, corpus, note):
        out = root / f"{source.stem}.ttl"
        began = time.monotonic()
        child, _ = start_build(source, out)
        _, err = child.communicate(timeout=600)
        assert child.returncode == 0, err
        outputs.append((out.read_bytes(), time.monotonic() - began))
    (old, _), (new, duration), (new_note, _) = outputs
    assert len({old, new, new_note}) == 3
    return Setup(corpus, note, old, new, new_note, duration)


@pytest.fixture
def out(tmp_path: Path, setup: Setup) -> Path:
    """The previous output, written by kg, that an interrupted build must leave alone."""
    path = tmp_path / "out.ttl"
    path.write_bytes(setup.old)
    return path


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name not in (out.name, "step-reached"))


# --------------------------------------------------------------------------- SIGKILL


@pytest.mark.slow
@pytest.mark.parametrize("fraction", [0.15, 0.45, 0.75, 1.05])
def test_sigkill_at_any_moment_leaves_the_old_file_or_the_whole_new_one(
    setup: Setup, out: Path, fraction: float
) -> None:
    child, _ = start_build(setup.corpus, out)
    time.sleep(setup.duration * fraction)
    child.kill()
    child.communicate(timeout=600)
    data = out.read_bytes()
    assert data in (setup.old, setup.new)
    if data == setup.new:
        assert len(rdflib.Graph().parse(data=data, format="turtle")) > 500
    assert all(TEMP_NAME.match(name) for name in leftovers(out))


@pytest.mark.slow
@pytest.mark.parametrize("step", ["write", "fsync", "replace"])
def test_sigkill_while_writing_leaves_the_old_file(setup: Setup, out: Path, step: str) -> None:
    child, mark = start_build(setup.note, out, hook=step)
    wait_for(mark, child)
    child.kill()
    child.communicate(timeout=600)
    assert out.read_bytes() == setup.old
    # The half-written file is the only trace: hidden, named after the output, ".tmp".
    [temporary] = leftovers(out)
    assert TEMP_NAME.match(temporary)
    written = (out.parent / temporary).read_bytes()
    assert written and setup.new_note.startswith(written)


# --------------------------------------------------------------------------- SIGINT (Ctrl-C)


@pytest.mark.slow
@pytest.mark.parametrize("step", ["model", "parse", "write", "replace"])
def test_ctrl_c_stops_cleanly_and_leaves_the_old_file(setup: Setup, out: Path, step: str) -> None:
    child, mark = start_build(setup.corpus if step == "parse" else setup.note, out, hook=step)
    wait_for(mark, child)
    child.send_signal(signal.SIGINT)
    stdout, stderr = child.communicate(timeout=600)
    assert child.returncode == 130
    assert stderr == "kg: interrupted\n"
    assert stdout == ""
    assert out.read_bytes() == setup.old
    assert leftovers(out) == []


@pytest.mark.slow
def test_ctrl_c_while_starting_up_stops_cleanly(setup: Setup, out: Path) -> None:
    child, mark = start_build(setup.note, out, hook="import")
    wait_for(mark, child)
    child.send_signal(signal.SIGINT)
    _, stderr = child.communicate(timeout=600)
    assert out.read_bytes() == setup.old
    assert (child.returncode, stderr) == (130, "kg: interrupted\n")


# --------------------------------------------------------------------------- kg.io itself


def test_failure_while_writing_keeps_the_old_file_and_removes_the_temporary(
    tmp_path: Path,
) -> None:
    target = tmp_path / "out.ttl"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), atomic_writer(target) as fh:
        fh.write("half of the new")
        raise KeyboardInterrupt
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


def test_the_temporary_file_is_hidden_beside_the_target(tmp_path: Path) -> None:
    seen: list[str] = []
    with atomic_writer(tmp_path / "sub" / "out.ttl", binary=True) as fh:
        seen = [p.name for p in (tmp_path / "sub").iterdir()]
        fh.write(b"new")
    assert len(seen) == 1 and TEMP_NAME.match(seen[0])
    assert [p.name for p in (tmp_path / "sub").iterdir()] == ["out.ttl"]


def test_replacing_a_file_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "private.ttl"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o600)
    atomic_write(target, "new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    target.chmod(0o664)
    atomic_write(target, b"newer")
    assert stat.S_IMODE(target.stat().st_mode) == 0o664
    assert target.read_bytes() == b"newer"


@pytest.fixture
def umask() -> Iterator[None]:
    previous = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.usefixtures("umask")
def test_a_new_file_gets_the_permissions_the_umask_gives(tmp_path: Path) -> None:
    atomic_write(tmp_path / "new.ttl", "new")
    assert stat.S_IMODE((tmp_path / "new.ttl").stat().st_mode) == 0o640


def test_an_unwritable_folder_is_reported_with_the_target_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(path: str, flags: int, mode: int = 0o777) -> int:
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(PermissionError) as info:
        atomic_write(tmp_path / "out.ttl", "new")
    assert info.value.filename == str(tmp_path / "out.ttl")
