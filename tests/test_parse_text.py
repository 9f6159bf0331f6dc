"""Text and Markdown parsing, format detection and the parse command."""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import SEEDS

from pipeline.cli import main
from pipeline.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedFileError,
    UnsupportedFormatError,
)
from pipeline.models import BlockKind
from pipeline.parse import parse_file
from pipeline.parse.common import split_marker

needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is absent")

MARKDOWN = """# Workshop report

Intro line one
continues here with **bold** and a [link](http://x.org) and 4<sup>th</sup>.

## Priorities

- Top level
 - Nested *italic* bullet
1. Numbered one
2. Numbered two

| Theme | Action |
|---|---|
| Child labour | <p>First para.</p> <p>Second para.</p> |

Child Labour\tForced Labour
<p>Tab cell one.</p>\t<p>Tab cell two.</p>
"""


def test_markdown_blocks(tmp_path: Path) -> None:
    path = tmp_path / "report.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    doc = parse_file(path)
    assert doc.format == "markdown" and doc.title == "Workshop report"
    kinds = [(b.kind, b.text) for b in doc.blocks]
    assert (
        BlockKind.paragraph,
        "Intro line one continues here with bold and a link and 4th.",
    ) in kinds
    items = [b for b in doc.blocks if b.kind == BlockKind.list_item]
    assert [(b.text, b.level, b.marker) for b in items] == [
        ("Top level", 0, "-"),
        ("Nested italic bullet", 1, "-"),
        ("Numbered one", 0, "1."),
        ("Numbered two", 0, "2."),
    ]
    cells = [b for b in doc.blocks if b.kind == BlockKind.table_cell and not b.table.is_header]
    assert [(c.text, c.table.header) for c in cells] == [
        ("Child labour", "Theme"),
        ("First para.", "Action"),
        ("Second para.", "Action"),
        ("Tab cell one.", "Child Labour"),
        ("Tab cell two.", "Forced Labour"),
    ]
    assert len({c.table.table_id for c in cells}) == 2
    assert [b.id for b in doc.blocks][:2] == ["p1-b1", "p1-b2"]


