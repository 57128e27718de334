"""A news-like corpus of any size, for measuring kg at archive scale.

Articles are made from templates written for this project (no real news is copied):
people, organisations and places drawn from invented pools, in the sentence shapes
kg's extractors read (meetings, visits, letters, roles, criticism, quotes), with
datelines, titles and paragraphs. The same seed always gives the same corpus, and a
larger corpus repeats the pools, so entities recur across articles as in a real
archive.

    python benchmarks/scale_corpus.py --words 500000 -o corpus.jsonl
"""

# ruff: noqa: SIM905, B023 (pools read better as one string each; each lambda is called at once)
from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

__all__ = ["articles", "write_corpus"]

FIRST = (
    "Amelia Harriet Tomas Priya Callum Ingrid Dev Rosalind Marcus Yusuf Eleanor Gareth Niamh "
    "Oskar Leonie Rafael Shona Bertrand Mirela Declan Hana Kwame Fiona Anselm Tamsin Idris "
    "Beatrix Lorcan Sunita Magnus Delphine Ewan Maren Anton Carys Jonah Zofia Cormac Esme "
    "Florian Lydia Ruaridh Odile Sami Greta Hamish Noor Lucian Perpetua Wilfred Ines"
).split()
SURNAMES = (
    "Ashworth Birkett Calloway Dunmore Elsworth Fairbairn Garside Holloway Ingleby Jessop "
    "Kershaw Lumley Mawson Netherby Oakden Pennock Quarmby Rigby Saltonstall Thwaite Umpleby "
    "Varley Wadsworth Yeadon Armitage Brennand Crowther Dewhurst Earnshaw Fothergill "
    "Greenhalgh Haworth Illingworth Jowett Kitching Lockwood Midgley Nuttall Ormerod Pickles "
    "Ramsden Sugden Tattersall Uttley Whiteley Bottomley Chadwick Haigh Lister Sutcliffe"
).split()
TOWNS = (
    "Harrowby Calderbridge Brightmoor Fenwick Ashcombe Kelmarsh Polwenna Tressilian Oakhampton "
    "Wendlebury Marlcote Saltby Rookhope Thornbury Elmsworth Dunstable Hallowmere Westerleigh "
    "Coldharbour Penmarrow Ravensworth Lindow Stanwick Greyfriars Barrowden"
).split()
COUNTRIES = ("France", "Japan", "Brazil", "Norway", "Kenya", "Canada", "India", "Portugal")
ORG_STEMS = (
    "Harrowby Northline Calder Brightwater Kelmarsh Ashcombe Pennine Ravensworth Saltby "
    "Westerleigh Marlcote Fenwick Greyfriars Hallowmere Lindow Oakden Stanwick Thornbury"
).split()
ORG_KINDS = (
    "Shipping",
    "Robotics",
    "Health Trust",
    "Council",
    "Athletic",
    "Logistics",
    "Seeds Ltd",
    "Energy",
    "Bank",
    "Rovers",
    "Institute",
    "Press",
)
ROLES = ("chief executive", "chair", "director", "leader", "head", "founder")
SPOKES = ("spokesman", "spokeswoman", "spokesperson")
TITLES = ("Mr", "Ms", "Dr", "Mrs")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TOPICS = (
    "ferries",
    "wages",
    "the new hospital wing",
    "flood defences",
    "the stadium plan",
    "rail fares",
    "the harvest",
    "school places",
    "the bypass",
    "broadband",
)
QUOTES = (
    "We will keep working until {topic} is sorted out for every family here.",
    "Nobody in {town} should have to wait this long for an answer.",
    "This is a good day for {town}, and a better one for the people who work here.",
    "We listened carefully, and we are changing our plans because of what we heard.",
    "The figures speak for themselves: {topic} cost more every year.",
    "I have written to the minister and I expect a reply before the end of the month.",
)


class _Pools:
    """The people, organisations and places one corpus draws on."""

    def __init__(self, rng: random.Random, people: int, orgs: int) -> None:
        self.people = sorted({f"{rng.choice(FIRST)} {rng.choice(SURNAMES)}" for _ in range(people)})
        self.orgs = sorted(
            {f"{rng.choice(ORG_STEMS)} {rng.choice(ORG_KINDS)}" for _ in range(orgs)}
        )
        self.home = {org: rng.choice(TOWNS) for org in self.orgs}


