"""The walkthrough notebook runs from top to bottom and shows real results."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
WALKTHROUGH = NOTEBOOKS / "walkthrough.ipynb"


def _kernel_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """``python3``, installing a spec for this interpreter into ``tmp_path`` if none exists.

    jupyter_client starts a spec whose command is ``python`` with ``sys.executable``,
    so the kernel runs in the same environment as the tests.
    """
    from jupyter_client.kernelspec import find_kernel_specs

    if "python3" not in find_kernel_specs():
        from ipykernel.kernelspec import install

        install(kernel_name="python3", prefix=str(tmp_path))
        monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "share" / "jupyter"))
    return "python3"


def _text(cell: Any) -> str:
    parts: list[str] = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(output.get("text", ""))
        elif "data" in output:
            parts.append(output["data"].get("text/plain", ""))
    return "".join(parts)


def _tagged(nb: Any, tag: str) -> str:
    cells = [c for c in nb.cells if tag in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, f"expected one cell tagged {tag!r}"
    return _text(cells[0])


def test_committed_notebook_has_no_outputs() -> None:
    import nbformat

    nb = nbformat.read(WALKTHROUGH, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.slow
def test_walkthrough_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Opt in to platformdirs locations now: without it jupyter_core warns (DeprecationWarning)
    # that the default will change, which filterwarnings = error would turn into a failure.
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(WALKTHROUGH, as_version=4)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name=_kernel_name(tmp_path, monkeypatch),
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()  # raises CellExecutionError on the first cell that fails

    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not [o for o in cell.outputs if o.output_type == "error"]
            assert not [o for o in cell.outputs if o.get("name") == "stderr"], _text(cell)

    assert re.search(r"^Documents:\s+5$", _tagged(nb, "summary"), re.MULTILINE)
    table = _tagged(nb, "who-did-what-table")
    assert "Margaret Ellison" in table and "kg:wroteTo" in table and "Geoffrey Pallant" in table
    assert "Margaret Ellison" in _tagged(nb, "quotes")
    assert "Most connected entities:" in _tagged(nb, "network")
    assert re.search(r"walkthrough\.html: \d+ KiB", _tagged(nb, "view"))
    own = _tagged(nb, "own-text")
    assert "kgr:person_rosa-pennick" in own and "kg:criticised" in own
    assert "@prefix kg: <https://w3id.org/kg/ontology#>" in _tagged(nb, "turtle")
    store = _tagged(nb, "store")
    assert "added 1, unchanged 2" in store and "Thomas Ellery" in store
    assert "The same graph as one build of all three: True" in store
