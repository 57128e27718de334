"""Inputs as people have them: saved web pages, PDF, web archives, stray NUL bytes, folders
holding files kg does not read, and Word documents."""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import pytest
from rdflib import RDFS, Graph, Literal
from rdflib.namespace import DCTERMS

from kg.ingest.article import from_web_page
from kg.ingest.documents import Document, InputProblem
from kg.ingest.read import read_documents
from kg.rdf.triples import add_document, document_iri, new_graph

NEWS = Path(__file__).parents[2] / "examples" / "news"

PAGE = """<!DOCTYPE html><html><head><title>Quay sold | The Gullcombe Gazette</title>
<meta name="author" content="Ann Penrose">
<meta property="og:title" content="Quay sold to harbour trust">
<meta property="article:published_time" content="2025-05-02T08:00:00Z"></head><body>
<div class="cookie-banner">
<p>We use cookies. Facebook Pixel and Twitter Analytics set cookies here.</p>
<button>Accept all</button></div>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/contact">Contact Us</a></li><li><a href="/subscribe">Subscribe</a></li></ul></nav>
<article><h1>Quay sold to harbour trust</h1>
<p>The Gullcombe Harbour Trust has bought the old fish quay from Penwith Marine
for an undisclosed sum, the trust said on Friday.</p>
<p>Its chairman, Mark Tregear, said the quay would be repaired and reopened to
fishing boats next spring.</p>
<p>“This quay has been part of the town for two hundred years,” he said.
“We want it working again.”</p>
</article>
<aside><h2>Related stories</h2><ul><li><a href="/a">Ferry timetable changes announced</a></li>
<li><a href="/b">Lifeboat crew honoured at Falmouth</a></li></ul></aside>
<footer><p>Tannery Lane, Gullcombe. Part of Westcountry Local Media Ltd.</p>
<a href="/privacy">Privacy</a></footer>
</body></html>"""


def _read(*paths: Path) -> tuple[list[Document], list[str]]:
    problems: list[InputProblem] = []
    docs = list(read_documents([str(p) for p in paths], on_problem=problems.append))
    return docs, [str(p) for p in problems]


# --------------------------------------------------------------------------- web pages


def test_a_saved_page_gives_the_article_and_its_metadata_not_the_page(tmp_path: Path) -> None:
    page = tmp_path / "quay.html"
    page.write_text(PAGE, encoding="utf-8")
    [doc], problems = _read(page)
    assert problems == []
    assert doc.title == "Quay sold to harbour trust"
    assert doc.author == "Ann Penrose"
    assert doc.date == "2025-05-02"
    assert doc.text.startswith(
        "Quay sold to harbour trust\n\nThe Gullcombe Harbour Trust has bought"
    )
    assert "“This quay has been part of the town for two hundred years,” he said." in doc.text
    for furniture in (
        "cookies",
        "Facebook Pixel",
        "Contact Us",
        "Subscribe",
        "Related stories",
        "Ferry timetable",
        "Westcountry Local Media",
        "Privacy",
    ):
        assert furniture not in doc.text, furniture
    # Paragraphs are apart, as in kg's text files.
    assert "next spring.\n\n“This quay" in doc.text


def test_the_bundled_saved_pages_lose_their_furniture() -> None:
    pages = sorted(NEWS.glob("*.html"))
    assert len(pages) >= 2
    docs, problems = _read(*pages)
    assert problems == [] and len(docs) == len(pages)
    for doc in docs:
        assert doc.title and doc.author and doc.date
        for furniture in ("Facebook", "Twitter", "Contact Us", "cookies", "Privacy"):
            assert furniture not in doc.text, (doc.id, furniture)


def test_a_fragment_without_an_article_is_read_as_visible_text(tmp_path: Path) -> None:
    page = tmp_path / "note.html"
    page.write_text("<p>Bob &amp; Alice<br>met.</p>", encoding="utf-8")
    assert from_web_page(page.read_text(encoding="utf-8")) is None
    [doc], _ = _read(page)
    assert doc.text == "Bob & Alice\nmet."


def test_title_author_and_date_go_on_the_document_node() -> None:
    graph = new_graph()
    doc = Document("page.html", "Text.", title="Quay sold", date="2025-05-02", author="Ann Penrose")
    node = add_document(graph, doc)
    assert node == document_iri("page.html")
    assert graph.value(node, DCTERMS.title) == Literal("Quay sold")
    assert graph.value(node, DCTERMS.creator) == Literal("Ann Penrose")
    assert graph.value(node, DCTERMS.date) == Literal("2025-05-02")
    bare = new_graph()
    add_document(bare, Document("plain.txt", "Text."))
    assert bare.value(document_iri("plain.txt"), DCTERMS.creator) is None