def _sentences(rng: random.Random, pools: _Pools, town: str) -> Iterator[str]:
    """An endless stream of news sentences about a cast drawn for one article."""
    cast = rng.sample(pools.people, 4)
    orgs = rng.sample(pools.orgs, 3)
    jobs = {person: (rng.choice(ROLES), rng.choice(orgs)) for person in cast}
    titles = {person: rng.choice(TITLES) for person in cast}
    introduced: set[str] = set()

    def who(person: str) -> str:
        if person in introduced:
            return f"{titles[person]} {person.split()[-1]}"
        introduced.add(person)
        role, org = jobs[person]
        return f"{person}, the {role} of {org},"

    while True:
        a, b = rng.sample(cast, 2)
        org, other = rng.sample(orgs, 2)
        topic, day = rng.choice(TOPICS), rng.choice(DAYS)
        place = rng.choice((*TOWNS, *COUNTRIES))
        home = pools.home[org]
        shapes: tuple[Callable[[], str], ...] = (
            lambda: f"{who(a)} met {b} in {town} on {day} to discuss {topic}.",
            lambda: f"{who(a)} visited {place} last week.",
            lambda: f"{who(a)} wrote to {b} about {topic}.",
            lambda: f"{org}, based in {home}, criticised {other} over {topic}.",
            lambda: f"A {rng.choice(SPOKES)} for {org} said the company would respond soon.",
            lambda: f"{who(a)} criticised {org} for its handling of {topic}.",
            lambda: f"{org} has a partnership with {other} that runs until next year.",
            lambda: f"{b} joined {org} in {rng.randrange(1998, 2024)} after working in {place}.",
            lambda: f"Talks between {org} and {other} resumed in {town} on {day}.",
            lambda: f"Residents of {town} will be asked for their views on {topic} next month.",
            lambda: (
                f"Figures published on {day} showed that {topic} had cost {town} "
                f"{rng.randrange(2, 90)} million pounds since {rng.randrange(2010, 2023)}."
            ),
        )
        yield rng.choice(shapes)()
        if rng.random() < 0.18:
            line = rng.choice(QUOTES).format(topic=topic, town=town)
            speaker = who(a).rstrip(",")
            if rng.random() < 0.5:
                yield f"\u201c{line}\u201d said {speaker}."
            else:
                yield f"{speaker} said: \u201c{line}\u201d"


def articles(seed: int = 0, words: int = 500_000) -> Iterator[dict[str, str]]:
    """Yield JSONL-ready articles (``id``, ``title``, ``date``, ``text``) until ``words``.

    >>> first = next(articles(seed=1, words=100))
    >>> sorted(first), first == next(articles(seed=1, words=100))
    (['date', 'id', 'text', 'title'], True)
    """
    rng = random.Random(seed)
    pools = _Pools(rng, people=max(200, words // 120), orgs=max(60, words // 2000))
    total = 0
    n = 0
    while total < words:
        town = rng.choice(TOWNS)
        stream = _sentences(rng, pools, town)
        paragraphs = []
        for _ in range(rng.randrange(3, 7)):
            paragraphs.append(" ".join(next(stream) for _ in range(rng.randrange(2, 5))))
        day = rng.randrange(1, 29)
        month = rng.randrange(1, 13)
        body = "\n\n".join(paragraphs)
        text = f"{town.upper()}, {rng.choice(DAYS)} \u2014 {body}\n"
        title = f"{town}: {rng.choice(TOPICS).capitalize()} in question"
        n += 1
        total += len(text.split())
        yield {
            "id": f"article-{seed}-{n:06d}",
            "title": title,
            "date": f"2025-{month:02d}-{day:02d}",
            "text": text,
        }


def write_corpus(path: Path, *, seed: int = 0, words: int = 500_000) -> tuple[int, int]:
    """Write the corpus as JSONL; returns (articles, words)."""
    count = total = 0
    with path.open("w", encoding="utf-8") as out:
        for article in articles(seed, words):
            out.write(json.dumps(article, ensure_ascii=False) + "\n")
            count += 1
            total += len(article["text"].split())
    return count, total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--words", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    count, total = write_corpus(args.output, seed=args.seed, words=args.words)
    print(f"wrote {args.output}: {count} articles, {total} words", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
