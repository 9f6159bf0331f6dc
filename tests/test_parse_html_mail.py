"""Web pages saved as HTML and e-mails saved as MIME messages are read as their reader sees them."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

from pipeline.models import BlockKind
from pipeline.parse import parse_file
from pipeline.process import process_file

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Kenya | Pathfinder pages</title>
<style>body { font: 12px serif; }</style><script>var menu = "Priorities";</script></head>
<body>
<nav><ul><li><a href="/">Home</a></li>
<li><a href="/countries">Pathfinder Countries</a></li></ul></nav>
<main>
<h1>Kenya</h1>
<p>Joined as a Pathfinder Country in 2019 &middot; page updated in <em>May 2025</em></p>
<h2>Overview</h2>
<p>Kenya&rsquo;s roadmap was validated by the tripartite partners after a national workshop.</p>
<table>
<tr><th>Children in child labour (survey)</th><td>1.3 million</td></tr>
<tr><th>Focal point</th><td>Ministry of Labour and Social Protection</td></tr>
</table>
<h2>Priorities</h2>
<p>The roadmap names these areas of work:</p>
<ul>
<li>Enforcing the list of hazardous work for children in tea and fishing</li>
<li>Protecting migrant domestic workers bound for the Gulf
  <ul><li>through licensed recruitment agencies only</li></ul></li>
<li>Training <strong>labour inspectors</strong> on forced labour indicators</li>
</ul>
<h2>Next steps</h2>
<ol><li>Validate the costed action plan before the end of 2025</li>
<li>Publish the child labour survey report</li></ol>
<h2>Progress</h2>
<ul><li>The Counter-Trafficking Act was amended in 2022.</li></ul>
</main>
<footer><p>Subscribe to our newsletter and follow the next steps of the Alliance.</p></footer>
</body></html>
"""


def test_an_html_page_keeps_its_headings_lists_and_tables_and_drops_the_site(
    tmp_path: Path,
) -> None:
    path = tmp_path / "kenya.html"
    path.write_text(_PAGE, "utf-8")
    doc = parse_file(path)
    assert doc.format == "html"
    assert doc.title == "Kenya"  # the page's top heading, not the <title> with the site's name
    text = [b.text for b in doc.blocks]
    assert not any("Home" in t or "menu" in t or "newsletter" in t or "font" in t for t in text)
    headings = {b.text: b.heading_level for b in doc.blocks if b.kind == BlockKind.heading}
    assert headings["Kenya"] == 1 and headings["Priorities"] == 2
    items = [b for b in doc.blocks if b.kind == BlockKind.list_item]
    nested = next(b for b in items if b.text == "through licensed recruitment agencies only")
    assert nested.level == 1
    assert "Training labour inspectors on forced labour indicators" in [b.text for b in items]
    numbered = [b.marker for b in items if b.text.startswith(("Validate", "Publish"))]
    assert numbered == ["1.", "2."]
    # A facts table whose rows are headed by <th> has no header row: values stay in rows.
    cells = {b.text: b.table for b in doc.blocks if b.table}
    assert cells["1.3 million"].row == cells["Children in child labour (survey)"].row
    assert not cells["Focal point"].is_header
    assert any(t.startswith("Kenya’s roadmap was validated") for t in text)  # entities decoded


def test_an_html_pages_priorities_and_next_steps_are_extracted(tmp_path: Path) -> None:
    path = tmp_path / "kenya.htm"
    path.write_text(_PAGE, "utf-8")
    result = process_file(path)
    by_text = {i.text: i for i in result.items}
    assert by_text["Enforcing the list of hazardous work for children in tea and fishing"].kind == (
        "priority"
    )
    assert by_text["Publish the child labour survey report"].kind == "next_step"
    assert all(i.country == "KEN" for i in result.items)
    assert not any("Counter-Trafficking Act" in t for t in by_text)


def test_a_saved_mime_email_is_decoded(tmp_path: Path) -> None:
    msg = EmailMessage()
    msg["From"] = "Punto focal <pf@mtess.example.gov.py>"
    msg["To"] = "Secretaría <secretariat@example.org>"
    msg["Subject"] = "Próximos pasos acordados en la sesión"
    body = (
        "Estimados colegas:\n\n"
        "En cuanto a los próximos pasos, se acordó lo siguiente:\n\n"
        "- Convocar la próxima sesión de la Mesa sobre trabajo infantil antes del 15 de marzo;\n"
        "- Compartir el plan de trabajo 2025 con la Secretaría.\n\n"
        "Saludos cordiales,\nLa Secretaría Técnica\n"
    )
    msg.set_content(body, charset="utf-8", cte="quoted-printable")
    msg.add_alternative("<p>HTML version</p>", subtype="html")
    path = tmp_path / "mensaje.eml"
    path.write_bytes(bytes(msg))
    raw = path.read_bytes()
    assert b"=?utf-8?" in raw and b"=C3=B3" in raw  # the header and body are encoded on disk
    doc = parse_file(path)
    assert doc.title == "Próximos pasos acordados en la sesión"
    texts = [b.text for b in doc.blocks]
    assert (
        "Convocar la próxima sesión de la Mesa sobre trabajo infantil antes del 15 de marzo;"
        in texts
    )
    assert "HTML version" not in texts  # the plain version is the one read
    result = process_file(path)
    assert {i.kind for i in result.items} == {"next_step"} and len(result.items) == 2
    # No country is named: the sender's government domain ('.gov.py') says whose it is.
    assert {i.country for i in result.items} == {"PRY"}


