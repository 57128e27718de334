"""Relations of business, politics and court news, one sentence of my own per pattern.

These run the spaCy model (slow): each sentence is parsed as a build parses it, so a
pattern is tested the way the parser actually shapes it, not as a hand-built tree.
"""

from __future__ import annotations

import pytest

from kg.extract.extraction import extract
from kg.extract.nlp import load_model
from kg.ontology.schema import load_ontology

pytestmark = pytest.mark.slow

CASES = [
    # business: acquisitions, stakes, subsidiaries, rivals
    ("Harcourt Foods agreed to buy Pellow Dairies for £40m.",
     ("Harcourt Foods", "acquired", "Pellow Dairies")),
    ("Fenwick Retail snapped up Kelvin Stores in March.",
     ("Fenwick Retail", "acquired", "Kelvin Stores")),
    ("The takeover of Kelvin Stores by Fenwick Retail was approved on Monday.",
     ("Fenwick Retail", "acquired", "Kelvin Stores")),
    ("Fenwick Retail's acquisition of Kelvin Stores was approved by regulators.",
     ("Fenwick Retail", "acquired", "Kelvin Stores")),
    ("Kelvin Stores, now owned by Fenwick Retail, will keep its name.",
     ("Fenwick Retail", "ownerOf", "Kelvin Stores")),
    ("Orbis Capital, which owns 5% of Fenwick Retail, backed the deal.",
     ("Orbis Capital", "shareholderOf", "Fenwick Retail")),
    ("Fenwick Retail's largest shareholder, Orbis Capital, backed the chairman.",
     ("Orbis Capital", "shareholderOf", "Fenwick Retail")),
    ("Orbis Capital holds a 12% stake in Fenwick Retail.",
     ("Orbis Capital", "shareholderOf", "Fenwick Retail")),
    ("Kelvin Stores, a subsidiary of Fenwick Retail, employs 300 people.",
     ("Kelvin Stores", "subsidiaryOf", "Fenwick Retail")),
    # politics: control, accusation, requests, letters
    ("Labour regained control of Harbury Council in May.",
     ("Labour", "controls", "Harbury Council")),
    ("Ann Poe accused Ben Coe of misleading the council.", ("Ann Poe", "accused", "Ben Coe")),
    ("Ann Poe urged Ben Coe to resign.", ("Ann Poe", "asked", "Ben Coe")),
    ("Ann Poe called on Ben Coe to resign.", ("Ann Poe", "asked", "Ben Coe")),
    ("Ann Poe asked Ben Coe to explain the figures.", ("Ann Poe", "asked", "Ben Coe")),
    ("Tom Ray sent Ann Poe the instruction on Friday.", ("Tom Ray", "wroteTo", "Ann Poe")),
    ("Tom Ray sent a letter to Ann Poe on Friday.", ("Tom Ray", "wroteTo", "Ann Poe")),
    # court and crime
    ("Greater Harbury Police arrested Jon Tate on Friday.",
     ("Greater Harbury Police", "arrested", "Jon Tate")),
    ("Jon Tate was charged by Greater Harbury Police with fraud.",
     ("Greater Harbury Police", "charged", "Jon Tate")),
    ("Judge Mary Holt sentenced Jon Tate to four years in prison.",
     ("Mary Holt", "sentenced", "Jon Tate")),
    ("Priya Shah, a lawyer for Jon Tate, said he would appeal.",
     ("Priya Shah", "represents", "Jon Tate")),
    ("Jon Tate, represented by Priya Shah, denied the charges.",
     ("Priya Shah", "represents", "Jon Tate")),
    ("Mr Tate threw a drink at Sam Reid outside the club.", ("Tate", "attacked", "Sam Reid")),
]  # fmt: skip


def facts(text: str) -> set[tuple[str, str, str]]:
    doc = load_model(None)(text)
    doc.user_data["kg.text"] = text
    extraction = extract(doc, load_ontology())
    return {(r.subject.name, r.predicate, r.object.name) for r in extraction.relations}


@pytest.mark.parametrize(("text", "fact"), CASES, ids=[c[1][1] + ":" + c[0][:30] for c in CASES])
def test_news_pattern(text: str, fact: tuple[str, str, str]) -> None:
    assert fact in facts(text)


def test_a_share_of_voters_is_not_a_stake() -> None:
    """A percentage that is not owned is no stake: "5% of voters backed Ann Poe"."""
    assert not {f for f in facts("Around 5% of voters in Harbury backed Ann Poe.") if
                f[1] == "shareholderOf"}  # fmt: skip


def test_accusing_is_criticising() -> None:
    onto = load_ontology()
    assert onto.is_subproperty("accused", "criticised")
    assert onto.is_subproperty("represents", "worksFor")  # CoNLL04's Work_For counts it