def test_plain_text_flattened_bullets_and_headings(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text("Goals\nAchieve more, through:\n• One thing • Another thing\n", "utf-8")
    doc = parse_file(path)
    assert doc.format == "text"
    assert [(b.kind.value, b.text) for b in doc.blocks] == [
        ("heading", "Goals"),
        ("paragraph", "Achieve more, through:"),
        ("list_item", "One thing"),
        ("list_item", "Another thing"),
    ]


def test_a_bold_line_in_markdown_is_a_sub_heading_below_every_hash_heading(
    tmp_path: Path,
) -> None:
    """'**The commitment**' under '### Ecuador – Ministry of Labour' stays inside that
    section (its items keep the country), as a bold line does in Word and PDF."""
    from pipeline.segment import document_to_sections

    path = tmp_path / "pledges.md"
    path.write_text(
        "# Pledges\n\n## Governments\n\n### Ecuador – Ministry of Labour\n\n"
        "**The commitment**\n\n- Register every child working on a dump site\n",
        "utf-8",
    )
    doc = parse_file(path)
    bold = next(b for b in doc.blocks if b.text == "The commitment")
    assert bold.kind == BlockKind.heading and bold.heading_level == 6
    section = next(s for s in document_to_sections(doc) if s.heading_path[-1] == "The commitment")
    assert section.heading_path[-2] == "Ecuador – Ministry of Labour" and section.country == "ECU"


def test_plain_text_numbered_section_headings_are_headings(tmp_path: Path) -> None:
    """Minutes in plain text number their sections; a numbered line standing alone between
    blank lines, followed by prose, is a heading, while an agenda's or a spaced list's numbered
    lines stay list items."""
    path = tmp_path / "minutes.txt"
    path.write_text(
        "Agenda\n\n1. Opening\n2. Action points\n\n"
        "1. Opening\n\nThe chair opened the meeting.\n\n"
        "2. Action points\n\nThe group agreed on the following:\n\n"
        "1. Draft the work plan\n\n2. Map the partners\n\n3. Hire a consultant\n\n"
        "The meeting closed at noon.\n",
        "utf-8",
    )
    blocks = [(b.kind.value, b.text) for b in parse_file(path).blocks]
    assert blocks == [
        ("heading", "Agenda"),
        ("list_item", "Opening"),
        ("list_item", "Action points"),
        ("heading", "Opening"),
        ("paragraph", "The chair opened the meeting."),
        ("heading", "Action points"),
        ("paragraph", "The group agreed on the following:"),
        ("list_item", "Draft the work plan"),
        ("list_item", "Map the partners"),
        ("list_item", "Hire a consultant"),
        ("paragraph", "The meeting closed at noon."),
    ]


@needs_seeds
def test_seed_markdown_deck_and_report() -> None:
    deck = parse_file(SEEDS / "deck.md")
    uganda = [b for b in deck.blocks if b.table and b.table.header == "Child Labour"]
    assert "Strengthen social protection." in [b.text for b in uganda]
    nepal = [
        b for b in deck.blocks if b.kind == BlockKind.list_item and b.marker in {"1.", "2.", "3."}
    ]
    assert [b.text[:10] for b in nepal][:3] == ["Formation ", "Secretaria", "Each Minis"]
    report = parse_file(SEEDS / "gcg3_report.md")
    heading = next(i for i, b in enumerate(report.blocks) if b.text == "X. Action Items")
    following = report.blocks[heading + 1 : heading + 5]
    assert [b.kind for b in following] == [BlockKind.list_item] * 4


@pytest.mark.parametrize(
    ("text", "marker", "rest"),
    [
        ("• Strengthen x", "•", "Strengthen x"),
        ("(cid:127) Foo", "(cid:127)", "Foo"),
        ("\uf0b7Bar", "\uf0b7", "Bar"),
        ("2. Secretariat", "2.", "Secretariat"),
        ("IV. Update", "IV.", "Update"),
        ("**Bold start", None, "**Bold start"),
        ("2019 was a year", None, "2019 was a year"),
        ("organise a workshop", None, "organise a workshop"),
        # 'Alliance' / '8.7 et au Groupe ...': a wrapped 'Alliance 8.7', not a section number
        ("8.7 et au Groupe de coordination", None, "8.7 et au Groupe de coordination"),
        ("3.1 Togo", "3.1", "Togo"),
    ],
)
def test_split_marker(text: str, marker: str | None, rest: str) -> None:
    assert split_marker(text) == (marker, rest)


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "error"),
    [
        ("empty.pdf", b"", EmptyFileError),
        ("blank.txt", b"  \n\n", EmptyFileError),
        ("picture.pptx", b"\x89PNG\r\n\x1a\n\x00\x00\x00binary", UnsupportedFormatError),
        ("notzip.pptx", b"PK\x03\x04 not really a zip", CorruptFileError),
        ("plain.docx", _zip({"a.txt": b"hello"}), UnsupportedFormatError),
        ("legacy.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, UnsupportedFormatError),
        (
            "locked.docx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"),
            EncryptedFileError,
        ),
        ("data.md", b'{"items": []}', UnsupportedFormatError),
    ],
)
def test_bad_files_raise_specific_errors(
    tmp_path: Path, name: str, data: bytes, error: type
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(error) as info:
        parse_file(path)
    assert name in info.value.message and info.value.hint


def test_format_comes_from_content_not_name(tmp_path: Path) -> None:
    path = tmp_path / "actually_text.pdf"
    path.write_text("Next steps\n- Convene the committee\n", "utf-8")
    assert parse_file(path).format in {"text", "markdown"}


def test_parse_command_outline_and_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "report.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    main(["parse", str(path), "--format", "text"])
    out = capsys.readouterr().out
    assert "## Priorities" in out and "    - Nested italic bullet" in out
    main(["parse", str(path)])
    assert '"format": "markdown"' in capsys.readouterr().out
    with pytest.raises(SystemExit) as missing:
        main(["parse", str(tmp_path / "nope.pdf")])
    assert missing.value.code == 2
    assert "nope.pdf: no such file" in capsys.readouterr().err


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_text_with_a_byte_order_mark_is_read(tmp_path: Path, encoding: str) -> None:
    from pipeline.parse.detect import decode_text

    text = "Côte d'Ivoire – next steps\n\n• Adopt the national plan on child labour\n"
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(encoding)
    bom = bom or {"utf-32-le": b"\xff\xfe\x00\x00", "utf-32-be": b"\x00\x00\xfe\xff"}[encoding]
    data = bom + text.encode(encoding)
    assert decode_text(data) == text
    path = tmp_path / "note.txt"
    path.write_bytes(data)
    doc = parse_file(path)
    assert doc.format == "text"
    assert "Adopt the national plan on child labour" in [b.text for b in doc.blocks]


class _CountingLines(list):
    """A list of lines that counts the elements it hands out (one per index, the length of
    each slice) and stops a parser that does more than `budget` such steps."""

    def __init__(self, lines: list[str], budget: int) -> None:
        super().__init__(lines)
        self.steps, self.budget = 0, budget

    def _step(self, n: int) -> None:
        self.steps += n
        if self.steps > self.budget:
            raise AssertionError(f"more than {self.budget} line steps: not linear")

    def __getitem__(self, key):
        part = list.__getitem__(self, key)
        self._step(len(part) if isinstance(key, slice) else 1)
        return part

    def __iter__(self):
        for line in list.__iter__(self):
            self._step(1)
            yield line


def _big_text(size: int) -> list[str]:
    """Plain text of about `size` characters: headings, paragraphs, bullets, blank lines,
    ' | ' tables and flattened bullet lines, as the wild files have them."""
    unit = [
        "Kenya follow-up",
        "The committee met in June and agreed on the following points for the year.",
        "",
        "• Publish the child labour survey before June 2022",
        "Action | Responsible | Deadline",
        "Train inspectors | Ministry of Labour | 2023",
        "Review the list of hazardous work | ILO / Ministry | 2024",
        "",
        "Next steps • Convene the steering committee • Adopt the national plan",
        "Short heading line",
        "",
        "",
    ]
    per_unit = sum(len(x) + 1 for x in unit)
    return unit * max(1, size // per_unit)


def test_text_parsing_is_linear_in_the_number_of_lines() -> None:
    """A 5 MB text file is parsed in a bounded number of line steps per line (the old
    look-ahead copied the rest of the page for every line: quadratic). Counted, not timed."""
    from pipeline.parse.text import markdown_blocks, text_blocks

    lines = _big_text(5_000_000)
    small = _big_text(500_000)
    for parser in (text_blocks, markdown_blocks):
        steps = []
        for sample in (small, lines):
            counted = _CountingLines(sample, budget=20 * len(sample))
            blocks = parser(counted, 1)
            assert blocks
            steps.append(counted.steps)
        per_line = [s / len(x) for s, x in zip(steps, (small, lines), strict=True)]
        assert per_line[1] <= per_line[0] * 1.1, (parser.__name__, per_line)


def _kinds(tmp_path: Path, name: str, text: str) -> dict[str, str]:
    """The kind of each block of the text file `name` holding `text`, by the block's text."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return {b.text: b.kind.value for b in parse_file(path).blocks}


def test_email_headers_are_not_headings_and_the_subject_is(tmp_path: Path) -> None:
    kinds = _kinds(
        tmp_path,
        "mail.txt",
        "From: Focal point <fp@example.org>\nTo: Secretariat <s@example.org>\n"
        "Date: Thu, 6 Feb 2025 09:17\nSubject: Next steps after the workshop\n\n"
        "Dear colleagues,\n\n1. Share the draft roadmap by 21 February\n",
    )
    assert kinds["From: Focal point <fp@example.org>"] == "paragraph"
    assert kinds["Date: Thu, 6 Feb 2025 09:17"] == "paragraph"
    assert kinds["Next steps after the workshop"] == "heading"


PAGE_TEXT = """Kenya follow-up {n}
From: A <a@example.org>
Subject: Next steps after the workshop
The committee met in June and agreed on the following points for the year.

• Publish the child labour survey before June 2022
1. UGANDA CHILD LABOUR {words}
Goals • 1. Form the committee; 2. Set up the office; 3. Report • Adopt. NEXT STEPS (SHORT TERM )
M ADAGASCAR • one • two
Action | Responsible | Deadline
Train inspectors | Ministry of Labour / ILO | 2023
Review the list | | 2024
\u00a0 spaced   out\u2003text\u00ad here
3.5 million people

Is this a heading?
Footer of every page
"""

MARKDOWN_PAGE = """# Report {n} #

Intro *it* and [link](http://x.org) and 4<sup>th</sup> \\*escaped\\*.
**Whole bold line**

- Top
  - Nested **bold** bullet
1. One
2. Two

| Theme | **Action** | |
|---|:--:|---|
| Child labour | <p>First.</p><p>Second.</p> | a<br>b |
| | only two |

Child Labour\tForced Labour
<p>Tab one.</p>\t<p>Tab two.</p>
"""


def _generated_files(tmp_path: Path) -> list[Path]:
    words = " ".join(["words"] * 32)
    text = "\f".join(PAGE_TEXT.format(n=n, words=words) for n in range(6))
    files = {
        "pages.txt": text.encode("utf-8"),
        "crlf.txt": text.replace("\n", "\r\n").encode("utf-8"),
        "report.md": "\f".join(MARKDOWN_PAGE.format(n=n) for n in range(2)).encode("utf-8"),
        "inline.md": MARKDOWN.encode("utf-8"),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    return [tmp_path / name for name in files]


def test_blocks_built_without_validation_are_the_validated_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The text parser builds its blocks without pydantic's validation (a third of the memory,
    issue #12); the documents are exactly those of validated blocks: same JSON, equal, same
    `__dict__` order and fields set, and every block passes validation."""
    from pipeline.models import Block, TableCellRef
    from pipeline.parse import text

    paths = _generated_files(tmp_path)
    built = [parse_file(p) for p in paths]
    monkeypatch.setattr(text, "_template", lambda model: None)  # validate every model
    validated = [parse_file(p) for p in paths]
    for fast, slow in zip(built, validated, strict=True):
        assert fast.model_dump_json() == slow.model_dump_json()
        assert fast == slow and len(fast.blocks) > 10
        for a, b in zip(fast.blocks, slow.blocks, strict=True):
            assert type(a) is Block and list(a.__dict__) == list(b.__dict__)
            assert a.model_fields_set == b.model_fields_set
            assert a.__pydantic_extra__ is None and a.__pydantic_private__ is None
            if b.table is not None:
                assert type(a.table) is TableCellRef
                assert list(a.table.__dict__) == list(b.table.__dict__)
                assert a.table.model_fields_set == b.table.model_fields_set
            assert Block.model_validate(a.model_dump()) == a
    kinds = {b.kind for doc in built for b in doc.blocks}
    assert {BlockKind.heading, BlockKind.list_item, BlockKind.table_cell} <= kinds


def test_built_blocks_behave_as_validated_blocks() -> None:
    import pickle

    from pipeline.models import Block, TableCellRef
    from pipeline.parse.text import _Maker

    make = _Maker()
    ref = make.cell_ref(table_id="p1-t1", row=1, col=0, header="Action")
    built = make.block(kind=BlockKind.table_cell, text="Train", page=1, bold=False, table=ref)
    twin = make.block(kind=BlockKind.table_cell, text="Review", page=2, bold=False, table=ref)
    validated = Block(
        kind="table_cell",
        text="Train",
        page=1,
        bold=False,
        table=TableCellRef(table_id="p1-t1", row=1, col=0, header="Action"),
    )
    assert built == validated and built.model_dump() == validated.model_dump()
    assert built.model_fields_set == validated.model_fields_set
    assert repr(built) == repr(validated)
    copy = built.model_copy(update={"text": "Other"})
    assert copy.text == "Other" and built.text == "Train"
    assert copy.model_fields_set is not built.model_fields_set
    assert pickle.loads(pickle.dumps(built)) == validated
    built.id = "p1-b1"  # as number_blocks does
    assert built.id == "p1-b1" and twin.id == "" and "id" in built.model_fields_set
    assert make.block(kind=BlockKind.list_item, text="x", page=1, marker="•").marker == "•"


def test_models_with_validators_or_factories_are_validated() -> None:
    from pydantic import BaseModel, Field, field_validator

    from pipeline.parse.text import _Maker, _template

    class Checked(BaseModel):
        text: str

        @field_validator("text")
        @classmethod
        def _upper(cls, value: str) -> str:
            return value.upper()

    class Listed(BaseModel):
        items: list[str] = Field(default_factory=list)

    assert _template(Checked) is None and _template(Listed) is None
    assert _Maker()._make(Checked, {"text": "a"}).text == "A"
    with pytest.raises(ValueError):  # a missing field: validation reports it
        _Maker().block(kind=BlockKind.paragraph, text="no page")


@pytest.mark.skipif(sys.implementation.name != "cpython", reason="CPython's object sizes")
def test_built_blocks_take_less_memory_than_validated_ones() -> None:
    """Counted with tracemalloc, not timed: a built block with a table reference costs well
    under two thirds of a validated one (464 of 1,240 bytes on CPython 3.11)."""
    import tracemalloc

    from pipeline.models import Block, TableCellRef
    from pipeline.parse.text import _Maker

    def per_block(build) -> float:
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            blocks = [build(i) for i in range(5000)]
            return (tracemalloc.get_traced_memory()[0] - before) / len(blocks)
        finally:
            tracemalloc.stop()

    make = _Maker()

    def built(i: int) -> Block:
        ref = make.cell_ref(table_id="p1-t1", row=1, col=i, header="H")
        return make.block(kind=BlockKind.table_cell, text="x", page=1, bold=False, table=ref)

    def validated(i: int) -> Block:
        ref = TableCellRef(table_id="p1-t1", row=1, col=i, header="H")
        return Block(kind=BlockKind.table_cell, text="x", page=1, bold=False, table=ref)

    assert per_block(built) < 0.67 * per_block(validated)


def test_a_questionnaires_numbered_questions_head_their_answers(tmp_path: Path) -> None:
    """A numbered question heads its answer however long it is and even when a numbered list
    answers it; a Roman-numbered part heads the numbered question under it; a list number
    glued to a lower-case word ('1.la Commission') is still a list number."""
    kinds = _kinds(
        tmp_path,
        "enquete.txt",
        "Enquête de suivi 2025\n\n"
        "II. Orientations pour 2025-2026\n\n"
        "5. Quelles sont les priorités de votre pays pour les deux prochaines années ?\n\n"
        "• Mettre fin au travail des enfants dans les carrières\n"
        "• Renforcer la prise en charge des enfants rapatriés\n\n"
        "7. Quelles actions concrètes le pays entend-il mener d'ici la prochaine réunion ?\n\n"
        "1.la Commission nationale tiendra une session extraordinaire\n"
        "2. Transmettre au Secrétariat le rapport annuel\n\n"
        "III. Besoins et observations\n\n"
        "8. Le pays a-t-il besoin d'un appui technique ?\n\n"
        "Oui, pour la collecte de données.\n\n"
        "Part B. Priorities and planned action\n\n"
        "4. What are the priority areas your Government intends to pursue over the next two "
        "years? Please list them in order of importance.\n\n"
        "1. Reduce child labour among refugee children in agriculture\n"
        "2. Extend the Labour Law to domestic workers\n",
    )
    assert kinds["Orientations pour 2025-2026"] == "heading"
    assert kinds["Quelles sont les priorités de votre pays pour les deux prochaines années ?"] == (
        "heading"
    )
    assert kinds[
        "Quelles actions concrètes le pays entend-il mener d'ici la prochaine réunion ?"
    ] == ("heading")
    assert kinds["Besoins et observations"] == "heading"
    assert kinds["la Commission nationale tiendra une session extraordinaire"] == "list_item"
    assert kinds["Transmettre au Secrétariat le rapport annuel"] == "list_item"
    assert kinds["Part B. Priorities and planned action"] == "heading"
    question = next(t for t in kinds if t.startswith("What are the priority areas"))
    assert kinds[question] == "heading"
    assert kinds["Reduce child labour among refugee children in agriculture"] == "list_item"


def test_lettered_sections_of_a_plain_text_record_are_headings(tmp_path: Path) -> None:
    """'C. Action Groups' is a section heading; a sentence that opens with an initial is not."""
    kinds = _kinds(
        tmp_path,
        "record.txt",
        "Summary of proceedings\n\nB. New Pathfinder Countries\n\nChile\n\n"
        "7. The government will open a public consultation in March.\n\n"
        "F. Closing\n\n"
        "16. The Secretariat will publish the roadmaps on the knowledge platform.\n\n"
        "J. Smith chaired the session and thanked the hosts for the meeting.\n",
    )
    assert kinds["B. New Pathfinder Countries"] == "heading"
    assert kinds["F. Closing"] == "heading"
    assert kinds["J. Smith chaired the session and thanked the hosts for the meeting."] == (
        "paragraph"
    )


def test_the_first_lines_of_a_plain_text_file_are_its_title_even_when_long(
    tmp_path: Path,
) -> None:
    """A speech saved as text opens with a long title and its venue line, each on its own
    line: headings, as the PDF of the same speech sets them; a letter's salutation that
    ends with a comma, or a first line of prose, is not."""
    path = tmp_path / "speech.txt"
    path.write_text(
        "Statement by the Minister of Labour, Employment and Social Security of Nepal\n\n"
        "Global Coordinating Group of Alliance 8.7 – online meeting, 19 November 2024\n\n"
        "Distinguished members of the Group,\n\n"
        "It is an honour to address you today on behalf of my Government.\n",
        encoding="utf-8",
    )
    kinds = [(b.kind, b.text[:20]) for b in parse_file(path).blocks]
    assert [k for k, _ in kinds] == [
        BlockKind.heading,
        BlockKind.heading,
        BlockKind.paragraph,
        BlockKind.paragraph,
    ]
    letter = tmp_path / "letter.txt"
    letter.write_text(
        "Dear colleagues,\n\nPlease find attached the minutes of the call of 4 May with the "
        "agreed actions\n\nWe will circulate the draft roadmap next week.\n",
        encoding="utf-8",
    )
    assert [b.kind for b in parse_file(letter).blocks] == [BlockKind.paragraph] * 3


MEMO = """MEMORANDUM

TO:       Members of the Global Coordinating Group
FROM:     Alliance 8.7 Secretariat, on behalf of the national focal point of the
          Ministry of Labour
DATE:     9 September 2024

Background

The first roadmap was adopted at a national workshop held in the capital in
2022, attended by more than 120 participants from government, employers' and
workers' organisations and civil society.

Recommendations

  * The Secretariat circulates the updated roadmap to GCG members for written
    comments by 15 October 2024.
  * GCG members each nominate a contact person for a peer-learning exchange.

14:10 The ICLS guidelines in practice – ILO Department of Statistics and others
14:25 Country experiences – national statistical offices of the region
"""


def test_a_hard_wrapped_memo_is_read_one_paragraph_and_one_item_at_a_time(
    tmp_path: Path,
) -> None:
    """An e-mail or memo wrapped at 78 characters: a line that ran to the wrap width goes on
    in the next one (a list item's continuation is indented under its text); a header field,
    a timetable's line, a blank line or a new bullet starts anew."""
    path = tmp_path / "memo.txt"
    path.write_text(MEMO, encoding="utf-8")
    blocks = [(b.kind, b.text) for b in parse_file(path).blocks]
    assert (
        BlockKind.paragraph,
        "The first roadmap was adopted at a national workshop held in the capital in 2022, "
        "attended by more than 120 participants from government, employers' and workers' "
        "organisations and civil society.",
    ) in blocks
    assert (
        BlockKind.list_item,
        "The Secretariat circulates the updated roadmap to GCG members for written comments "
        "by 15 October 2024.",
    ) in blocks
    texts = [t for _, t in blocks]
    assert any(t.startswith("DATE:") for t in texts)
    assert any(t.startswith("14:25 Country experiences") for t in texts)
    assert not any("Ministry of Labour DATE" in t for t in texts)


def test_a_run_numbered_in_another_style_under_an_item_ending_with_a_colon_is_its_sub_list(
    tmp_path: Path,
) -> None:
    """Memos number their paragraphs '1.', '2.' and the points of one paragraph '(a)', '(b)'
    or '(i)', '(ii)', all typed at one indent: the points are the paragraph's sub-list."""
    from pipeline.candidates import sections_to_candidates
    from pipeline.parse.common import marker_style
    from pipeline.segment import document_to_sections

    path = tmp_path / "memo.txt"
    path.write_text(
        "MEMORANDUM\n\n"
        "5. After consulting the Steering Committee, the Ministry set these priorities:\n"
        "(a) Completing the rehabilitation of freed bonded labourers;\n"
        "(b) Extending the child labour free municipality model;\n"
        "6. These priorities are aligned with the national plan.\n"
        "9. On follow-up, the Ministry will take the following steps before July:\n"
        "(i) convene the National Steering Committee on child labour;\n"
        "(ii) complete a costing of the roadmap.\n"
        "10. The Ministry will also report to the Global Coordinating Group.\n",
        "utf-8",
    )
    doc = parse_file(path)
    levels = {b.marker: b.level for b in doc.blocks if b.kind == BlockKind.list_item}
    assert levels == {"5.": 0, "(a)": 1, "(b)": 1, "6.": 0, "9.": 0, "(i)": 1, "(ii)": 1, "10.": 0}
    parents = {
        c.item.text: c.parent for c in sections_to_candidates(doc, document_to_sections(doc))
    }
    assert parents["complete a costing of the roadmap."].startswith("On follow-up")
    assert parents["The Ministry will also report to the Global Coordinating Group."] is None
    # '(i)' after '(h)' is the ninth letter, not the Roman one.
    assert marker_style("(i)", "(h)") == marker_style("(h)") != marker_style("(i)")
    assert marker_style("(ii)", "(i)") == marker_style("(i)") == "roman-lower()"


def test_a_cue_on_a_list_item_gives_its_role_to_its_sub_list_only(tmp_path: Path) -> None:
    """'5. ... identified the following priorities:' heads (a)-(b), not the memo's later
    paragraphs; '9. ... will take the following steps:' heads (i)-(ii) as next steps."""
    from pipeline.rules_extract import rule_items
    from pipeline.segment import document_to_sections

    path = tmp_path / "memo.txt"
    path.write_text(
        "MEMORANDUM\n\n"
        "5. After consulting the Steering Committee on child labour, the Ministry has "
        "identified the following priorities:\n"
        "(a) Completing the rehabilitation of freed bonded labourers;\n"
        "(b) Extending the child labour free municipality model;\n"
        "6. The Secretariat will recall that the last survey dates from 2021.\n"
        "9. On follow-up, the Ministry intends to take the following steps before July:\n"
        "(i) convene the National Steering Committee on child labour;\n"
        "(ii) complete a costing of the roadmap.\n"
        "10. The Ministry renews the assurances of its highest consideration.\n",
        "utf-8",
    )
    doc = parse_file(path)
    items, _ = rule_items(doc, document_to_sections(doc))
    assert [(i.kind, i.text) for i in items] == [
        ("priority", "Completing the rehabilitation of freed bonded labourers"),
        ("priority", "Extending the child labour free municipality model"),
        ("next_step", "convene the National Steering Committee on child labour"),
        ("next_step", "complete a costing of the roadmap."),
    ]


CALL_NOTE = (
    "2. DISCUSSION\n\n"
    "* The ministry wants a shorter roadmap\n  that is fully costed.\n\n"
    "4. ACTION POINTS\n\n"
    "1. Send the revised draft, with the costing annex, to the\n"
    "   Secretariat by 14 March [MoL]\n"
    "2. Propose two dates for the validation workshop\n"
    "   in late April [ILO]\n\n"
    "Next call: week of 24 March.\n"
)


@pytest.mark.parametrize(
    ("extra", "fmt"), [("", "text"), ("- Ministry of Labour\n- ILO\n\n", "markdown")]
)
def test_wrapped_list_items_go_on_under_their_text_and_caps_sections_head(
    tmp_path: Path, extra: str, fmt: str
) -> None:
    """A call note pasted from a mail client wraps its list items with a hanging indent: the
    wrapped lines continue the item (in Markdown, CommonMark's lazy continuation), also in a
    note too short for a wrap width to show; a numbered line in capitals alone above a blank
    line is its section's heading, even with a numbered list below it."""
    path = tmp_path / "call_note.txt"
    path.write_text(extra + CALL_NOTE, "utf-8")
    doc = parse_file(path)
    assert doc.format == fmt
    assert [(b.kind.value, b.text) for b in doc.blocks][-6:] == [
        ("heading", "DISCUSSION"),
        ("list_item", "The ministry wants a shorter roadmap that is fully costed."),
        ("heading", "ACTION POINTS"),
        (
            "list_item",
            "Send the revised draft, with the costing annex, to the Secretariat by 14 March [MoL]",
        ),
        ("list_item", "Propose two dates for the validation workshop in late April [ILO]"),
        ("paragraph", "Next call: week of 24 March."),
    ]


def test_an_agenda_spaced_out_in_capitals_stays_a_list(tmp_path: Path) -> None:
    path = tmp_path / "agenda.txt"
    path.write_text("AGENDA\n\n1. OPENING\n\n2. ADOPTION OF THE AGENDA\n\n3. CLOSING\n", "utf-8")
    kinds = [(b.kind.value, b.text) for b in parse_file(path).blocks]
    assert kinds[1:] == [
        ("list_item", "OPENING"),
        ("list_item", "ADOPTION OF THE AGENDA"),
        ("list_item", "CLOSING"),
    ]


def test_a_quoted_messages_lists_are_lists_and_its_bare_quote_lines_blank(tmp_path: Path) -> None:
    """A reply quotes the message that holds the agreed steps: its '> 1)' lines are list
    items that keep the quote before their text (the extractor reads it as quoted), a bare
    '>' line separates like a blank one, and an item's text has no quote mark."""
    from pipeline.extract import sections_to_items
    from pipeline.segment import document_to_sections

    path = tmp_path / "reply.txt"
    path.write_text(
        "Subject: RE: child labour roadmap\n\nThanks, noted.\n\n"
        "On Tue, Ana wrote:\n> Dear Tom,\n>\n> We agreed on the next steps:\n>\n"
        "> 1) Send the final roadmap to the Secretariat by 15 April.\n"
        "> 2) Set up a technical group with ILO and IOM.\n>\n> Best, Ana\n",
        "utf-8",
    )
    doc = parse_file(path)
    quoted = [(b.kind.value, b.text, b.marker) for b in doc.blocks if b.text.startswith(">")]
    assert quoted == [
        ("paragraph", "> Dear Tom,", None),
        ("paragraph", "> We agreed on the next steps:", None),
        ("list_item", "> Send the final roadmap to the Secretariat by 15 April.", "1)"),
        ("list_item", "> Set up a technical group with ILO and IOM.", "2)"),
        ("paragraph", "> Best, Ana", None),
    ]
    texts = [i.text for i in sections_to_items(doc, document_to_sections(doc))]
    assert "Send the final roadmap to the Secretariat by 15 April." in texts


def test_a_line_underlined_with_dashes_or_equals_is_a_heading(tmp_path: Path) -> None:
    """A memo typed in plain text underlines its section titles ('3. SECRETARIAT FOLLOW-UP'
    over '------'): the line heads its section and the rule goes; a full-width rule under a
    one-word line is a separator, not an underline."""
    path = tmp_path / "memo.txt"
    path.write_text(
        "MEMORANDUM\n" + "=" * 60 + "\n\n"
        "1. PURPOSE\n----------\nThis memo sums up the plans of three countries.\n\n"
        "3. SECRETARIAT FOLLOW-UP\n------------------------\n"
        "Before the meeting the Secretariat will:\n\n"
        "  1. Share a progress table with members.\n  2. Organise a webinar for focal points.\n",
        "utf-8",
    )
    blocks = [(b.kind.value, b.text) for b in parse_file(path).blocks]
    assert ("heading", "1. PURPOSE") in blocks
    assert ("heading", "3. SECRETARIAT FOLLOW-UP") in blocks
    assert not any(set(text) <= {"-"} for _, text in blocks)
    assert blocks[1][1] == "=" * 60  # too long to underline 'MEMORANDUM': a separator


def test_a_line_boxed_between_rules_heads_its_section_and_lower_case_lines_go_on(
    tmp_path: Path,
) -> None:
    """A call note boxes its country parts between two rules ('1) SRI LANKA'), the parts
    numbered 1) and 2) far apart; its paragraphs are wrapped near 100 characters with lines
    that run past it, too loosely for a wrap width, and a line opening in lower case without
    a marker goes on with the long line above it."""
    rule = "-" * 68
    path = tmp_path / "note.txt"
    path.write_text(
        f"Purpose of the call: to review where both countries stand on their roadmaps.\n\n"
        f"{rule}\n1) SRI LANKA\n{rule}\n"
        "Where things stand: the national steering committee met in January and endorsed the\n"
        "draft roadmap. The inspection campaign in the estate sector was completed last year,\n"
        "and 60 officers were trained.\n\n"
        "Agreed next steps:\n"
        "  - Secretariat to share the updated roadmap template with the Ministry of Labour"
        " by 14 February;\n"
        "  - ILO Colombo to circulate the draft terms of reference for the child labour survey"
        " in the estates;\n\n"
        f"{rule}\n2) MOROCCO\n{rule}\n"
        "Action points:\n  * Morocco to submit its progress report before the May meeting\n",
        "utf-8",
    )
    blocks = [(b.kind.value, b.text) for b in parse_file(path).blocks]
    assert ("heading", "1) SRI LANKA") in blocks
    assert ("heading", "2) MOROCCO") in blocks
    assert (
        "paragraph",
        "Where things stand: the national steering committee met in January and endorsed the "
        "draft roadmap. The inspection campaign in the estate sector was completed last year, "
        "and 60 officers were trained.",
    ) in blocks
    assert sum(kind == "list_item" for kind, _ in blocks) == 3