# --------------------------------------------------------------------------- PDF


def make_pdf(pages: list[list[str]], title: str | None = None, author: str | None = None) -> bytes:
    """A minimal PDF: each page a list of text lines in Helvetica, and an information dictionary."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, lines in enumerate(pages):
        shown = " ".join(f"({escape(line)}) Tj T*" for line in lines)
        content = f"BT /F1 11 Tf 14 TL 72 720 Td {shown} ET".encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font "
            f"<< /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    info = [f"/Title ({escape(title)})"] if title else []
    info += [f"/Author ({escape(author)})"] if author else []
    objects.append(
        ("<< " + " ".join([*info, "/CreationDate (D:20250411093000Z)"]) + " >>").encode()
    )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        len(objects),
        xref,
    )
    return bytes(out)


REPORT_PAGES = [
    [
        "Harbour dues to rise",
        "",
        "Dame Helen Stroud, chair of the Marlbridge Harbour Commission, said the",
        "dues paid by visiting yachts would rise by a fifth from June.",
        '"We have no choice," she said.',
    ],
    ["The commission meets again in May."],
]


def test_a_pdf_gives_its_text_with_paragraphs_joined_and_its_metadata(tmp_path: Path) -> None:
    pdf = tmp_path / "dues.pdf"
    pdf.write_bytes(make_pdf(REPORT_PAGES, title="Harbour dues", author="Marlbridge Echo"))
    [doc], problems = _read(pdf)
    assert problems == []
    assert doc.id == str(pdf)
    assert doc.title == "Harbour dues" and doc.author == "Marlbridge Echo"
    assert doc.date == "2025-04-11"
    assert doc.text == (
        "Harbour dues to rise\n"
        "Dame Helen Stroud, chair of the Marlbridge Harbour Commission, said the dues paid by "
        "visiting yachts would rise by a fifth from June.\n"
        '"We have no choice," she said.\n\n'
        "The commission meets again in May."
    )


def test_pdfs_in_a_folder_are_read_and_a_broken_one_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(make_pdf(REPORT_PAGES))
    (tmp_path / "b.pdf").write_bytes(b"%PDF-1.4\nthis is not really a PDF\n")
    (tmp_path / "c.pdf").write_bytes(make_pdf([[]]))
    docs, problems = _read(tmp_path)
    assert [d.id for d in docs] == ["a.pdf"]
    assert problems[0].startswith(f"{tmp_path / 'b.pdf'}: not a readable PDF: ")
    assert (
        problems[1]
        == f"{tmp_path / 'c.pdf'}: PDF with no text layer (a scan?); kg reads text, not images"
    )
    assert len(problems) == 2


def test_without_the_pdf_extra_pdfs_are_counted_as_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pypdf", None)  # import pypdf now raises ImportError
    (tmp_path / "a.pdf").write_bytes(make_pdf(REPORT_PAGES))
    (tmp_path / "b.txt").write_text("Ann Lee met Tom Reed.", encoding="utf-8")
    docs, problems = _read(tmp_path)
    assert [d.id for d in docs] == ["b.txt"]
    assert problems == [f"{tmp_path}: skipped 1 file kg does not read: 1 .pdf (needs kg[pdf])"]
    _, direct = _read(tmp_path / "a.pdf")
    assert direct == [f"{tmp_path / 'a.pdf'}: reading PDF needs pypdf: pip install 'kg[pdf]'"]


# --------------------------------------------------------------------------- web archives


def _warc_record(
    uri: str,
    body: bytes,
    content_type: str = "text/html; charset=utf-8",
    status: str = "200 OK",
    kind: str = "response",
) -> bytes:
    http = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    head = (
        f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\n"
        f"WARC-Date: 2025-04-11T09:30:00Z\r\nWARC-Record-ID: <urn:uuid:{abs(hash(uri)):032x}>\r\n"
        f"Content-Type: application/http; msgtype={kind}\r\nContent-Length: {len(http)}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"


def _article(headline: str, sentence: str) -> bytes:
    return (
        f"<html><body><nav><a href='/'>Home</a> <a href='/c'>Contact Us</a></nav><article>"
        f"<h1>{headline}</h1><p>{sentence * 5}</p></article><footer>Subscribe</footer>"
        "</body></html>"
    ).encode()


def _crawl() -> list[bytes]:
    return [
        _warc_record(
            "https://news.example/quay", _article("Quay sold", "The trust bought the quay. ")
        ),
        _warc_record("https://news.example/quay", b"GET /quay HTTP/1.1\r\n\r\n", kind="request"),
        _warc_record("https://news.example/logo.png", b"\x89PNG\r\n\x1a\n\0\0", "image/png"),
        _warc_record("https://news.example/gone", b"<html>gone</html>", status="404 Not Found"),
        _warc_record(
            "https://news.example/ferry", _article("Fares rise", "Ferry fares rise in May. ")
        ),
    ]


@pytest.mark.parametrize("compressed", [False, True], ids=["warc", "warc.gz"])
def test_a_web_archive_gives_one_document_per_html_page(tmp_path: Path, compressed: bool) -> None:
    records = _crawl()
    if compressed:
        archive = tmp_path / "crawl.warc.gz"
        archive.write_bytes(b"".join(gzip.compress(r) for r in records))
    else:
        archive = tmp_path / "crawl.warc"
        archive.write_bytes(b"".join(records))
    docs, problems = _read(tmp_path)
    assert problems == []
    assert [d.id for d in docs] == [
        f"{archive.name}#https://news.example/quay",
        f"{archive.name}#https://news.example/ferry",
    ]
    assert [d.url for d in docs] == ["https://news.example/quay", "https://news.example/ferry"]
    assert docs[0].title == "Quay sold" and docs[0].date == "2025-04-11"
    assert docs[0].text.startswith("Quay sold\n\nThe trust bought the quay.")
    assert all("Contact Us" not in d.text and "Subscribe" not in d.text for d in docs)


def test_a_file_that_is_not_a_web_archive_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "crawl.warc"
    bad.write_bytes(b"this is not an archive\n")
    docs, problems = _read(bad)
    assert docs == []
    assert problems == [f"{bad}: not a web archive: no WARC records in it"]


# --------------------------------------------------------------------------- NUL bytes


def test_a_text_with_a_few_stray_nul_bytes_is_text(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_bytes(b"# Notes\n\nTom Reed works\0 for Sigma Tools.\0\n")
    [doc], problems = _read(path)
    assert "\0" not in doc.text
    assert "Tom Reed works for Sigma Tools." in doc.text
    assert problems == [f"{path}: dropped 2 NUL bytes; offsets refer to the text without them"]


def test_binary_data_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)) * 8)
    docs, problems = _read(path)
    assert docs == [] and problems == [f"{path}: binary data, not text"]


# --------------------------------------------------------------------------- what kg skips


def test_files_a_folder_holds_that_kg_does_not_read_are_counted_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "story.txt").write_text("Ann Lee met Tom Reed.", encoding="utf-8")
    (tmp_path / "figures.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (tmp_path / "more.csv").write_text("a,b\n", encoding="utf-8")
    (tmp_path / "letter.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "README").write_text("notes", encoding="utf-8")
    (tmp_path / ".hidden.csv").write_text("hidden", encoding="utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "data.json").write_text("{}", encoding="utf-8")
    docs, problems = _read(tmp_path)
    assert [d.id for d in docs] == ["story.txt"]
    assert problems == [
        f"{tmp_path}: skipped 5 files kg does not read: "
        "2 .csv, 1 .docx, 1 .json, 1 without extension"
    ]


def test_a_word_document_named_directly_is_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "letter.docx"
    path.write_bytes(b"PK\x03\x04" + bytes(200))
    docs, problems = _read(path)
    assert docs == []
    assert problems == [
        f"{path}: Word documents (.docx) are not supported; save it as text, HTML or PDF"
    ]


@pytest.mark.slow
def test_kg_build_reads_a_folder_of_pdf_web_archive_and_page_into_a_valid_graph(
    tmp_path: Path,
) -> None:
    from click.testing import CliRunner

    from kg.cli.main import cli

    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "dues.pdf").write_bytes(make_pdf(REPORT_PAGES, title="Harbour dues"))
    (folder / "crawl.warc.gz").write_bytes(b"".join(gzip.compress(r) for r in _crawl()))
    (folder / "quay.html").write_text(PAGE, encoding="utf-8")
    (folder / "figures.csv").write_text("a,b\n", encoding="utf-8")
    out = tmp_path / "graph.ttl"
    result = CliRunner().invoke(cli, ["build", str(folder), "-o", str(out), "--validate"])
    assert result.exit_code == 0, result.output
    assert f"{folder}: skipped 1 file kg does not read: 1 .csv" in result.output
    assert "validated: conforms to ontology/shapes.ttl" in result.output
    graph = Graph().parse(out, format="turtle")
    titles = {str(t) for t in graph.objects(None, DCTERMS.title)}
    assert {"Harbour dues", "Quay sold", "Fares rise", "Quay sold to harbour trust"} <= titles
    labels = {str(label) for label in graph.objects(None, RDFS.label)}
    assert {"Helen Stroud", "Mark Tregear"} <= labels
    assert not labels & {"Facebook Pixel", "Twitter Analytics", "Contact Us", "Tannery Lane"}
