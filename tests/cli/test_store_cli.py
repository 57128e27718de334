"""The store's command-line surface: usage errors exit 2, store problems one line and 1."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kg.cli.main import cli


def test_store_options_need_each_other_and_exclude_o(tmp_path: Path) -> None:
    text = tmp_path / "a.txt"
    text.write_text("Ann Lee met Tom Reed in Leeds.\n", encoding="utf-8")
    runner = CliRunner()
    both = runner.invoke(cli, ["build", str(text), "-o", "x.ttl", "--store", str(tmp_path / "s")])
    assert both.exit_code == 2 and "not both" in both.stderr
    prune = runner.invoke(cli, ["build", str(text), "--prune"])
    assert prune.exit_code == 2 and "--prune needs --store" in prune.stderr
    workers = runner.invoke(cli, ["build", str(text), "--workers", "0"])
    assert workers.exit_code == 2


def test_remove_from_a_missing_store_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["remove", str(tmp_path / "nowhere"), "a.txt"])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'nowhere'}: no such store\n"


def test_a_folder_that_is_not_a_store_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    for args in (["query", str(tmp_path / "notes"), "ASK {}"], ["stats", str(tmp_path / "notes")]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 1
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
