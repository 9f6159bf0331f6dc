"""pipeline/segment.py: sections at headings, with the country and role their headings give,
and the country of a whole document."""

from __future__ import annotations

from pipeline.models import Block, BlockKind, Document, Section
from pipeline.segment import document_country, document_to_sections, names_region

H, P, L, T = BlockKind.heading, BlockKind.paragraph, BlockKind.list_item, BlockKind.title

# A paragraph of more than 12 words that names no country (not a subtitle line).
FILLER = "The participants discussed the situation at length and agreed to meet again later on."


def _doc(*blocks: tuple, title: str | None = None) -> Document:
    """A document from (kind, text) or (kind, text, heading_level) tuples, one page."""
    out = []
    for n, (kind, text, *level) in enumerate(blocks, start=1):
        heading_level = level[0] if level else (2 if kind == H else None)
        out.append(Block(id=f"p1-b{n}", kind=kind, text=text, page=1, heading_level=heading_level))
    return Document(
        id="0" * 64, source="note.txt", format="text", page_count=1, title=title, blocks=out
    )


def _by_heading(sections: list[Section]) -> dict[str, Section]:
    return {s.heading_path[-1] if s.heading_path else "": s for s in sections}


def test_headings_open_sections_in_reading_order() -> None:
    doc = _doc(
        (P, FILLER),
        (H, "Context", 1),
        (P, "Some words."),
        (H, "Findings", 1),
        (L, "A finding"),
        (L, "Another finding"),
    )
    sections = document_to_sections(doc)
    assert [s.id for s in sections] == ["root", "p1-b2", "p1-b4"]
    assert [[b.id for b in s.blocks] for s in sections] == [
        ["p1-b1"],
        ["p1-b2", "p1-b3"],
        ["p1-b4", "p1-b5", "p1-b6"],
    ]
    assert [s.heading_path for s in sections] == [[], ["Context"], ["Findings"]]
    # Every block is in exactly one section.
    assert sum(len(s.blocks) for s in sections) == len(doc.blocks)


def test_an_empty_root_is_dropped_and_levels_nest() -> None:
    doc = _doc((H, "Part one", 1), (H, "Detail", 2), (P, "x"), (H, "Part two", 1), (P, "y"))
    sections = document_to_sections(doc)
    assert [s.heading_path for s in sections] == [
        ["Part one"],
        ["Part one", "Detail"],
        ["Part two"],
    ]


def test_country_heading_sets_the_country_and_a_bare_next_steps_keeps_it() -> None:
    doc = _doc(
        (P, "Regional meeting report"),
        (P, FILLER),
        (P, FILLER),
        (P, FILLER),
        (H, "Kenya", 1),
        (P, "Kenya has a plan."),
        (H, "Next steps", 1),  # same level as "Kenya", yet it belongs to Kenya
        (L, "Adopt the plan"),
        (H, "Uganda", 1),
        (H, "Next steps", 1),
        (L, "Train inspectors"),
        (H, "Annex", 1),
    )
    sections = document_to_sections(doc)
    assert sections[0].id == "root" and sections[0].country is None
    by_id = {s.id: s for s in sections}
    assert (by_id["p1-b5"].country, by_id["p1-b5"].country_evidence) == ("KEN", "Kenya")
    kenya_next = by_id["p1-b7"]
    assert kenya_next.heading_path == ["Kenya", "Next steps"]
    assert (kenya_next.country, kenya_next.role, kenya_next.role_cue) == (
        "KEN",
        "next_step",
        "next steps",
    )
    uganda_next = by_id["p1-b10"]
    assert uganda_next.heading_path == ["Uganda", "Next steps"]
    assert uganda_next.country == "UGA"
    # A heading that is not only a cue closes the country's section.
    annex = by_id["p1-b12"]
    assert annex.heading_path == ["Annex"]
    assert annex.country is None


def test_numbered_sub_heading_keeps_the_role_and_an_unnumbered_one_does_not() -> None:
    doc = _doc(
        (H, "4. Priorities for action", 1),
        (H, "4.1 Data", 2),
        (L, "Publish the survey"),
        (H, "Background notes", 2),
        (H, "5. Partnerships", 1),
        (H, "5.1 Data", 2),
    )
    by_heading = _by_heading(document_to_sections(doc))
    assert by_heading["4. Priorities for action"].role == "priority"
    data = by_heading["4.1 Data"]
    assert data.heading_path == ["4. Priorities for action", "4.1 Data"]
    assert (data.role, data.role_cue) == ("priority", "priorities for action")
    assert by_heading["5.1 Data"].role is None