def test_an_html_only_email_is_read_as_a_page(tmp_path: Path) -> None:
    msg = EmailMessage()
    msg["From"] = "a@example.org"
    msg["Subject"] = "Notes"
    msg.set_content("<h2>Next steps</h2><ul><li>Circulate the draft roadmap</li></ul>", "html")
    path = tmp_path / "notes.eml"
    path.write_bytes(bytes(msg))
    blocks = parse_file(path).blocks
    item = next(b for b in blocks if b.kind == BlockKind.list_item)
    assert item.text == "Circulate the draft roadmap"
    assert any(b.kind == BlockKind.heading and b.text == "Next steps" for b in blocks)


def test_hard_wrapped_text_with_a_few_long_lines_is_unwrapped(tmp_path: Path) -> None:
    wrapped = (
        "Thank you for the call on Friday. As promised, here is my summary of what we\n"
        "discussed, so that you have something written to take to your colleagues and\n"
        "partners in the districts.\n\n"
        "Some background for whoever reads this later: the roadmap was adopted in 2019\n"
        "and the review was meant to happen in 2024, but it slipped because of the\n"
        "elections, and the team felt the roadmap had too many lines in it to follow.\n\n"
    )
    long_line = "On next steps we agreed on three things, " + "word " * 40 + "end.\n\n"
    path = tmp_path / "note.txt"
    path.write_text("Hello,\n\n" + wrapped + long_line + wrapped, "utf-8")
    texts = [b.text for b in parse_file(path).blocks]
    assert (
        "Thank you for the call on Friday. As promised, here is my summary of what we discussed,"
        " so that you have something written to take to your colleagues and partners in the"
        " districts."
    ) in texts
    assert sum(t.startswith("On next steps") for t in texts) == 1


def test_a_rule_line_as_wide_as_the_text_does_not_swallow_the_next_line(tmp_path: Path) -> None:
    rule = "=" * 78
    para = (
        "The Secretariat prepared this summary for circulation among the members of the\n"
        "Group; it is not a verbatim record of the meeting and was translated by the team.\n"
    )
    path = tmp_path / "summary.txt"
    path.write_text(
        f"{rule}\nGLOBAL COORDINATING GROUP - SUMMARY OF THE MEETING\n{rule}\n\n"
        + (para + "\n") * 4,
        "utf-8",
    )
    texts = [b.text for b in parse_file(path).blocks]
    assert "GLOBAL COORDINATING GROUP - SUMMARY OF THE MEETING" in texts
    assert not any(t.startswith("=") and len(t) > len(rule) for t in texts)


REPLY = """\
From: Focal Point <focal.point@labour.gov.example>
Subject: Re: Mission follow-up
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"

Dear colleague,

Thank you for the mission last week. Here is my summary of where we landed on the
last afternoon, for you to correct before I share it with the national task force.

AGREED NEXT STEPS

1. Share the revised roadmap matrix, including the changes agreed during the
   mission, with all members of the National Task Force
   -> Ministry of Labour | by 20 June
2. Cost the four child labour activities of the roadmap that still have no
   budget line
   -> Ministry of Labour / ILO | by 15 July

The Treasury representative was clear that nothing new can be added before the
next budget call, so we will have to rely on partner funding for the rest of the
year, as we discussed with the development partners on the last day.

Best regards,
A. Focal Point
Assistant Commissioner of Labour | National Coordinator, Alliance 8.7 Pathfinder Process

On Mon, 26 May 2025 at 11:05, Programme Officer <officer@example.org> wrote:
> Dear colleague,
>
> Action points from our call (for reference):
> 1. Ministry to send the draft mission programme, with the list of agencies
> to meet
> 2. Secretariat to share the updated roadmap template
"""


def test_a_reply_is_unwrapped_under_a_long_signature_line(tmp_path: Path) -> None:
    """A message wrapped at 78 characters whose signature holds a longer line is still read
    as wrapped; an item's '-> owner | deadline' line stays its own. (The quoted earlier
    message is kept: in a thread it may hold the priorities the reply builds on.)"""
    path = tmp_path / "reply.eml"
    path.write_text(REPLY, "utf-8")
    blocks = [(b.kind, b.text) for b in parse_file(path).blocks]
    assert (
        BlockKind.list_item,
        "Share the revised roadmap matrix, including the changes agreed during the mission, "
        "with all members of the National Task Force",
    ) in blocks
    assert (
        BlockKind.list_item,
        "Cost the four child labour activities of the roadmap that still have no budget line",
    ) in blocks
    texts = [t for _, t in blocks]
    assert any(t.startswith("-> Ministry of Labour / ILO") for t in texts)
    items = {(i.kind, i.text) for i in process_file(path).items}
    assert (
        "next_step",
        "Cost the four child labour activities of the roadmap that still have no budget line",
    ) in items


def test_a_quoted_message_is_unwrapped_without_its_quote_marks_inside_the_text(
    tmp_path: Path,
) -> None:
    """Wrapped lines of a quoted earlier message join each other, not the reply's lines, and
    no '>' is left inside a joined line."""
    path = tmp_path / "reply.eml"
    path.write_text(
        REPLY
        + "> It would also help if you could send us the progress report and the latest\n"
        + "> version of the roadmap matrix, so that we can prepare the mid-term review.\n",
        "utf-8",
    )
    texts = [b.text for b in parse_file(path).blocks]
    assert (
        "> It would also help if you could send us the progress report and the latest "
        "version of the roadmap matrix, so that we can prepare the mid-term review."
    ) in texts
    assert not any(" > " in t for t in texts)
