#!/usr/bin/env python3
"""Generate the project's own sample corpus: documents and their gold annotations.

Run from the repository root:

    .venv/bin/python tools/make_corpus.py            # every document, gold, deck PDF export
    .venv/bin/python tools/make_corpus.py --no-pdf   # skip the LibreOffice export of the deck

Writes corpus/docs/* and corpus/gold/*.json (see corpus/README.md):

    pathfinder_update_2021.pptx  (python-pptx)  -> pathfinder_update_2021.pdf (LibreOffice)
    national_workshop_report.pdf (reportlab)
    gcg_meeting_minutes.docx     (python-docx)
    regional_note.md             (plain text)

Needs python-pptx, python-docx and lxml (project dependencies) and reportlab
(`.venv/bin/pip install reportlab`).  The deck's PDF export needs LibreOffice with
Impress (`soffice` on the PATH; Debian: `apt-get install libreoffice-impress`);
without it, or with --no-pdf, the PDF and its gold file are left as they are.

All content is defined below as data.  Every extractable item is an `Item` that
carries its gold labels (kind, country, themes, actions); the renderers print an
item's text and record the item in the document's gold list at the same time, so
documents and gold cannot drift apart.  Text that is not an item (background,
lessons learnt, events, things already done, discussion notes, decisions) is
plain strings.

Output is deterministic: the same content on every run; the .pptx/.docx zip
entries and the reportlab PDF carry fixed timestamps, so those files are
byte-identical between runs (the LibreOffice PDF export is not).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipeline.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "corpus" / "docs"
GOLD = ROOT / "corpus" / "gold"

# The label ids are the taxonomy's (pipeline/vocab/taxonomy.json), not a second list.
THEMES = tuple(load_taxonomy().ids("themes"))
ACTIONS = tuple(load_taxonomy().ids("actions"))
FIXED_TIME = datetime(2022, 1, 15, 9, 0, 0)
# Layout family and main language of each document (corpus/specs/README.md lists the families).
FAMILIES = {
    "pathfinder_update_2021": ("slide_deck", "en"),
    "national_workshop_report": ("workshop_report", "en"),
    "gcg_meeting_minutes": ("gcg_report", "en"),
    "regional_note": ("brief", "en"),
}

# short ids used in the data tables below
CL, FL, HT, MS = "child_labour", "forced_labour", "human_trafficking", "modern_slavery"
MIG, SC, CH, ROL = "migration", "supply_chains", "conflict_humanitarian", "rule_of_law"
LEG, ENF, DAT, AWA = "legal_policy", "enforcement", "data_research", "awareness"
CAP, COO, SOC, EDU = "capacity_building", "coordination", "social_protection", "education_skills"
VIC, RES, MON = "victim_support", "resources", "monitoring"


# --------------------------------------------------------------------------
# items and gold
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    kind: str  # "priority" | "next_step"
    text: str  # the item as printed, without bullet/number/inline label
    country: str | None  # ISO alpha-3, None for Alliance bodies and regional meetings
    themes: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()

    def __post_init__(self):
        assert self.kind in ("priority", "next_step"), self
        assert self.country is None or (len(self.country) == 3 and self.country.isupper()), self
        assert all(t in THEMES for t in self.themes), self
        assert all(a in ACTIONS for a in self.actions), self
        assert self.text == self.text.strip() and self.text, self

    def gold(self) -> dict:
        return {
            "kind": self.kind,
            "text": self.text,
            "country": self.country,
            "themes": [t for t in THEMES if t in self.themes],
            "actions": [a for a in ACTIONS if a in self.actions],
        }


def P(text, country, themes=(), actions=()) -> Item:
    return Item("priority", text, country, tuple(themes), tuple(actions))


def N(text, country, themes=(), actions=()) -> Item:
    return Item("next_step", text, country, tuple(themes), tuple(actions))


class Gold:
    """The items of one document, in reading order, recorded as they are rendered."""

    def __init__(self):
        self.items: list[Item] = []

    def take(self, item: Item) -> str:
        self.items.append(item)
        return item.text

    def write(self, stem: str, source: str) -> Path:
        GOLD.mkdir(parents=True, exist_ok=True)
        texts = [it.text for it in self.items]
        assert len(texts) == len(set(texts)), f"{stem}: duplicate item texts"
        out = GOLD / f"{stem}.json"
        family, lang = FAMILIES[stem]
        data = {
            "source": f"../docs/{source}",
            "family": family,
            "lang": lang,
            "items": [it.gold() for it in self.items],
        }
        out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return out


def fix_zip_times(path: Path) -> None:
    """Rewrite an OOXML package with fixed entry timestamps (byte-stable output)."""
    with zipfile.ZipFile(path) as zin:
        entries = [(info, zin.read(info.filename)) for info in zin.infolist()]
    tmp = path.with_suffix(path.suffix + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, blob in entries:
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = info.external_attr
            zout.writestr(zi, blob)
    tmp.replace(path)


# ==========================================================================
# 1. Slide deck: pathfinder_update_2021.pptx
# ==========================================================================

DECK_TITLE = "Pathfinder Countries: Update 2021"
DECK_SUBTITLE = "Alliance 8.7 Global Coordinating Group  ·  Virtual meeting, 14 October 2021"
DECK_FOOTER = "Alliance 8.7 | Pathfinder Countries Update 2021"

DECK_AGENDA = [
    "Where we stand: Pathfinder Countries in 2021",
    "Country updates: Sri Lanka, Malawi, Tanzania, Ghana, Côte d'Ivoire",
    "Action points from Latin America and the Caribbean",
    "Lessons learnt from online and hybrid workshops",
    "Upcoming events",
]

DECK_OVERVIEW = {
    "title": "Pathfinder Countries in 2021",
    "stats": [
        ("28", "Pathfinder Countries in all regions"),
        ("6", "national strategic workshops held in 2021, four of them online"),
        ("3", "national roadmaps validated by governments"),
    ],
    "text": (
        "Despite the COVID-19 pandemic, countries kept their national processes going. "
        "Most workshops moved online, and several countries used the delay to update their "
        "data on child labour and forced labour before setting priorities."
    ),
    "notes": (
        "Speaker notes: thank the focal points who joined from Colombo, Lilongwe, Dodoma, "
        "Accra and Abidjan. Next steps for each country are on the following slides; the "
        "Secretariat will circulate the full country reports after the meeting."
    ),
}

# (a) bullets under a title that carries the cue, sub-lists under bold labels
DECK_LKA = {
    "title": "Sri Lanka – priorities agreed with partners",
    "lead": "Strategic planning workshop, Colombo (hybrid), 9–10 February 2021",
    "groups": [
        (
            "Forced labour:",
            [
                P(
                    "Amend the Penal Code to define and criminalise forced labour in line with "
                    "the 2014 Protocol",
                    "LKA",
                    [FL],
                    [LEG],
                ),
                P(
                    "Train labour officers and police to recognise indicators of forced labour "
                    "on plantations and in domestic work",
                    "LKA",
                    [FL],
                    [CAP, ENF],
                ),
                P(
                    "Set up a referral pathway for victims identified during inspections",
                    "LKA",
                    [FL],
                    [VIC],
                ),
            ],
        ),
        (
            "Migration:",
            [
                P(
                    "Expand pre-departure awareness sessions for women migrating for domestic work",
                    "LKA",
                    [MIG],
                    [AWA],
                ),
                P(
                    "Review the Foreign Employment Act to prohibit recruitment fees charged to "
                    "workers",
                    "LKA",
                    [MIG],
                    [LEG],
                ),
                P(
                    "Negotiate bilateral agreements covering domestic workers with the main "
                    "destination countries",
                    "LKA",
                    [MIG],
                    [LEG, COO],
                ),
            ],
        ),
        (
            "Child labour:",
            [
                P(
                    "Update the list of hazardous occupations prohibited for persons under 18",
                    "LKA",
                    [CL],
                    [LEG],
                ),
                P("Declare the plantation sector free of child labour by 2025", "LKA", [CL], []),
            ],
        ),
    ],
    "notes": (
        "Presenter note: these priorities were agreed with ILO, IOM, UNICEF and the "
        "Employers' Federation of Ceylon. The Ministry of Labour will confirm them once the "
        "cabinet paper is approved, so please do not present them as final."
    ),
}

# (b) priorities as plain paragraphs in a text box, after a lead-in line
DECK_MWI = {
    "title": "Malawi – from strategy to action",
    "lead": "The validation workshop (May 2021) agreed on the following priority areas:",
    "paras": [
        P(
            "Enforce the Tenancy Labour Act on tobacco estates to end debt bondage among tenant "
            "families.",
            "MWI",
            [FL],
            [LEG, ENF],
        ),
        P(
            "Scale up social cash transfers in the districts with the highest rates of child "
            "labour.",
            "MWI",
            [CL],
            [SOC],
        ),
        P(
            "Enrol every child withdrawn from work in school or in complementary basic education.",
            "MWI",
            [CL],
            [EDU],
        ),
        P(
            "Establish anti-trafficking coordination committees in all border districts.",
            "MWI",
            [HT],
            [COO],
        ),
        P(
            "Allocate dedicated funds in the national budget for child labour inspection.",
            "MWI",
            [CL],
            [RES, ENF],
        ),
        P(
            "Expand the network of shelters for survivors of trafficking, run with the "
            "Department of Social Welfare.",
            "MWI",
            [HT],
            [VIC],
        ),
    ],
    "source": "Source: Ministry of Labour, validation workshop report, Lilongwe, 18–19 May 2021",
}

# (c) theme table + run-on "Next steps:" paragraph
DECK_TZA = {
    "title": "United Republic of Tanzania",
    "columns": [
        (
            "Child Labour",
            [
                P("Mainstream child labour into district development plans.", "TZA", [CL], [LEG]),
                P(
                    "Strengthen labour inspection in small-scale mining and fishing communities.",
                    "TZA",
                    [CL],
                    [ENF],
                ),
                P(
                    "Expand access to secondary education for girls at risk of child labour.",
                    "TZA",
                    [CL],
                    [EDU],
                ),
            ],
        ),
        (
            "Human Trafficking",
            [
                P(
                    "Fully implement the Anti-Trafficking in Persons Act and its regulations.",
                    "TZA",
                    [HT],
                    [LEG],
                ),
                P(
                    "Train prosecutors and magistrates in handling trafficking cases.",
                    "TZA",
                    [HT],
                    [CAP, ENF],
                ),
                P(
                    "Improve the collection of data on trafficking cases in Mainland Tanzania and "
                    "Zanzibar.",
                    "TZA",
                    [HT],
                    [DAT],
                ),
                P(
                    "Prevent the trafficking of refugees from the camps in Kigoma region.",
                    "TZA",
                    [HT, CH],
                    [],
                ),
            ],
        ),
        (
            "Supply chains",
            [
                P(
                    "Form a business network against child labour with tobacco, tea and sisal "
                    "companies.",
                    "TZA",
                    [SC, CL],
                    [COO],
                ),
                P(
                    "Promote traceability systems in the coffee and cashew value chains.",
                    "TZA",
                    [SC],
                    [MON],
                ),
            ],
        ),
    ],
    "label": "Next steps:",
    "next": [
        N("Finalise the national roadmap for Target 8.7 by December 2021.", "TZA", [], [COO]),
        N(
            "The Prime Minister's Office will convene the first meeting of the multi-stakeholder "
            "steering committee.",
            "TZA",
            [],
            [COO],
        ),
        N("Prepare a resource mobilisation plan with the UN country team.", "TZA", [], [RES]),
    ],
}

# (d) two side-by-side boxes: "Achieved so far" (not items) / "Next steps" (items)
DECK_GHA = {
    "title": "Ghana – progress and next steps",
    "done_head": "Achieved so far",
    "done": [
        "National Steering Committee on Child Labour designated as the Alliance 8.7 platform",
        "Strategic workshop held in Accra with 70 participants (March 2021)",
        "Child labour monitoring system rolled out in 30 districts",
        "Second National Plan of Action on child labour launched",
        "Focal point nominated at the Ministry of Employment",
    ],
    "next_head": "Next steps",
    "next": [
        N(
            "Validate the Alliance 8.7 roadmap with social partners by October 2021",
            "GHA",
            [],
            [COO],
        ),
        N(
            "Extend the child labour monitoring system to all cocoa-growing districts",
            "GHA",
            [CL],
            [MON],
        ),
        N(
            "Launch a national campaign against child trafficking in the Volta Lake region",
            "GHA",
            [HT],
            [AWA],
        ),
        N("Mobilise funding for the Human Trafficking Fund", "GHA", [HT], [RES]),
        N(
            "Appoint focal points for Target 8.7 in the Ministries of Labour, Gender and Interior",
            "GHA",
            [],
            [COO],
        ),
    ],
    "notes": (
        "Ghana's delegation will give a short oral update. The left box lists what is already "
        "done; only the right box is new."
    ),
}

# mixed list with country prefixes under a regional "Action points" title
DECK_LAC = {
    "title": "Action points – Latin America and the Caribbean",
    "points": [
        (
            "Peru",
            N(
                "Approve the National Strategy for the Prevention and Eradication of Child "
                "Labour 2022–2030",
                "PER",
                [CL],
                [LEG],
            ),
        ),
        (
            "Peru",
            N(
                "Train SUNAFIL inspectors on forced labour in informal gold mining",
                "PER",
                [FL],
                [CAP, ENF],
            ),
        ),
        (
            "Bolivia",
            N(
                "Set up an inter-ministerial working group on trafficking in persons and "
                "smuggling of migrants",
                "BOL",
                [HT, MIG],
                [COO],
            ),
        ),
        (
            "Bolivia",
            N(
                "Conduct a national survey of working children and adolescents with the "
                "National Statistics Institute",
                "BOL",
                [CL],
                [DAT],
            ),
        ),
        (
            "Guatemala",
            N(
                "Apply the Child Labour Risk Identification Model in 50 additional municipalities",
                "GTM",
                [CL],
                [DAT],
            ),
        ),
        (
            "Guatemala",
            N(
                "Develop a protocol for the repatriation and reintegration of child victims of "
                "trafficking",
                "GTM",
                [HT],
                [VIC],
            ),
        ),
        (
            "Regional",
            N(
                "Hold a subregional exchange on child labour free municipalities in the first "
                "half of 2022",
                None,
                [CL],
                [COO],
            ),
        ),
    ],
}

# slide in French
DECK_CIV = {
    "title": "Côte d'Ivoire – priorités et prochaines étapes",
    "lead": (
        "Priorités retenues lors de l'atelier national de planification stratégique "
        "(Abidjan, juin 2021) :"
    ),
    "priorities": [
        P(
            "Renforcer le Système d'observation et de suivi du travail des enfants (SOSTECI) "
            "dans les zones de production de cacao",
            "CIV",
            [CL],
            [MON],
        ),
        P(
            "Réviser la loi relative à la lutte contre la traite des personnes afin de mieux "
            "protéger les victimes",
            "CIV",
            [HT],
            [LEG, VIC],
        ),
        P(
            "Améliorer l'accès à l'école et à la formation professionnelle des enfants exposés "
            "au travail dans les communautés rurales",
            "CIV",
            [CL],
            [EDU],
        ),
        P(
            "Renforcer les capacités des inspecteurs du travail en matière de travail forcé",
            "CIV",
            [FL],
            [CAP, ENF],
        ),
    ],
    "next_head": "Prochaines étapes",
    "next": [
        N(
            "Mettre en place un comité de pilotage Alliance 8.7 auprès du Ministère de "
            "l'Emploi et de la Protection sociale",
            "CIV",
            [],
            [COO],
        ),
        N("Élaborer la feuille de route nationale d'ici fin 2021", "CIV", [], [COO]),
        N(
            "Organiser une table ronde des partenaires techniques et financiers pour mobiliser "
            "les ressources",
            "CIV",
            [],
            [COO, RES],
        ),
    ],
}

DECK_LESSONS = {
    "title": "Lessons learnt",
    "bullets": [
        "Ownership at the highest level of government speeds up the validation of the roadmap",
        "Workers' and employers' organisations should be involved from the first "
        "preparatory meeting",
        "Online workshops suited the validation stage, but not the first strategic discussion",
        "Linking the roadmap to the UN Cooperation Framework made resource mobilisation easier",
    ],
}

DECK_EVENTS = {
    "title": "Upcoming events",
    "rows": [
        ("March 2022", "10th meeting of the Global Coordinating Group, Geneva and online"),
        (
            "15–20 May 2022",
            "5th Global Conference on the Elimination of Child Labour, Durban, South Africa",
        ),
        ("July 2022", "HLPF side event “Pathfinder Countries in action”, New York"),
        ("To be confirmed", "Regional meeting of African Pathfinder Countries, Abidjan"),
    ],
}


def build_deck(out_path: Path) -> Gold:
    from lxml import etree
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
    from pptx.oxml.ns import qn
    from pptx.util import Emu, Inches, Pt

    gold = Gold()
    GREEN = RGBColor(0x0B, 0x4F, 0x3C)
    ORANGE = RGBColor(0xE0, 0x7A, 0x1F)
    DARK = RGBColor(0x22, 0x22, 0x22)
    GREY = RGBColor(0x6B, 0x6B, 0x6B)
    WHITE = RGBColor(0xFF, 0xFF, 0xFF)
    PALE = RGBColor(0xEE, 0xF4, 0xF1)
    FONT = "Arial"

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    SW, SH = prs.slide_width, prs.slide_height
    L_TITLE, L_CONTENT, L_TITLE_ONLY, L_BLANK = (
        prs.slide_layouts[0],
        prs.slide_layouts[1],
        prs.slide_layouts[5],
        prs.slide_layouts[6],
    )
    M = Inches(0.7)
    BODY_W = SW - 2 * M
    TOP = Inches(1.55)

    def bullet(p, char="•", level=0):
        pPr = p._p.get_or_add_pPr()
        ind = Inches(0.35 + 0.4 * level)
        pPr.set("marL", str(Emu(ind)))
        pPr.set("indent", str(-Emu(Inches(0.3))))
        for tag in ("a:buNone", "a:buAutoNum", "a:buChar", "a:buFont"):
            for el in pPr.findall(qn(tag)):
                pPr.remove(el)
        bf = etree.SubElement(pPr, qn("a:buFont"))
        bf.set("typeface", "Arial")
        bu = etree.SubElement(pPr, qn("a:buChar"))
        bu.set("char", char)

    def autonum(p):
        pPr = p._p.get_or_add_pPr()
        pPr.set("marL", str(Emu(Inches(0.45))))
        pPr.set("indent", str(-Emu(Inches(0.4))))
        for tag in ("a:buNone", "a:buAutoNum", "a:buChar"):
            for el in pPr.findall(qn(tag)):
                pPr.remove(el)
        el = etree.SubElement(pPr, qn("a:buAutoNum"))
        el.set("type", "arabicPeriod")

    def no_bullet(p):
        pPr = p._p.get_or_add_pPr()
        pPr.set("marL", "0")
        pPr.set("indent", "0")
        for tag in ("a:buNone", "a:buAutoNum", "a:buChar"):
            for el in pPr.findall(qn(tag)):
                pPr.remove(el)
        etree.SubElement(pPr, qn("a:buNone"))

    def run(p, text, size, color=DARK, bold=False, italic=False):
        r = p.add_run()
        r.text = text
        f = r.font
        f.name, f.size, f.bold, f.italic = FONT, Pt(size), bold, italic
        f.color.rgb = color
        return r

    def title(slide, text, size=30):
        t = slide.shapes.title
        t.left, t.top, t.width, t.height = M, Inches(0.35), BODY_W, Inches(0.95)
        tf = t.text_frame
        tf.word_wrap = True
        tf.auto_size = MSO_AUTO_SIZE.NONE
        tf.vertical_anchor = MSO_ANCHOR.MIDDLE
        p = tf.paragraphs[0]
        p.alignment = PP_ALIGN.LEFT
        run(p, text, size, GREEN, bold=True)
        bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, M, Inches(1.3), Inches(1.6), Pt(5))
        bar.fill.solid()
        bar.fill.fore_color.rgb = ORANGE
        bar.line.fill.background()

    def textbox(slide, left, top, width, height, name=None):
        box = slide.shapes.add_textbox(left, top, width, height)
        if name:
            box.name = name
        tf = box.text_frame
        tf.word_wrap = True
        tf.auto_size = MSO_AUTO_SIZE.NONE
        return tf

    def footer(slide, number):
        tf = textbox(slide, M, SH - Inches(0.5), Inches(6), Inches(0.35), "Footer")
        run(tf.paragraphs[0], DECK_FOOTER, 10, GREY)
        tf = textbox(slide, SW - Inches(1.4), SH - Inches(0.5), Inches(0.7), Inches(0.35))
        tf.paragraphs[0].alignment = PP_ALIGN.RIGHT
        run(tf.paragraphs[0], str(number), 11, GREY, bold=True)
        slide.shapes[-1].name = "Slide Number"

    def notes(slide, text):
        slide.notes_slide.notes_text_frame.text = text

    def body_ph(slide):
        ph = next(ph for ph in slide.placeholders if ph.placeholder_format.idx == 1)
        ph.left, ph.top, ph.width, ph.height = M, TOP, BODY_W, SH - TOP - Inches(0.8)
        tf = ph.text_frame
        tf.word_wrap = True
        tf.auto_size = MSO_AUTO_SIZE.NONE
        return tf

    slides = []

    # 1 title slide
    s = prs.slides.add_slide(L_TITLE)
    band = s.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, SW, Inches(3.2))
    band.fill.solid()
    band.fill.fore_color.rgb = GREEN
    band.line.fill.background()
    band.text_frame.paragraphs[0].alignment = PP_ALIGN.LEFT
    t = s.shapes.title
    t.left, t.top, t.width, t.height = M, Inches(3.5), BODY_W, Inches(1.3)
    t.text_frame.auto_size = MSO_AUTO_SIZE.NONE
    p = t.text_frame.paragraphs[0]
    p.alignment = PP_ALIGN.LEFT
    run(p, DECK_TITLE, 40, GREEN, bold=True)
    sub = next(ph for ph in s.placeholders if ph.placeholder_format.idx == 1)
    sub.left, sub.top, sub.width, sub.height = M, Inches(4.9), BODY_W, Inches(1.0)
    p = sub.text_frame.paragraphs[0]
    p.alignment = PP_ALIGN.LEFT
    run(p, DECK_SUBTITLE, 20, GREY)
    tf = textbox(s, M, Inches(0.9), Inches(9), Inches(1.6))
    run(tf.paragraphs[0], "ALLIANCE 8.7", 34, WHITE, bold=True)
    p = tf.add_paragraph()
    run(p, "Ending forced labour, modern slavery, human trafficking and child labour", 18, WHITE)
    slides.append(s)

    # 2 agenda
    s = prs.slides.add_slide(L_TITLE_ONLY)
    title(s, "Agenda")
    tf = textbox(s, Inches(1.2), Inches(1.9), Inches(10.5), Inches(4.5), "Agenda")
    for k, line in enumerate(DECK_AGENDA):
        p = tf.paragraphs[0] if k == 0 else tf.add_paragraph()
        autonum(p)
        p.space_after = Pt(16)
        run(p, line, 24, DARK)
    slides.append(s)

    # 3 overview (background, not items)
    s = prs.slides.add_slide(L_TITLE_ONLY)
    title(s, DECK_OVERVIEW["title"])
    w = Inches(3.6)
    for k, (num, label) in enumerate(DECK_OVERVIEW["stats"]):
        left = M + k * (w + Inches(0.4))
        card = s.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, left, Inches(1.9), w, Inches(2.4))
        card.fill.solid()
        card.fill.fore_color.rgb = PALE
        card.line.color.rgb = GREEN
        ctf = card.text_frame
        ctf.word_wrap = True
        p = ctf.paragraphs[0]
        p.alignment = PP_ALIGN.CENTER
        run(p, num, 48, ORANGE, bold=True)
        p = ctf.add_paragraph()
        p.alignment = PP_ALIGN.CENTER
        run(p, label, 16, GREEN)
    tf = textbox(s, M, Inches(4.7), BODY_W, Inches(1.6))
    run(tf.paragraphs[0], DECK_OVERVIEW["text"], 18, DARK)
    notes(s, DECK_OVERVIEW["notes"])
    slides.append(s)

    # 4 (a) Sri Lanka
    d = DECK_LKA
    s = prs.slides.add_slide(L_CONTENT)
    title(s, d["title"])
    tf = body_ph(s)
    p = tf.paragraphs[0]
    no_bullet(p)
    p.space_after = Pt(8)
    run(p, d["lead"], 16, GREY, italic=True)
    for label, items in d["groups"]:
        p = tf.add_paragraph()
        bullet(p, "■", 0)
        p.space_before = Pt(6)
        p.space_after = Pt(2)
        run(p, label, 20, GREEN, bold=True)
        for it in items:
            p = tf.add_paragraph()
            p.level = 1
            bullet(p, "–", 1)
            p.space_after = Pt(2)
            run(p, gold.take(it), 18)
    notes(s, d["notes"])
    slides.append(s)

    # 5 (b) Malawi: plain paragraphs, no bullet marks
    d = DECK_MWI
    s = prs.slides.add_slide(L_TITLE_ONLY)
    title(s, d["title"])
    tf = textbox(s, M, TOP, BODY_W, Inches(5.0), "Priority areas")
    p = tf.paragraphs[0]
    p.space_after = Pt(12)
    run(p, d["lead"], 20, GREEN, bold=True)
    for it in d["paras"]:
        p = tf.add_paragraph()
        p.space_after = Pt(9)
        run(p, gold.take(it), 18)
    tf = textbox(s, M, SH - Inches(1.0), BODY_W, Inches(0.4))
    run(tf.paragraphs[0], d["source"], 11, GREY, italic=True)
    slides.append(s)

    # 6 (c) Tanzania: theme table + run-on next steps
    d = DECK_TZA
    s = prs.slides.add_slide(L_TITLE_ONLY)
    title(s, d["title"])
    ncols = len(d["columns"])
    col_w = int(BODY_W / ncols)
    gf = s.shapes.add_table(2, ncols, M, TOP, col_w * ncols, Inches(3.6))
    gf.name = "Priorities by theme"
    table = gf.table
    table.rows[0].height = Inches(0.5)
    table.rows[1].height = Inches(3.1)
    for c, (head, items) in enumerate(d["columns"]):
        table.columns[c].width = col_w
        hc = table.cell(0, c)
        hc.fill.solid()
        hc.fill.fore_color.rgb = GREEN
        hc.vertical_anchor = MSO_ANCHOR.MIDDLE
        p = hc.text_frame.paragraphs[0]
        p.alignment = PP_ALIGN.CENTER
        run(p, head, 17, WHITE, bold=True)
        bc = table.cell(1, c)
        bc.fill.solid()
        bc.fill.fore_color.rgb = PALE
        bc.vertical_anchor = MSO_ANCHOR.TOP
        ctf = bc.text_frame
        ctf.word_wrap = True
        for k, it in enumerate(items):
            p = ctf.paragraphs[0] if k == 0 else ctf.add_paragraph()
            p.space_after = Pt(8)
            run(p, gold.take(it), 16)
    tf = textbox(s, M, TOP + Inches(3.85), BODY_W, Inches(1.1), "Next steps")
    p = tf.paragraphs[0]
    run(p, d["label"] + " ", 17, ORANGE, bold=True)
    run(p, " ".join(gold.take(it) for it in d["next"]), 17)
    slides.append(s)

    # 7 (d) Ghana: two side-by-side boxes that must not be read across
    d = DECK_GHA
    s = prs.slides.add_slide(L_TITLE_ONLY)
    title(s, d["title"])
    box_w = int((BODY_W - Inches(0.5)) / 2)
    for k, (head, lines, is_items) in enumerate(
        [(d["done_head"], d["done"], False), (d["next_head"], d["next"], True)]
    ):
        left = M + k * (box_w + Inches(0.5))
        bg = s.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, TOP, box_w, Inches(4.9))
        bg.fill.solid()
        bg.fill.fore_color.rgb = PALE if k == 0 else WHITE
        bg.line.color.rgb = GREEN
        tf = textbox(s, left + Inches(0.2), TOP + Inches(0.15), box_w - Inches(0.4), Inches(4.6))
        s.shapes[-1].name = head
        p = tf.paragraphs[0]
        p.space_after = Pt(10)
        run(p, head, 22, ORANGE if is_items else GREEN, bold=True)
        for line in lines:
            p = tf.add_paragraph()
            bullet(p, "✓" if not is_items else "►")
            p.space_after = Pt(8)
            run(p, gold.take(line) if is_items else line, 17)
    notes(s, d["notes"])
    slides.append(s)

    # 8 Latin America: country-prefixed action points
    d = DECK_LAC
    s = prs.slides.add_slide(L_CONTENT)
    title(s, d["title"])
    tf = body_ph(s)
    for k, (prefix, it) in enumerate(d["points"]):
        p = tf.paragraphs[0] if k == 0 else tf.add_paragraph()
        bullet(p, "•")
        p.space_after = Pt(7)
        run(p, prefix + ": ", 18, GREEN, bold=True)
        run(p, gold.take(it), 18)
    slides.append(s)

    # 9 Côte d'Ivoire, in French
    d = DECK_CIV
    s = prs.slides.add_slide(L_CONTENT)
    title(s, d["title"])
    tf = body_ph(s)
    p = tf.paragraphs[0]
    no_bullet(p)
    p.space_after = Pt(6)
    run(p, d["lead"], 18, GREEN, bold=True)
    for it in d["priorities"]:
        p = tf.add_paragraph()
        bullet(p, "•")
        p.space_after = Pt(4)
        run(p, gold.take(it), 18)
    p = tf.add_paragraph()
    no_bullet(p)
    p.space_before = Pt(12)
    p.space_after = Pt(6)
    run(p, d["next_head"], 20, ORANGE, bold=True)
    for it in d["next"]:
        p = tf.add_paragraph()
        autonum(p)
        p.space_after = Pt(4)
        run(p, gold.take(it), 18)
    slides.append(s)

    # 10 lessons learnt (not items)
    s = prs.slides.add_slide(L_CONTENT)
    title(s, DECK_LESSONS["title"])
    tf = body_ph(s)
    for k, line in enumerate(DECK_LESSONS["bullets"]):
        p = tf.paragraphs[0] if k == 0 else tf.add_paragraph()
        bullet(p, "•")
        p.space_after = Pt(12)
        run(p, line, 20)
    slides.append(s)

    # 11 upcoming events (not items)
    s = prs.slides.add_slide(L_TITLE_ONLY)
    title(s, DECK_EVENTS["title"])
    rows = DECK_EVENTS["rows"]
    gf = s.shapes.add_table(len(rows), 2, M, TOP + Inches(0.2), BODY_W, Inches(0.8) * len(rows))
    tbl = gf.table
    tbl.first_row = False
    tbl.columns[0].width = Inches(2.8)
    tbl.columns[1].width = BODY_W - Inches(2.8)
    for r, (when, what) in enumerate(rows):
        for c, (txt, bold, color) in enumerate([(when, True, ORANGE), (what, False, DARK)]):
            cell = tbl.cell(r, c)
            cell.fill.solid()
            cell.fill.fore_color.rgb = PALE if r % 2 == 0 else WHITE
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            run(cell.text_frame.paragraphs[0], txt, 18, color, bold=bold)
    slides.append(s)

    # 12 closing
    s = prs.slides.add_slide(L_BLANK)
    tf = textbox(s, M, Inches(2.6), BODY_W, Inches(2.2))
    p = tf.paragraphs[0]
    p.alignment = PP_ALIGN.CENTER
    run(p, "Thank you", 44, GREEN, bold=True)
    p = tf.add_paragraph()
    p.alignment = PP_ALIGN.CENTER
    run(p, "Alliance 8.7 Secretariat  ·  www.alliance87.org  ·  #Achieve87", 18, GREY)
    slides.append(s)

    for number, s in enumerate(slides, start=1):
        if number > 1:
            footer(s, number)

    cp = prs.core_properties
    cp.title = DECK_TITLE
    cp.author = "Alliance 8.7 Secretariat"
    cp.subject = "Pathfinder Countries: priorities and next steps, 2021"
    cp.created = cp.modified = cp.last_printed = FIXED_TIME
    cp.revision = 1
    prs.save(out_path)
    fix_zip_times(out_path)
    return gold


def export_pdf(src: Path, out_dir: Path) -> Path | None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        print("soffice not found: skipping the PDF export of", src.name, file=sys.stderr)
        return None
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "profile"
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                str(src),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=300,
        )
        produced = Path(tmp) / (src.stem + ".pdf")
        target = out_dir / produced.name
        shutil.copyfile(produced, target)
    return target


# ==========================================================================
# 2. Narrative report: national_workshop_report.pdf (reportlab)
# ==========================================================================

LAO = "LAO"
RPT_TITLE = "Report of the National Strategic Planning Workshop on SDG Target 8.7"
RPT_RUNNING = "Lao PDR – National Strategic Planning Workshop on SDG Target 8.7"
RPT_SUB = "Lao People's Democratic Republic  ·  Vientiane, 23–24 November 2021"
RPT_ORG = (
    "Organised by the Ministry of Labour and Social Welfare with the support of the "
    "International Labour Organization (ILO), UNICEF and the International Organization "
    "for Migration (IOM), in the framework of Alliance 8.7"
)

RPT_INTRO = [
    "Lao PDR became a Pathfinder Country of Alliance 8.7 in 2020, committing to accelerate "
    "efforts to end forced labour, modern slavery, human trafficking and child labour. The "
    "national strategic planning workshop brought together 84 participants from line "
    "ministries, provincial authorities, the Lao Federation of Trade Unions, the Lao National "
    "Chamber of Commerce and Industry, mass organisations, development partners and civil "
    "society.",
    "The workshop had three objectives: to take stock of the national response, to agree on a "
    "limited number of priorities for the coming three years, and to define the next steps "
    "towards a national roadmap for Target 8.7. This report summarises the presentations, the "
    "group discussions and the conclusions adopted in plenary.",
]

RPT_BACKGROUND = [
    "Lao PDR has a young population and a large share of employment in agriculture, much of "
    "it informal. The last national child labour survey found that most working children are "
    "unpaid family workers on farms, and that a significant number of them carry out hazardous "
    "work, including the use of pesticides and the operation of machinery.",
    "Labour migration, mainly to Thailand, is an important source of income for rural "
    "households. A large share of migrants travel through irregular channels, which exposes "
    "them to deceptive recruitment, debt and, in the worst cases, forced labour and "
    "trafficking. The opening of new transport corridors and special economic zones has "
    "created new opportunities but also new risks.",
    "Over the past decade, the Government adopted the Law on Anti-Trafficking in Persons "
    "(2015), revised the Labour Law (2013) and set up a National Committee on Anti-Human "
    "Trafficking. Provincial labour offices received basic training on child labour in 2019 "
    "and 2020 with ILO support. These achievements provide the foundation on which the "
    "priorities in Section 4 build.",
    "In preparation for the workshop, a desk review of legislation, policies and programmes "
    "was carried out, and consultations were held in Champasak, Savannakhet and Bokeo "
    "provinces. The findings were presented on the first morning and are available as a "
    "separate background paper.",
]

RPT_DISCUSSION_INTRO = (
    "On the first afternoon, participants worked in four groups. Their main points, as reported "
    "back to the plenary, are summarised below."
)

RPT_DISCUSSION = [
    (
        "Group 1: Data and evidence",
        [
            "The group noted that the available data on forced labour and trafficking are "
            "scattered across institutions and rarely disaggregated by sex, age or province. "
            "Participants from the Lao Statistics Bureau explained that a labour force survey "
            "module could cover forced labour at limited cost. Several members felt that "
            "administrative data from the police and social welfare offices were underused.",
            "Members also discussed the confidentiality of case data and the need for common "
            "definitions before any database is shared between institutions. The ILO offered to "
            "share experience from other countries in the region.",
        ],
    ),
    (
        "Group 2: Labour migration",
        [
            "Participants described how young people from the southern provinces often cross the "
            "border with the help of relatives or brokers rather than through licensed agencies. "
            "The formal channel was seen as slow and expensive. Returning migrants reported that "
            "they rarely knew where to seek help when wages were withheld. Representatives of "
            "employers pointed to the shortage of skills recognition for returnees.",
            "Provincial officials noted that the migrant resource centres opened in recent years "
            "are little known in the villages, and that information often reaches young people "
            "through social media rather than through official channels.",
        ],
    ),
    (
        "Group 3: Child labour in agriculture",
        [
            "The discussion focused on the seasonal character of children's work in family farming "
            "and on plantations. Teachers present observed that absenteeism rises sharply at "
            "harvest time. Village chiefs asked for practical guidance on which tasks are "
            "dangerous for children. The group agreed that awareness alone would not be enough "
            "without support to poor households.",
            "Representatives of the Ministry of Education and Sports presented the school meals "
            "programme and its effect on attendance in the districts where it operates.",
        ],
    ),
    (
        "Group 4: Trafficking in persons",
        [
            "Law enforcement representatives described progress in cross-border cooperation but "
            "also the difficulty of identifying victims of labour trafficking, as opposed to "
            "sexual exploitation. Civil society organisations stressed that shelters are few and "
            "concentrated in Vientiane. Participants from Bokeo described the challenges of the "
            "special economic zone, where workers of several nationalities are employed.",
        ],
    ),
]

RPT_BOX_HEAD = "Cross-cutting priorities agreed in plenary"
RPT_BOX = [
    P(
        "Track progress on Target 8.7 through the monitoring framework of the National "
        "Socio-Economic Development Plan",
        LAO,
        [],
        [MON],
    ),
    P(
        "Mobilise village authorities and the Lao Women's Union for community-based prevention",
        LAO,
        [],
        [AWA],
    ),
    P("Secure a dedicated budget for the national coordination of Target 8.7", LAO, [], [RES]),
]

RPT_PRIORITIES_INTRO = (
    "The plenary endorsed the following priorities for the period 2022–2024, grouped under five "
    "headings. The lead agencies and deadlines for the first steps are set out in the action "
    "plan in Section 5."
)

# (sub-heading, context sentence (not an item), bullet glyph, items); the sub-heading's theme
# or action type applies to its items
RPT_PRIORITIES = [
    (
        "4.1 Data and research",
        (
            "Participants agreed that better evidence is a precondition for targeting "
            "resources and for measuring progress towards Target 8.7."
        ),
        "•",
        [
            P(
                "Conduct a national survey on forced labour and trafficking in persons in "
                "cooperation with the Lao Statistics Bureau",
                LAO,
                [FL, HT],
                [DAT],
            ),
            P(
                "Map the recruitment channels used by young migrants from the southern provinces",
                LAO,
                [MIG],
                [DAT],
            ),
            P(
                "Create a shared database of trafficking cases for police, prosecutors and "
                "social welfare offices",
                LAO,
                [HT],
                [DAT],
            ),
        ],
    ),
    (
        "4.2 Labour migration",
        (
            "Most cases of forced labour and trafficking reported by Lao nationals involve "
            "migration to neighbouring countries, which makes safe and regular migration a "
            "central concern."
        ),
        "•",
        [
            P(
                "Review the Decree on the Employment of Lao Workers Abroad to regulate "
                "recruitment fees",
                LAO,
                [MIG],
                [LEG],
            ),
            P(
                "Promote regular migration channels under the MOU on labour cooperation with "
                "Thailand",
                LAO,
                [MIG],
                [COO],
            ),
            P(
                "Provide pre-departure information and counselling through migrant resource "
                "centres in the provinces of origin",
                LAO,
                [MIG],
                [AWA],
            ),
            P(
                "Assist returning migrant workers with reintegration and the recognition of "
                "skills acquired abroad",
                LAO,
                [MIG],
                [VIC, EDU],
            ),
        ],
    ),
    (
        "4.3 Child labour in agriculture",
        (
            "Agriculture accounts for the large majority of working children. The priorities "
            "below concentrate on hazardous work and on the reasons why families rely on the "
            "work of children."
        ),
        "\u27a2",  # drawn in ZapfDingbats: text extraction gives an odd code point
        [
            P(
                "Adopt the list of hazardous work prohibited for children under 18, covering "
                "agriculture and forestry",
                LAO,
                [CL],
                [LEG],
            ),
            P(
                "Extend labour inspection to commercial plantations, including banana and rubber "
                "concessions",
                LAO,
                [CL],
                [ENF],
            ),
            P(
                "Expand school meals and scholarships for children of poor farming households",
                LAO,
                [CL],
                [EDU, SOC],
            ),
            P(
                "Raise awareness among parents and village chiefs of the dangers of children's "
                "work with pesticides",
                LAO,
                [CL],
                [AWA],
            ),
        ],
    ),
    (
        "4.4 Trafficking in persons",
        (
            "The response to trafficking for sexual exploitation is well established; labour "
            "trafficking and the protection of male victims need more attention."
        ),
        "•",
        [
            P(
                "Train border police and immigration officers in the early identification of "
                "victims",
                LAO,
                [HT],
                [CAP, ENF],
            ),
            P(
                "Establish a national referral mechanism linking police, the Lao Women's Union "
                "and shelters",
                LAO,
                [HT],
                [VIC, COO],
            ),
            P(
                "Strengthen the criminal justice response to trafficking, from investigation to "
                "sentencing",
                LAO,
                [HT, ROL],
                [ENF],
            ),
            P(
                "Increase the number of specialised prosecutors handling trafficking cases",
                LAO,
                [HT],
                [ENF],
            ),
            P(
                "Strengthen cooperation with China and Thailand on cross-border investigations",
                LAO,
                [HT],
                [COO, ENF],
            ),
        ],
    ),
    (
        "4.5 Laws and policy",
        (
            "Several gaps in the legal framework were identified during the desk review and "
            "confirmed in the discussion."
        ),
        "•",
        [
            P("Ratify the Forced Labour Protocol, 2014 (P029)", LAO, [FL], [LEG]),
            P(
                "Align the Labour Law with ILO Conventions No. 138 and No. 182 on minimum age and "
                "the worst forms of child labour",
                LAO,
                [CL],
                [LEG],
            ),
            P(
                "Adopt a national policy on the elimination of forced labour",
                LAO,
                [FL],
                [LEG],
            ),
        ],
    ),
]

RPT_ACTION_INTRO = (
    "The following first steps were agreed. Responsible institutions confirmed their "
    "commitment during the closing session."
)
RPT_ACTIONS = [
    (
        N(
            "Set up the National Committee on Target 8.7 and its technical working group",
            LAO,
            [],
            [COO],
        ),
        "Ministry of Labour and Social Welfare (MoLSW)",
        "March 2022",
    ),
    (N("Validate the national roadmap for Target 8.7", LAO, [], [COO]), "MoLSW, ILO", "June 2022"),
    (
        N("Design the questionnaire of the national forced labour survey", LAO, [FL], [DAT]),
        "Lao Statistics Bureau, ILO",
        "September 2022",
    ),
    (
        N(
            "Train provincial labour inspectors on child labour and forced labour",
            LAO,
            [CL, FL],
            [CAP, ENF],
        ),
        "Ministry of Labour, ILO",
        "Q3 2022",
    ),
    (
        N("Prepare a costed proposal for donor funding", LAO, [], [RES]),
        "MoLSW, UN Resident Coordinator's Office",
        "December 2022",
    ),
    (
        N(
            "Launch an awareness campaign on safe migration in ten southern districts",
            LAO,
            [MIG],
            [AWA],
        ),
        "Lao Women's Union, IOM",
        "Before the end of 2022",
    ),
]

RPT_WAY_LEAD = (
    "The workshop was closed by the Vice-Minister of Labour and Social Welfare, who thanked "
    "participants and partners for their contributions."
)
RPT_WAY_FORWARD = [
    N(
        "The Ministry of Labour and Social Welfare will circulate this report to all participants "
        "within one month.",
        LAO,
        [],
        [],
    ),
    N(
        "The draft roadmap will be submitted to the Government for endorsement in the first "
        "quarter of 2022.",
        LAO,
        [],
        [COO],
    ),
    N(
        "ILO, UNICEF and IOM will support the preparation of a joint resource mobilisation "
        "strategy for the roadmap.",
        LAO,
        [],
        [RES],
    ),
]

RPT_PROGRAMME = [
    ("Day 1, 08:30", "Opening remarks by the Ministry of Labour and Social Welfare and the UN"),
    ("Day 1, 09:30", "Alliance 8.7 and the Pathfinder Country process"),
    ("Day 1, 10:30", "Findings of the desk review and provincial consultations"),
    ("Day 1, 13:30", "Group work: data, migration, child labour, trafficking"),
    ("Day 2, 08:30", "Report back from the groups and plenary discussion"),
    ("Day 2, 10:30", "Agreeing on priorities and first steps"),
    ("Day 2, 14:00", "Closing session"),
]
RPT_INSTITUTIONS = [
    "Ministry of Labour and Social Welfare",
    "Ministry of Public Security",
    "Ministry of Education and Sports",
    "Ministry of Agriculture and Forestry",
    "Lao Statistics Bureau",
    "Lao Federation of Trade Unions",
    "Lao National Chamber of Commerce and Industry",
    "Lao Women's Union and Lao Youth Union",
    "ILO, UNICEF, IOM, UNODC and the UN Resident Coordinator's Office",
]


def build_report(out_path: Path) -> Gold:
    from reportlab import rl_config
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import (
        BaseDocTemplate,
        CondPageBreak,
        Frame,
        FrameBreak,
        KeepTogether,
        NextPageTemplate,
        PageBreak,
        PageTemplate,
        Paragraph,
        Spacer,
        Table,
        TableStyle,
    )

    rl_config.invariant = 1
    # Bitstream Vera ships with reportlab: its embedded subset has a ToUnicode map, so
    # ordinary "•" bullets extract as U+2022, unlike the ZapfDingbats list of 4.3.
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
    gold = Gold()
    BLUE = colors.HexColor("#1F4E79")
    LIGHT = colors.HexColor("#E8EEF5")
    W, H = A4
    LM = RM = 2.2 * cm
    TM, BM = 2.4 * cm, 2.2 * cm
    FW = W - LM - RM

    base = ParagraphStyle("base", fontName="Times-Roman", fontSize=11, leading=14.5, spaceAfter=7)
    small = ParagraphStyle("small", parent=base, fontSize=10, leading=13, spaceAfter=6)
    h_title = ParagraphStyle(
        "title", fontName="Helvetica-Bold", fontSize=20, leading=25, textColor=BLUE, spaceAfter=10
    )
    h_sub = ParagraphStyle("sub", fontName="Helvetica", fontSize=12, leading=16, spaceAfter=6)
    h1 = ParagraphStyle(
        "h1",
        fontName="Helvetica-Bold",
        fontSize=14,
        leading=18,
        textColor=BLUE,
        spaceBefore=12,
        spaceAfter=6,
        keepWithNext=1,
    )
    h2 = ParagraphStyle(
        "h2",
        fontName="Helvetica-Bold",
        fontSize=11.5,
        leading=15,
        textColor=BLUE,
        spaceBefore=8,
        spaceAfter=4,
        keepWithNext=1,
    )
    h3 = ParagraphStyle(
        "h3", fontName="Helvetica-Bold", fontSize=10, leading=13, spaceBefore=4, spaceAfter=3
    )
    bul = ParagraphStyle(
        "bul",
        parent=base,
        leftIndent=22,
        bulletIndent=8,
        spaceAfter=4,
        bulletFontName="Vera",
        bulletFontSize=10,
    )
    zbul = ParagraphStyle(
        "zbul", parent=bul, bulletFontName="ZapfDingbats", bulletFontSize=9, bulletOffsetY=-1
    )
    box_bul = ParagraphStyle("boxbul", parent=small, leftIndent=12, bulletIndent=0, spaceAfter=4)
    cell = ParagraphStyle("cell", fontName="Helvetica", fontSize=9.5, leading=12)
    cell_h = ParagraphStyle(
        "cellh", fontName="Helvetica-Bold", fontSize=9.5, leading=12, textColor=colors.white
    )

    def decorate(canv, doc):
        canv.saveState()
        canv.setFont("Helvetica", 8.5)
        canv.setFillColor(colors.HexColor("#555555"))
        canv.drawString(LM, H - 1.45 * cm, RPT_RUNNING)
        canv.drawRightString(W - RM, H - 1.45 * cm, "Workshop report")
        canv.setStrokeColor(BLUE)
        canv.setLineWidth(0.6)
        canv.line(LM, H - 1.62 * cm, W - RM, H - 1.62 * cm)
        canv.line(LM, 1.55 * cm, W - RM, 1.55 * cm)
        canv.drawCentredString(W / 2, 1.05 * cm, f"Page {doc.page}")
        canv.restoreState()

    one = Frame(LM, BM, FW, H - TM - BM, id="one")
    top_h = 2.6 * cm
    gap = 0.8 * cm
    col_w = (FW - gap) / 2
    col_h = H - TM - BM - top_h
    two = [
        Frame(LM, BM + col_h, FW, top_h, id="top"),
        Frame(LM, BM, col_w, col_h, id="left"),
        Frame(LM + col_w + gap, BM, col_w, col_h, id="right"),
    ]
    doc = BaseDocTemplate(
        str(out_path),
        pagesize=A4,
        leftMargin=LM,
        rightMargin=RM,
        topMargin=TM,
        bottomMargin=BM,
        title=RPT_TITLE,
        author="Ministry of Labour and Social Welfare, Lao PDR",
        subject="Alliance 8.7 Pathfinder Country workshop report",
        invariant=1,
    )
    doc.addPageTemplates(
        [
            PageTemplate(id="normal", frames=[one], onPage=decorate),
            PageTemplate(id="twocol", frames=two, onPage=decorate),
        ]
    )

    story = []
    story.append(Spacer(1, 0.6 * cm))
    story.append(Paragraph(RPT_TITLE, h_title))
    story.append(Paragraph(RPT_SUB, h_sub))
    story.append(Paragraph(f"<i>{RPT_ORG}</i>", small))
    story.append(Spacer(1, 0.5 * cm))

    story.append(Paragraph("1. Introduction", h1))
    story += [Paragraph(t, base) for t in RPT_INTRO]
    story.append(Paragraph("2. Background", h1))
    story += [Paragraph(t, base) for t in RPT_BACKGROUND]

    # two-column page: discussion summary + box of priorities
    story.append(NextPageTemplate("twocol"))
    story.append(PageBreak())
    story.append(Paragraph("3. Summary of group discussions", h1))
    story.append(Paragraph(RPT_DISCUSSION_INTRO, small))
    story.append(FrameBreak())
    for k, (head, paras) in enumerate(RPT_DISCUSSION):
        if k == 3:
            story.append(FrameBreak())
        story.append(Paragraph(head, h3))
        story += [Paragraph(t, small) for t in paras]
    box_rows = [[Paragraph(f"<b>{RPT_BOX_HEAD}</b>", small)]]
    for it in RPT_BOX:
        box_rows.append([Paragraph(gold.take(it), box_bul, bulletText="–")])
    box = Table(box_rows, colWidths=[col_w])
    box.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), LIGHT),
                ("BOX", (0, 0), (-1, -1), 0.8, BLUE),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    story.append(Spacer(1, 0.3 * cm))
    story.append(box)
    story.append(NextPageTemplate("normal"))
    story.append(PageBreak())

    # 4. priorities: numbered sub-headings, bullets, runs across a page break
    story.append(Paragraph("4. Priorities for action", h1))
    story.append(Paragraph(RPT_PRIORITIES_INTRO, base))
    for head, context, glyph, items in RPT_PRIORITIES:
        story.append(Paragraph(head, h2))
        story.append(Paragraph(context, base))
        style = zbul if glyph != "•" else bul
        for it in items:
            story.append(Paragraph(gold.take(it), style, bulletText=glyph))

    # 5. action table
    story.append(CondPageBreak(5 * cm))
    story.append(Paragraph("5. Action plan for the first year", h1))
    story.append(Paragraph(RPT_ACTION_INTRO, base))
    rows = [[Paragraph(h, cell_h) for h in ("Action", "Responsible", "Deadline")]]
    for it, who, when in RPT_ACTIONS:
        rows.append([Paragraph(gold.take(it), cell), Paragraph(who, cell), Paragraph(when, cell)])
    t = Table(rows, colWidths=[FW * 0.52, FW * 0.30, FW * 0.18], repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), BLUE),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#9AA9B8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, LIGHT]),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    story.append(t)

    # 6. way forward: run-on paragraph
    story.append(Paragraph("6. Way forward", h1))
    text = RPT_WAY_LEAD + " " + " ".join(gold.take(it) for it in RPT_WAY_FORWARD)
    story.append(Paragraph(text, base))

    # annexes (not items)
    story.append(PageBreak())
    story.append(Paragraph("Annex 1. Workshop programme", h1))
    rows = [[Paragraph("Time", cell_h), Paragraph("Session", cell_h)]]
    rows += [[Paragraph(a, cell), Paragraph(b, cell)] for a, b in RPT_PROGRAMME]
    t = Table(rows, colWidths=[FW * 0.22, FW * 0.78])
    t.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), BLUE),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#9AA9B8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(t)
    story.append(Paragraph("Annex 2. Participating institutions", h1))
    inst = [Paragraph(x, bul, bulletText="•") for x in RPT_INSTITUTIONS]
    story.append(KeepTogether(inst))
    story.append(Spacer(1, 0.8 * cm))
    story.append(
        Paragraph(
            "<i>Prepared by the Secretariat of the workshop, Department of Labour Management, "
            "Ministry of Labour and Social Welfare, Vientiane.</i>",
            ParagraphStyle("end", parent=small, alignment=TA_CENTER),
        )
    )
    doc.build(story)
    return gold


# ==========================================================================
# 3. Word minutes: gcg_meeting_minutes.docx (python-docx)
# ==========================================================================

MIN_TITLE = "Minutes of the 11th Meeting of the Alliance 8.7 Global Coordinating Group"
MIN_SUB = "Geneva and online, 22 March 2022"
MIN_HEADER = "Alliance 8.7 – Global Coordinating Group"
MIN_FOOTER = "GCG/11/2022 – Draft minutes for approval – Page "

MIN_OPENING = [
    "The Chair opened the meeting and welcomed 46 participants, 19 of them in the room. She "
    "recalled that the pandemic had slowed some national processes but that the number of "
    "Pathfinder Countries had continued to grow.",
    "The agenda was adopted without changes. The Secretariat presented the progress report for "
    "2021, which had been circulated in advance.",
]
MIN_AG_INTRO = "The co-chairs of the Action Groups reported on their activities since October 2021."
MIN_AG = [
    (
        "2.1 Supply Chains Action Group",
        "The group has finished its mapping of sector initiatives in cocoa, cotton and fishing. "
        "Members discussed how Pathfinder Countries could use the mapping in their national "
        "roadmaps. Several members felt that business participation in national workshops "
        "remained uneven.",
    ),
    (
        "2.2 Migration Action Group",
        "The co-chair reported on the joint webinar with the Colombo Process held in December. "
        "Members discussed fair recruitment and the role of bilateral labour agreements. The "
        "group intends to continue its work on recruitment fees in the coming months.",
    ),
    (
        "2.3 Communications Action Group",
        "The group presented the new Pathfinder Country pages of the website. Participants "
        "welcomed the country profiles and asked for more stories from the field.",
    ),
]
MIN_PF_INTRO = (
    "The Secretariat gave an overview of the Pathfinder Countries that held national workshops "
    "in 2021 and early 2022. The delegation of Mexico then presented the outcome of its "
    "national process; its written contribution, submitted in Spanish, is reproduced below."
)
MIN_MEX_INTRO = (
    "El taller nacional de planificación estratégica se celebró en la Ciudad de México los días "
    "8 y 9 de febrero de 2022, con la participación de dependencias federales, gobiernos "
    "estatales, organizaciones de trabajadores y empleadores, sociedad civil y agencias del "
    "Sistema de las Naciones Unidas."
)
MIN_MEX_PRIORITIES = [
    P(
        "Fortalecer la inspección del trabajo infantil en los campos agrícolas de exportación",
        "MEX",
        [CL],
        [ENF],
    ),
    P(
        "Armonizar la legislación estatal en materia de trata de personas con la Ley General",
        "MEX",
        [HT],
        [LEG],
    ),
    P(
        "Ampliar los programas de becas y capacitación para adolescentes que trabajan",
        "MEX",
        [CL],
        [EDU],
    ),
    P(
        "Promover la debida diligencia en derechos humanos en las cadenas de suministro de las "
        "empresas mexicanas",
        "MEX",
        [SC],
        [],
    ),
    P(
        "Proteger a las personas trabajadoras migrantes en tránsito frente al trabajo forzoso",
        "MEX",
        [MIG, FL],
        [VIC],
    ),
]
MIN_MEX_NEXT = [
    N(
        "Instalar la Comisión Intersecretarial para la Alianza 8.7 antes de junio de 2022.",
        "MEX",
        [],
        [COO],
    ),
    N("Presentar la hoja de ruta nacional en la próxima reunión del GCG.", "MEX", [], [COO]),
    N(
        "Publicar los resultados del Módulo de Trabajo Infantil 2022 con el INEGI.",
        "MEX",
        [CL],
        [DAT],
    ),
]
MIN_PF_DISCUSSION = (
    "Members congratulated Mexico and asked how the federal and state levels would share "
    "responsibilities. Kenya and Morocco informed the meeting of their intention to join as "
    "Pathfinder Countries."
)
MIN_DECISIONS = [
    "The GCG approved the work plan of the Secretariat for 2022.",
    "The GCG welcomed Kenya and Morocco as new Pathfinder Countries.",
    "The revised Terms of Reference of the Action Groups were adopted.",
    "The minutes of the 10th meeting were approved without amendment.",
]
MIN_ACTIONS = [
    N(
        "The Secretariat will circulate the revised Pathfinder Country Guidance Note to GCG "
        "members by 30 April 2022.",
        None,
        [],
        [],
    ),
    N(
        "Action Groups to submit their 2022 work plans to the Secretariat before the next meeting.",
        None,
        [],
        [COO],
    ),
    N(
        "The Communications Action Group will prepare a social media campaign for the World Day "
        "against Child Labour.",
        None,
        [CL],
        [AWA],
    ),
    N(
        "The Chair to write to donors on funding for the Pathfinder Country process.",
        None,
        [],
        [RES],
    ),
    N(
        "The Secretariat to launch a call for research on forced labour in global supply chains.",
        None,
        [FL, SC],
        [DAT],
    ),
    N(
        "The Research Action Group to brief Pathfinder Countries on the new Global Estimates of "
        "Modern Slavery.",
        None,
        [MS],
        [DAT],
    ),
    N(
        "Migration Action Group to organise a webinar on fair recruitment with Pathfinder "
        "Countries in Asia.",
        None,
        [MIG],
        [COO],
    ),
]
MIN_TABLE = [
    (
        N("Update the Pathfinder Country progress dashboard", None, [], [MON]),
        "Secretariat",
        "Quarterly",
    ),
    (
        N("Organise the Pathfinder Countries side event at the HLPF", None, [], []),
        "Secretariat, France",
        "July 2022",
    ),
    (
        N(
            "Draft the methodology for the second round of Pathfinder Country e-reports",
            None,
            [],
            [MON],
        ),
        "Secretariat, Research Action Group",
        "September 2022",
    ),
    (N("Convene the 12th meeting of the GCG", None, [], [COO]), "Chair", "November 2022"),
]
MIN_AOB = (
    "No other business was raised. The Chair thanked the interpreters and closed the meeting "
    "at 17:10."
)
MIN_PARTICIPANTS = (
    "Governments: Argentina, Côte d'Ivoire, France, Ghana, Mexico, Nepal, Netherlands, Norway, "
    "Sri Lanka, United Kingdom, United States. Organisations: ILO, IOM, OHCHR, UNICEF, UNODC, "
    "IOE, ITUC, Walk Free, Global March against Child Labour."
)


def build_minutes(out_path: Path) -> Gold:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    gold = Gold()
    PLUM = RGBColor(0x5B, 0x2C, 0x6F)
    doc = Document()
    sec = doc.sections[0]
    sec.page_height, sec.page_width = Cm(29.7), Cm(21.0)
    sec.left_margin = sec.right_margin = Cm(2.4)
    sec.top_margin, sec.bottom_margin = Cm(2.5), Cm(2.2)

    styles = doc.styles
    styles["Normal"].font.name = "Calibri"
    styles["Normal"].font.size = Pt(11)
    styles["Normal"].paragraph_format.space_after = Pt(6)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        styles[name].font.color.rgb = PLUM

    def shade(c, hex_fill):
        tcPr = c._tc.get_or_add_tcPr()
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), hex_fill)
        tcPr.append(shd)

    # cover
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(120)
    r = p.add_run("ALLIANCE 8.7")
    r.bold = True
    r.font.size = Pt(26)
    r.font.color.rgb = PLUM
    doc.add_paragraph(MIN_TITLE, style="Title")
    p = doc.add_paragraph()
    r = p.add_run(MIN_SUB)
    r.font.size = Pt(14)
    p = doc.add_paragraph()
    r = p.add_run("Draft for approval by the 12th meeting")
    r.italic = True
    p.add_run().add_break(WD_BREAK.PAGE)

    doc.add_heading("1. Opening of the meeting", level=1)
    for t in MIN_OPENING:
        doc.add_paragraph(t)

    doc.add_heading("2. Updates from the Action Groups", level=1)
    doc.add_paragraph(MIN_AG_INTRO)
    for head, text in MIN_AG:
        doc.add_heading(head, level=2)
        doc.add_paragraph(text)

    doc.add_heading("3. Pathfinder Countries", level=1)
    doc.add_paragraph(MIN_PF_INTRO)
    doc.add_heading("3.1 México: resultados del taller nacional", level=2)
    doc.add_paragraph(MIN_MEX_INTRO)
    doc.add_heading("Prioridades", level=3)
    for it in MIN_MEX_PRIORITIES:
        doc.add_paragraph(gold.take(it), style="List Bullet")
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(6)
    p.add_run("Próximos pasos: ").bold = True
    p.add_run(" ".join(gold.take(it) for it in MIN_MEX_NEXT))
    doc.add_heading("3.2 Discussion", level=2)
    doc.add_paragraph(MIN_PF_DISCUSSION)

    doc.add_heading("4. Decisions", level=1)
    doc.add_paragraph("The Global Coordinating Group took the following decisions:")
    for t in MIN_DECISIONS:
        doc.add_paragraph(t, style="List Number")

    doc.add_heading("5. Action points", level=1)
    for it in MIN_ACTIONS:
        doc.add_paragraph(gold.take(it), style="List Bullet")

    doc.add_heading("6. Follow-up table", level=1)
    doc.add_paragraph("Further follow-up agreed during the meeting:")
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = (Cm(8.6), Cm(4.6), Cm(3.0))
    for c, h in enumerate(("Action", "Lead", "Timeline")):
        cell = table.rows[0].cells[c]
        cell.text = ""
        r = cell.paragraphs[0].add_run(h)
        r.bold = True
        r.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        shade(cell, "5B2C6F")
    for it, lead, when in MIN_TABLE:
        cells = table.add_row().cells
        cells[0].text = gold.take(it)
        cells[1].text = lead
        cells[2].text = when
    table.autofit = False
    for c, w in enumerate(widths):
        table.columns[c].width = w
    for row in table.rows:
        for c, w in enumerate(widths):
            row.cells[c].width = w

    doc.add_heading("7. Any other business", level=1)
    doc.add_paragraph(MIN_AOB)
    doc.add_heading("Annex: Participants", level=1)
    doc.add_paragraph(MIN_PARTICIPANTS)

    # header and footer (not on the cover page)
    sec.different_first_page_header_footer = True
    hp = sec.header.paragraphs[0]
    hp.text = MIN_HEADER
    hp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    hp.runs[0].font.size = Pt(9)
    hp.runs[0].font.color.rgb = PLUM
    fp = sec.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = fp.add_run(MIN_FOOTER)
    r.font.size = Pt(9)
    r = fp.add_run()
    r.font.size = Pt(9)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2")):
        if kind:
            fc = OxmlElement("w:fldChar")
            fc.set(qn("w:fldCharType"), kind)
            r._r.append(fc)
        elif text == " PAGE ":
            it = OxmlElement("w:instrText")
            it.set(qn("xml:space"), "preserve")
            it.text = text
            r._r.append(it)
        else:
            t = OxmlElement("w:t")
            t.text = text
            r._r.append(t)
    fc = OxmlElement("w:fldChar")
    fc.set(qn("w:fldCharType"), "end")
    r._r.append(fc)

    cp = doc.core_properties
    cp.title = MIN_TITLE
    cp.author = "Alliance 8.7 Secretariat"
    cp.created = cp.modified = cp.last_printed = FIXED_TIME
    cp.revision = 1
    doc.save(out_path)
    fix_zip_times(out_path)
    return gold


# ==========================================================================
# 4. Markdown note: regional_note.md
# ==========================================================================

NOTE_KEN_PRIORITIES = [
    P(
        "Finalise and adopt the National Action Plan on the Elimination of Child Labour",
        "KEN",
        [CL],
        [LEG],
    ),
    P(
        "Strengthen the Counter-Trafficking in Persons Advisory Committee",
        "KEN",
        [HT],
        [COO],
    ),
    P(
        "Regulate private employment agencies that recruit domestic workers for the Middle East",
        "KEN",
        [MIG],
        [LEG],
    ),
    P(
        "Scale up the Inua Jamii cash transfer programme for households with children at risk "
        "of child labour",
        "KEN",
        [CL],
        [SOC],
    ),
    P(
        "Train county labour officers and the National Police Service on forced labour indicators",
        "KEN",
        [FL],
        [CAP, ENF],
    ),
    P(
        "Establish a national database of trafficking and forced labour cases",
        "KEN",
        [HT, FL],
        [DAT],
    ),
]
NOTE_KEN_FOLLOW_UP = [
    N(
        "Confirm the date of the national strategic workshop with the Ministry of Labour and "
        "Social Protection",
        "KEN",
        [],
        [COO],
    ),
    N("Share the draft concept note with social partners by 15 July 2022", "KEN", [], []),
    N(
        "Agree on the division of roles between ILO, IOM and UNICEF for the workshop preparation",
        "KEN",
        [],
        [COO],
    ),
    N(
        "Prepare a mapping of existing programmes on child labour and trafficking in Kenya",
        "KEN",
        [CL, HT],
        [DAT],
    ),
]


def build_note(out_path: Path) -> Gold:
    gold = Gold()
    lines = [
        "# Regional note: Alliance 8.7 in East Africa",
        "",
        "*Alliance 8.7 Secretariat – Africa regional focal point, June 2022*",
        "",
        "## Context",
        "",
        "East Africa now counts three Pathfinder Countries and one candidate. National "
        "processes are at different stages: Tanzania has a draft roadmap, while Kenya is "
        "preparing its first national strategic workshop after a scoping mission in May 2022.",
        "",
        "| Country | Pathfinder since | National workshop | Lead ministry |",
        "|---|---|---|---|",
        "| Kenya | 2022 | planned, Nairobi, September 2022 | Ministry of Labour and Social "
        "Protection |",
        "| United Republic of Tanzania | 2020 | held online, 2021 | Prime Minister's Office "
        "(Labour) |",
        "| Uganda | 2019 | held, Kampala, 2019 | Ministry of Gender, Labour and Social "
        "Development |",
        "| Ethiopia | candidate | to be decided | Ministry of Labour and Skills |",
        "",
        "## Kenya",
        "",
        "The scoping mission met government officials, the Central Organization of Trade "
        "Unions, the Federation of Kenya Employers and civil society groups in Nairobi and "
        "Mombasa. Participants identified the following key priorities.",
        "",
        "### Key priorities",
        "",
    ]
    lines += [f"- {gold.take(it)}" for it in NOTE_KEN_PRIORITIES]
    lines += [
        "",
        "### Follow-up actions",
        "",
    ]
    lines += [f"- {gold.take(it)}" for it in NOTE_KEN_FOLLOW_UP]
    lines += [
        "",
        "## Observations",
        "",
        "- Participation of county governments was strong and should be kept in the workshop.",
        "- The mission found good practice in the child labour free zones of Busia and Kitui.",
        "- Data on labour migration to the Gulf are collected by several bodies but not shared.",
        "",
        "*Contact: Alliance 8.7 Secretariat, Geneva.*",
        "",
    ]
    out_path.write_text("\n".join(lines), encoding="utf-8")
    return gold


# ==========================================================================


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-pdf", action="store_true", help="skip the LibreOffice export")
    args = ap.parse_args(argv)
    DOCS.mkdir(parents=True, exist_ok=True)
    GOLD.mkdir(parents=True, exist_ok=True)

    deck = DOCS / "pathfinder_update_2021.pptx"
    g = build_deck(deck)
    g.write("pathfinder_update_2021", deck.name)
    report_counts = [("pathfinder_update_2021.pptx", g)]
    if not args.no_pdf:
        pdf = export_pdf(deck, DOCS)
        if pdf is not None:
            g.write("pathfinder_update_2021_pdf", pdf.name)
            report_counts.append((pdf.name, g))

    for name, builder in (
        ("national_workshop_report.pdf", build_report),
        ("gcg_meeting_minutes.docx", build_minutes),
        ("regional_note.md", build_note),
    ):
        path = DOCS / name
        g = builder(path)
        g.write(path.stem, name)
        report_counts.append((name, g))

    for name, g in report_counts:
        n_p = sum(it.kind == "priority" for it in g.items)
        n_n = sum(it.kind == "next_step" for it in g.items)
        size = (DOCS / name).stat().st_size
        print(f"{name:38s} {size / 1024:7.1f} KB  priority {n_p:3d}  next_step {n_n:3d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