def test_stop_heading() -> None:
    doc = _doc((H, "Lessons learnt", 1), (L, "Start early"))
    [section] = document_to_sections(doc)
    assert section.stop is True
    assert section.role is None
    assert section.role_cue == "lessons learnt"


def test_region_heading_gives_no_country() -> None:
    doc = _doc(
        (H, "Kenya", 1),
        (H, "Southern Africa: regional follow-up", 2),
        (L, "Hold a regional meeting"),
        (H, "Labour inspection", 2),
    )
    by_heading = _by_heading(document_to_sections(doc))
    region = by_heading["Southern Africa: regional follow-up"]
    assert region.heading_path == ["Kenya", "Southern Africa: regional follow-up"]
    assert (region.country, region.country_evidence) == (None, None)
    # An ordinary sub-heading takes its parent's country.
    assert by_heading["Labour inspection"].country == "KEN"
    assert names_region("Southern Africa: regional follow-up")
    assert names_region("Cono Sur")
    assert not names_region("Kenya")


def test_root_takes_the_document_country() -> None:
    doc = _doc((P, "Introduction"), (H, "Context", 1), title="Nepal roadmap 2024")
    sections = document_to_sections(doc)
    assert [s.country for s in sections] == ["NPL", "NPL"]
    assert sections[0].country_evidence == "Nepal"


def test_document_country_from_title_first_line_and_subtitle() -> None:
    from_title = document_country(_doc((P, FILLER), title="Feuille de route du Sénégal"))
    assert from_title is not None and from_title.code == "SEN"
    # Without a title, the first line.
    first_line = document_country(_doc((H, "Guatemala: informe", 1), (P, FILLER)))
    assert first_line is not None and first_line.code == "GTM"
    # A short line after the first names the country...
    subtitle = document_country(_doc((P, "Meeting report"), (P, "Republic of Uganda")))
    assert subtitle is not None and subtitle.code == "UGA"
    # ... but a capital there names only the venue, unless the document is a national one.
    assert document_country(_doc((P, "Meeting report"), (P, "Kathmandu, 3 May"))) is None
    national = document_country(_doc((P, "National meeting report"), (P, "Kathmandu, 3 May")))
    assert national is not None and national.code == "NPL"


def test_document_country_from_dominance() -> None:
    def doc(uganda: int, kenya: int) -> Document:
        blocks = [(P, "Meeting report"), (P, FILLER), (P, FILLER), (P, FILLER)]
        blocks += [(P, f"{FILLER} Uganda agreed.")] * uganda
        blocks += [(P, f"{FILLER} Kenya agreed.")] * kenya
        return _doc(*blocks)

    four_of_five = document_country(doc(4, 1))  # 4 mentions, 80%
    assert four_of_five is not None and four_of_five.code == "UGA"
    assert document_country(doc(4, 2)) is None  # 67%: no country dominates
    three_alone = document_country(doc(3, 0))
    assert three_alone is not None and three_alone.code == "UGA"
    assert document_country(doc(3, 1)) is None  # 3 mentions, but not alone
    assert document_country(doc(2, 0)) is None  # too few

    # Named three times as often as any other and in 60% of mentions: minutes that mention
    # the neighbours once each.
    def with_neighbours(uganda: int) -> Document:
        blocks = [(P, "Meeting report"), (P, FILLER)]
        blocks += [(P, f"{FILLER} Uganda agreed.")] * uganda
        blocks += [(P, f"{FILLER} Kenya agreed."), (P, f"{FILLER} Rwanda agreed.")]
        return _doc(*blocks)

    outnumbered = document_country(with_neighbours(5))  # 5 of 7, three times the next
    assert outnumbered is not None and outnumbered.code == "UGA"
    assert document_country(doc(5, 2)) is None  # 71%, but only 2.5 times the next


