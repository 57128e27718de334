"""Atomic file output: a reader sees the old file or the new one, never half of either.

The new content goes to a temporary file beside the target, named
``.<target name>.<8 hex digits>.tmp`` (hidden, and never taken for a graph), which
is flushed, fsynced and renamed over the target. Killed at any moment (SIGKILL, a
crash, a power cut after the directory is synced), the target is either the old
file or the complete new one; an interrupted write leaves at most that temporary
file behind, and an exception (Ctrl-C included) removes it.

>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> atomic_write(folder / "graph.ttl", "new")
>>> (folder / "graph.ttl").read_text(), [p.name for p in folder.iterdir()]
('new', ['graph.ttl'])
>>> import shutil; shutil.rmtree(folder)
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["atomic_write", "atomic_writer"]

_TEMP_SUFFIX = ".tmp"


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str], *, binary: bool = False) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; on success fsync it and rename it over ``path``.

    The temporary file lives in the same directory so that ``os.replace`` is a rename
    on one file system, which POSIX makes atomic. If the body raises (or the process
    is killed), ``path`` keeps its previous content and the temporary file is removed
    (or, after SIGKILL, left as an inert hidden ``.<name>.<hex>.tmp`` file).

    The new file keeps the permissions of the file it replaces (a graph someone
    made private stays private); a new file gets the usual ones, as ``open`` would
    give it under the process umask.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = _create_temporary(target)
    try:
        opened: IO[Any] = (
            os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
        )
        with opened as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        _keep_mode(target, tmp_name)
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _sync_directory(target.parent)


def atomic_write(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_writer`)."""
    if isinstance(data, bytes):
        with atomic_writer(path, binary=True) as fh:
            fh.write(data)
    else:
        with atomic_writer(path) as fh:
            fh.write(data)


def _create_temporary(target: Path) -> tuple[int, str]:
    """Create the temporary file exclusively, with the permissions ``open`` would give.

    Not :func:`tempfile.mkstemp`: it creates files readable by their owner only,
    so every output would have ended up private (or, fixed up by a chmod, world
    readable whatever the umask says).
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        name = os.path.join(target.parent, f".{target.name}.{secrets.token_hex(4)}{_TEMP_SUFFIX}")
        try:
            return os.open(name, flags, 0o666), name
        except FileExistsError:
            continue
        except OSError as err:  # name the file the user asked for, not the temporary one
            raise type(err)(err.errno, err.strerror, os.fspath(target)) from None
    raise FileExistsError(f"{target}: cannot create a temporary file beside it")


def _keep_mode(target: Path, tmp_name: str) -> None:
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:  # no previous file (or none we may look at): keep the umask's choice
        return
    os.chmod(tmp_name, mode)


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable; best effort, as not every system can open a directory."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
