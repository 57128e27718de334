"""SHACL: every graph kg writes satisfies ontology/shapes.ttl and the ontology's domains
and ranges."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, Namespace

from kg.cli.main import cli
from kg.demo import examples_dir
from kg.ontology.schema import ontology_dir
from kg.rdf.validate import KGSH, SH, check_evidence, property_shapes, shapes, validate

KG = Namespace("https://w3id.org/kg/ontology#")
KGR = Namespace("https://w3id.org/kg/id/")
GOLDEN = sorted((Path(__file__).parents[1] / "golden").glob("*.ttl"))


def _ontology() -> Graph:
    return Graph().parse(ontology_dir() / "kg.ttl", format="turtle")


def test_every_property_of_the_ontology_has_its_domain_and_range_shapes() -> None:
    onto = _ontology()
    made = property_shapes(onto)
    declared = [
        p
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty)
        for p in onto.subjects(RDF.type, kind)
        if str(p).startswith(str(KG))
    ]
    assert len(declared) > 40
    for prop in declared:
        name = str(prop)[len(str(KG)) :]
        for domain in onto.objects(prop, RDFS.domain):
            assert (KGSH[f"domain-{name}"], SH["class"], domain) in made, name
        for range_ in onto.objects(prop, RDFS.range):
            shape = KGSH[f"range-{name}"]
            [constraint] = made.objects(shape, SH.property)
            assert (constraint, SH.path, prop) in made
            assert range_ in set(made.objects(constraint, SH["class"])) | set(
                made.objects(constraint, SH.datatype)
            ), name
    # shapes.ttl itself names no domain or range: nothing of the ontology is copied there.
    static = Graph().parse(ontology_dir() / "shapes.ttl", format="turtle")
    assert not set(static.subjects(SH.targetSubjectsOf, None))
    assert len(shapes()) == len(static) + len(made)


def test_a_new_property_in_the_ontology_is_checked_with_no_other_change() -> None:
    onto = _ontology()
    onto.add((KG.bankedWith, RDF.type, OWL.ObjectProperty))
    onto.add((KG.bankedWith, RDFS.domain, KG.Organization))
    onto.add((KG.bankedWith, RDFS.range, KG.Organization))
    assert (KGSH["domain-bankedWith"], SH.targetSubjectsOf, KG.bankedWith) in property_shapes(onto)


@pytest.mark.parametrize("golden", GOLDEN, ids=[g.stem for g in GOLDEN])
def test_every_golden_graph_conforms(golden: Path) -> None:
    report = validate(Graph().parse(golden, format="turtle"))
    assert report.conforms, "\n".join(report.lines())


def _politics() -> Graph:
    return Graph().parse(Path(__file__).parents[1] / "golden" / "politics.ttl", format="turtle")


def test_a_broken_graph_fails_with_one_clear_line_per_violation() -> None:
    graph = _politics()
    records = sorted(graph.subjects(RDF.type, RDF.Statement))
    graph.set((records[0], KG.confidence, Literal(Decimal("1.5"), datatype=XSD.decimal)))
    graph.set((records[1], KG.evidence, Literal("not the text")))
    peter = KGR["person_peter-lowrie"]
    ferries = KGR["organization_northline-ferries"]
    graph.add((ferries, KG.basedIn, peter))  # a person as a place, and no provenance
    graph.add((peter, RDF.type, KG.Persn))
    graph.add((peter, KG.wroteto, ferries))
    quote = sorted(graph.subjects(RDF.type, KG.Quote))[0]
    graph.remove((quote, KG.speaker, None))
    graph.remove((quote, KG.speakerDescription, None))

    report = validate(graph)
    assert not report.conforms
    lines = report.lines()
    expected = [
        (records[0], "kg:confidence is one xsd:decimal in [0, 1]"),
        (records[1], "kg:evidence is 12 characters, but kg:start"),
        (records[1], "kg:evidence is not part of its kg:sentence"),
        (ferries, "the value of kg:basedIn must be a kg:Place (its rdfs:range)"),
        (ferries, "the relation kg:basedIn kgr:person_peter-lowrie has no provenance record"),
        (peter, "every class of an entity is declared in ontology/kg.ttl"),
        (peter, "uses kg:wroteto, which ontology/kg.ttl does not declare"),
        (quote, "a quote has a kg:speaker"),
    ]
    for node, text in expected:
        focus = "kgr:" + str(node)[len(str(KGR)) :]
        assert any(line.startswith(f"{focus}: ") and text in line for line in lines), (text, lines)
    assert len(lines) == len(expected)
    assert all("\n" not in line and "https://" not in line for line in lines)


def test_evidence_is_checked_against_the_document_text() -> None:
    graph = _politics()
    text = (examples_dir() / "politics.txt").read_text(encoding="utf-8")
    assert check_evidence(graph, {"politics.txt": text}) == []
    shifted = "X" + text
    problems = check_evidence(graph, {"politics.txt": shifted})
    assert problems and all("is not the text of 'politics.txt' from" in str(p) for p in problems)
    assert check_evidence(graph, {"other.txt": text}) == []  # only documents it is given


def test_kg_validate_says_conforms_or_lists_violations(tmp_path: Path) -> None:
    runner = CliRunner()
    good = runner.invoke(cli, ["validate", str(GOLDEN[0])])
    assert good.exit_code == 0, good.output
    assert good.output.strip().endswith("conforms to ontology/shapes.ttl")

    broken = _politics()
    record = sorted(broken.subjects(RDF.type, RDF.Statement))[0]
    broken.set((record, KG.confidence, Literal(Decimal("-0.5"), datatype=XSD.decimal)))
    path = tmp_path / "broken.ttl"
    broken.serialize(path, format="turtle")
    bad = runner.invoke(cli, ["validate", str(path)])
    assert bad.exit_code == 1
    assert "kg:confidence is one xsd:decimal in [0, 1]" in bad.output
    assert bad.output.splitlines()[-1].startswith(f"{path}: 1 violation")


def test_kg_validate_on_a_file_that_is_not_a_graph_is_one_error_line(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Just some notes.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert str(path) in result.output


@pytest.mark.slow
def test_kg_build_validate_on_the_bundled_samples(tmp_path: Path) -> None:
    out = tmp_path / "samples.ttl"
    result = CliRunner().invoke(cli, ["build", str(examples_dir()), "-o", str(out), "--validate"])
    assert result.exit_code == 0, result.output
    assert "conforms to ontology/shapes.ttl" in result.output
    assert validate(Graph().parse(out, format="turtle")).conforms


def test_build_validate_names_each_violation_and_writes_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import kg
    from kg.cli.build import _validate
    from kg.errors import KGError

    graph = kg.KnowledgeGraph(_politics())
    text = (examples_dir() / "politics.txt").read_text(encoding="utf-8")
    _validate(graph, [kg.Document("politics.txt", text)])
    assert "validated: conforms to ontology/shapes.ttl" in capsys.readouterr().err
    with pytest.raises(KGError, match=r"the graph has \d+ violations of ontology/shapes.ttl; "):
        _validate(graph, [kg.Document("politics.txt", "Another text altogether. " * 200)])
    lines = capsys.readouterr().err.splitlines()
    assert lines and all("is not the text of 'politics.txt' from" in line for line in lines)