def test_a_global_body_record_takes_a_country_only_when_one_delegation_speaks_alone() -> None:
    def record(nepal: int, others: list[str]) -> Document:
        blocks = [(P, "Global Coordinating Group: summary record"), (P, FILLER)]
        blocks += [(P, f"{FILLER} Nepal agreed.")] * nepal
        blocks += [(P, f"{FILLER} {name} agreed.") for name in others]
        return _doc(*blocks)

    alone = document_country(record(9, ["Kenya"]))  # an excerpt: one delegation's turn
    assert alone is not None and alone.code == "NPL"
    assert document_country(record(6, ["Kenya"])) is None  # a record that discusses Nepal
    assert document_country(record(9, ["Kenya", "Peru", "Chile"])) is None  # 75%: not alone


def test_an_email_from_a_government_domain_is_that_countrys() -> None:
    sent = _doc((P, "From: Focal point <fp@mol.gov.np>"), (P, "Subject: Notes"), (P, FILLER))
    found = document_country(sent)
    assert found is not None and found.code == "NPL" and found.text == "fp@mol.gov.np"
    ministry = _doc((P, "De : point.focal@emploi.gouv.ci"), (P, FILLER))
    assert document_country(ministry).code == "CIV"  # type: ignore[union-attr]
    # Not a government domain, or the address of a recipient only: no country from it.
    assert document_country(_doc((P, "From: someone@example.org.np"), (P, FILLER))) is None
    assert document_country(_doc((P, "To: fp@mol.gov.np"), (P, FILLER))) is None


def test_document_country_from_a_form_field(tmp_path) -> None:
    """Questionnaires and pledge forms name their country in a field: a 'Country | X' table
    row (even when it is the first row, read as a header) or a 'Pays : X' line; a field that
    names two countries gives none."""
    from pipeline.parse import parse_file

    cases = {
        "| Pays | Tunisie |\n|---|---|\n| Institution | Ministère |\n": "TUN",
        "| | |\n|---|---|\n| Institution | Ministry |\n| Country | Ghana |\n": "GHA",
        "País: Bolivia\n\nInstitución: Ministerio de Trabajo\n": "BOL",
        "| Country | Ghana and Togo |\n|---|---|\n| Institution | Ministry |\n": None,
    }
    for n, (body, code) in enumerate(cases.items()):
        path = tmp_path / f"form{n}.md"
        path.write_text(f"# Self-assessment questionnaire\n\n{body}\n{FILLER}\n", "utf-8")
        found = document_country(parse_file(path))
        assert (found.code if found else None) == code, body


def test_title_with_two_countries_gives_none() -> None:
    assert document_country(_doc((P, FILLER), title="Nepal and Uganda exchange")) is None


def test_slide_title_opens_a_top_level_section() -> None:
    doc = _doc(
        (T, "Kenya", None),
        (H, "Priorities", 2),
        (L, "Adopt the plan"),
        (T, "Uganda", None),
        (L, "Train inspectors"),
    )
    sections = document_to_sections(doc)
    assert [s.heading_path for s in sections] == [["Kenya"], ["Kenya", "Priorities"], ["Uganda"]]
    assert [s.country for s in sections] == ["KEN", "KEN", "UGA"]
    assert sections[1].role == "priority"


def test_numbered_next_steps_stays_top_level_but_keeps_the_previous_country() -> None:
    doc = _doc(
        (P, "Regional meeting report"),
        (P, FILLER),
        (P, FILLER),
        (P, FILLER),
        (H, "I. Kenya", 1),
        (P, "x"),
        (H, "II. Next steps", 1),
        (L, "Adopt the plan"),
        (H, "III. Context", 1),
    )
    by_heading = _by_heading(document_to_sections(doc))
    nxt = by_heading["II. Next steps"]
    assert nxt.heading_path == ["II. Next steps"]  # numbered: its own top-level section
    assert (nxt.country, nxt.country_evidence, nxt.role) == ("KEN", "Kenya", "next_step")
    assert by_heading["III. Context"].country is None


def test_a_bare_cue_title_after_a_stop_section_is_its_own_section() -> None:
    """'Prioridades 2026' after a 'Desafíos' slide is not a part of the challenges."""
    doc = _doc(
        (T, "Desafíos", None),
        (L, "Pocos inspectores en el Chaco"),
        (T, "Prioridades 2026", None),
        (H, "Trabajo infantil", 2),
        (L, "Regular el trabajo adolescente permitido"),
        (T, "¿Qué sigue? Primer semestre 2026", None),
        (L, "Costear la hoja de ruta"),
    )
    by_heading = _by_heading(document_to_sections(doc))
    assert by_heading["Desafíos"].stop
    assert by_heading["Prioridades 2026"].heading_path == ["Prioridades 2026"]
    assert by_heading["Trabajo infantil"].heading_path == ["Prioridades 2026", "Trabajo infantil"]
    assert by_heading["¿Qué sigue? Primer semestre 2026"].role == "next_step"


def test_document_country_from_a_formal_state_name_or_a_venue_line() -> None:
    """A line under the title longer than a subtitle names the country by the state's formal
    name; in a national body's document a venue line that opens with the capital does too;
    a long line that merely mentions a country does not."""
    formal = _doc(
        (P, "Annual reporting template, cycle 2024/2025"),
        (
            P,
            "Réponse de la République togolaise – Ministère de la Fonction publique, du "
            "Travail et du Dialogue social, Direction générale du Travail",
        ),
        (P, FILLER),
    )
    assert document_country(formal).code == "TGO"
    venue = _doc(
        (P, "Inter-Ministerial Steering Committee on Target 8.7 – Minutes of the third meeting"),
        (P, "Ulaanbaatar, Government House, meeting room 3, Tuesday 18 February 2025, 14:30"),
        (P, FILLER),
    )
    assert document_country(venue).code == "MNG"
    passing = _doc(
        (P, "Annual reporting template, cycle 2024/2025"),
        (
            P,
            "Replies were received from several partners, including a delegation that had "
            "travelled from Kenya for the occasion last week",
        ),
        (P, FILLER),
    )
    assert document_country(passing) is None


def test_a_global_bodys_record_takes_no_country_from_the_one_it_discusses() -> None:
    """A GCG record that discusses one candidate country at length is still the GCG's."""
    blocks = [(P, FILLER), (P, FILLER), (P, FILLER)]
    blocks += [
        (P, f"Une délégation du Gabon était invitée pour le point trois. {FILLER}"),
        (P, f"La candidature du Gabon a été examinée par les membres. {FILLER}"),
        (P, f"Le Gabon s'engage à adopter un plan national contre la traite. {FILLER}"),
    ]
    gcg = _doc(*blocks, title="Relevé de conclusions du Groupe de coordination mondial")
    assert document_country(gcg) is None
    national = _doc(*blocks, title="Relevé de conclusions de l'atelier")
    assert document_country(national).code == "GAB"


def test_a_bare_cue_title_after_a_slide_about_something_else_is_its_own_section() -> None:
    """'Prioridades nacionales' after a slide of results ('Lo que hemos logrado (2022-2024)')
    is not a part of it; a bare cue still belongs to a country or short subject before it.
    A label naming a subject under it ('Trabajo infantil:') keeps the priorities' role; a
    label naming a part ('On the impact:') does not."""
    doc = _doc(
        (T, "Lo que hemos logrado (2022-2024)", None),
        (L, "Hoja de ruta validada en 2022"),
        (T, "Prioridades nacionales", None),
        (H, "Trabajo infantil:", 2),
        (L, "Becas escolares en municipios de alta incidencia"),
        (H, "On the impact:", 2),
        (T, "Kenya", None),
        (T, "Next steps", None),
    )
    by_heading = _by_heading(document_to_sections(doc))
    assert by_heading["Prioridades nacionales"].heading_path == ["Prioridades nacionales"]
    label = by_heading["Trabajo infantil:"]
    assert label.heading_path == ["Prioridades nacionales", "Trabajo infantil:"]
    assert label.role == "priority"
    assert by_heading["On the impact:"].role is None
    assert by_heading["Next steps"].heading_path == ["Kenya", "Next steps"]


def test_an_organisation_line_gives_its_country_to_the_pledge_under_it() -> None:
    """GOLD.md: 'Argentina – Comité Ejecutivo ...' gives the country of the pledge under it,
    through the pledge's own sub-headings, until another organisation line or a heading
    naming a country or region."""
    doc = _doc(
        (H, "Compilación de compromisos", 1),
        (P, "Compromiso n.º 1 | Ecuador – Ministerio del Trabajo"),
        (P, "Erradicar el trabajo infantil en la cadena del banano"),
        (H, "Implementación", 2),
        (L, "Capacitar a 120 inspectores"),
        (P, "Compromiso n.º 2 | Argentina – Comité Ejecutivo contra la Trata"),
        (P, "Fortalecer la asistencia a las víctimas de trata"),
        (H, "Implementación", 2),
        (L, "Elaborar un protocolo único de derivación"),
        (H, "América Latina", 1),
        (L, "Organizar un taller subregional"),
    )
    sections = document_to_sections(doc)
    country = {b.text: s.country for s in sections for b in s.blocks}
    assert country["Erradicar el trabajo infantil en la cadena del banano"] == "ECU"
    assert country["Capacitar a 120 inspectores"] == "ECU"
    assert country["Fortalecer la asistencia a las víctimas de trata"] == "ARG"
    assert country["Elaborar un protocolo único de derivación"] == "ARG"
    assert country["Organizar un taller subregional"] is None


def test_a_short_heading_naming_a_subject_keeps_the_priorities_role() -> None:
    """A deck exported to PDF sets the titles of its theme boxes as headings under the
    slide's title ('Priority areas agreed' > 'TRAFFICKING IN PERSONS'): each box keeps the
    title's role; a heading of a part ('Lessons learnt') or a sentence-like one does not."""
    doc = _doc(
        (T, "Priority areas agreed by the working groups", None),
        (H, "TRAFFICKING IN PERSONS", 2),
        (L, "Victim shelters in every province"),
        (H, "Lessons learnt", 2),
        (L, "Start the consultations earlier"),
        (H, "What the groups discussed on the second day", 2),
        (L, "Data on cases sits in five systems"),
    )
    by_heading = _by_heading(document_to_sections(doc))
    assert by_heading["TRAFFICKING IN PERSONS"].role == "priority"
    assert by_heading["Lessons learnt"].role != "priority"
    assert by_heading["What the groups discussed on the second day"].role is None


def test_an_organisation_line_set_as_a_heading_gives_its_country_to_the_headings_after_it() -> None:
    """A plain-text compilation sets 'Malawi – Ministry of Labour' apart, then a 'Received:'
    line read as a heading of its own: the pledge under it is still Malawi's. A heading
    'Kenya – update' gives its country to its own section only."""
    doc = _doc(
        (H, "Compilation of pledges received", 1),
        (P, FILLER),
        (P, FILLER),
        (P, FILLER),
        (H, "Malawi – Ministry of Labour", 2),
        (H, "Received: 11 July 2025", 2),
        (L, "Enact the revised Tenancy Labour Bill"),
        (H, "Kenya – update", 2),
        (P, "The roadmap was validated in March."),
        (H, "Decisions of the meeting", 2),
        (L, "Convene the working group in May"),
    )
    sections = document_to_sections(doc)
    country = {b.text: s.country for s in sections for b in s.blocks}
    assert country["Enact the revised Tenancy Labour Bill"] == "MWI"
    assert country["The roadmap was validated in March."] == "KEN"
    assert country["Convene the working group in May"] is None


def test_longer_headings_beside_a_subject_heading_keep_the_role_too() -> None:
    """'Roadmap priorities' > 'Prevent child labour', then 'End forced labour & debt
    bondage' and 'Counter trafficking, migrate safely': the pillars of one series all keep
    the role, though only the first is short enough to pass for a subject label alone; a
    heading with a word of its own class ('Lessons learnt') does not."""
    doc = _doc(
        (H, "Roadmap priorities", 1),
        (H, "Prevent child labour", 2),
        (L, "Hazardous work list revision"),
        (H, "End forced labour & debt bondage", 2),
        (L, "Brick kiln inspections"),
        (H, "Counter trafficking, migrate safely", 2),
        (L, "Safe migration orientation"),
        (H, "Lessons learnt along the way", 2),
        (L, "Start early"),
    )
    by = _by_heading(document_to_sections(doc))
    assert by["End forced labour & debt bondage"].role == "priority"
    assert by["Counter trafficking, migrate safely"].role == "priority"
    assert by["Lessons learnt along the way"].role != "priority"


def test_a_line_above_the_title_names_the_document_country() -> None:
    """A Word record whose title line is a plain paragraph ('ACTA ... – PERÚ') and whose
    first heading ('1. Asistentes') became the document title."""
    doc = _doc(
        (P, "ACTA DE LA XIV SESIÓN ORDINARIA DEL COMITÉ DIRECTIVO NACIONAL DE LA ALIANZA – PERÚ"),
        (P, "Fecha: 27 de noviembre de 2025. Lugar: sala de reuniones del ministerio."),
        (H, "1. Asistentes", 1),
        (L, "Ministerio de Trabajo"),
        title="1. Asistentes",
    )
    mention = document_country(doc)
    assert mention is not None and mention.code == "PER"
    from_line = _doc((P, "From: Someone <someone@example.org>"), (H, "Notes", 1), title="Notes")
    assert document_country(from_line) is None


def test_a_cue_slide_after_a_results_slide_is_a_section_of_its_own() -> None:
    """'Axes prioritaires 2025' after a slide titled 'Bilan 2024': a short title that names
    a part of a report (results) is no subject for the next slide's cue to belong to; after
    'Kenya' a bare 'Next steps' still does."""
    doc = _doc(
        (T, "Bilan 2024"),
        (L, "Décret adopté en juin 2024"),
        (T, "Axes prioritaires 2025"),
        (H, "Travail des enfants", 1),
        (L, "Révision de la liste des travaux dangereux"),
    )
    section = _by_heading(document_to_sections(doc))["Travail des enfants"]
    assert section.heading_path == ["Axes prioritaires 2025", "Travail des enfants"]
    assert section.role == "priority"
    kenya = _doc((T, "Kenya"), (L, "A result"), (T, "Next steps"), (L, "Adopt the plan"))
    steps = _by_heading(document_to_sections(kenya))["Next steps"]
    assert steps.heading_path == ["Kenya", "Next steps"] and steps.country == "KEN"


def test_a_document_whose_text_names_no_country_takes_the_one_its_file_name_names() -> None:
    """Minutes that name only their institutions ('MTESS', a capital, a neighbour's capital
    once each) belong to the country their file is named after; the text, when it decides,
    comes first, and a GCG record's file name gives none."""
    minutes = _doc((P, "Acta de la tercera sesión"), (P, "Asunción"), (P, "Lima")).model_copy(
        update={"source": "/in/Acta_CDN_Paraguay_sesion03_2025.docx"}
    )
    found = document_country(minutes)
    assert found is not None and found.code == "PRY"
    coded = minutes.model_copy(update={"source": "MWI_GCG14_update.pptx"})
    assert (document_country(coded) or found).code == "MWI"
    titled = _doc((P, FILLER), title="Informe de Honduras").model_copy(
        update={"source": "Paraguay_minutes.docx"}
    )
    assert (document_country(titled) or found).code == "HND"
    for name in ("GCG16_summary_record.pdf", "NEXT_STEPS_AND_PRIORITIES.pdf", "kenya-uganda.pdf"):
        assert document_country(minutes.model_copy(update={"source": name})) is None, name


def test_a_short_cue_heading_of_the_alliances_own_body_has_no_country() -> None:
    """After the countries' sections, 'Secretariat follow-up' or 'GCG decisions' are the
    Alliance's: no country (GOLD.md); a question naming the GCG in passing, a signature's
    Secretariat line and a national committee's 'Secretaría Técnica' are not."""
    doc = _doc(
        (P, "Memo on three Pathfinder countries"),
        (H, "Tunisia", 2),
        (P, FILLER),
        (H, "Secretariat follow-up", 2),
        (P, FILLER),
        (H, "Tunisia", 2),
        (H, "Q5. What actions are planned before the next GCG meeting?", 2),
        (H, "Tunisia", 2),
        (H, "Next steps of the Secretaría Técnica", 2),
    )
    countries = [(s.heading_path[-1], s.country) for s in document_to_sections(doc)[1:]]
    assert countries == [
        ("Tunisia", "TUN"),
        ("Secretariat follow-up", None),
        ("Tunisia", "TUN"),
        ("Q5. What actions are planned before the next GCG meeting?", "TUN"),
        ("Tunisia", "TUN"),
        ("Next steps of the Secretaría Técnica", "TUN"),
    ]
