#!/usr/bin/env python3
"""Deterministic benchmark corpus: workshop slide decks and narrative reports of our own.

    .venv/bin/python bench/generate.py OUT_DIR [--docs 100] [--seed 87] [--short]

Writes, for `--docs N` files in all, about N/4 slide decks (each as `.pptx` and as the same
deck drawn into a 16:9 PDF) and N/4 narrative reports (each as an A4 PDF and a `.docx`):

    OUT_DIR/decks/pptx/deck-0001.pptx      OUT_DIR/decks/pdf/deck-0001.pdf
    OUT_DIR/reports/pdf/report-0002.pdf    OUT_DIR/reports/docx/report-0002.docx

and `OUT_DIR.json` beside the folder (outside it, so `pipeline run OUT_DIR` sees only
documents) listing every file with its format, pages and the items planted in it.

Content comes from the phrase banks below (countries, themes, priorities, next steps,
narrative sentences) drawn with `random.Random(f"{seed}:{index}")`, so a document depends
only on the seed and its index, never on the corpus size. Decks have a title slide, an
agenda, bullet slides with two levels under bold theme labels, theme tables, framed
"Next steps" boxes beside "Achieved so far", country-prefixed action points, speaker notes,
a footer and slide numbers; reports have a cover block, numbered headings, paragraphs,
bulleted and numbered lists (two levels), ruled and unruled tables, a shaded box of
priorities, two-column pages, running headers and footers with page numbers. Sizes follow
real documents: decks 15-40 slides and reports 5-60 pages, or 1-5 of either with `--short`.

Files are byte-identical from run to run: OOXML zip entries and core properties carry a
fixed timestamp and reportlab runs in invariant mode. Only reportlab (the `corpus` extra),
python-pptx and python-docx are needed; no LibreOffice, no system fonts (the PDFs use the
standard 14 fonts and the Bitstream Vera TrueType fonts that ship with reportlab).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

FIXED_TIME = datetime(2024, 3, 1, 9, 0, 0)
GENERATOR_VERSION = 4  # bump when the output changes, so run_bench regenerates cached corpora

# --------------------------------------------------------------------------- phrase banks

# (name, capital, second city, region)
COUNTRIES = [
    ("Nepal", "Kathmandu", "Pokhara", "Asia and the Pacific"),
    ("Sri Lanka", "Colombo", "Kandy", "Asia and the Pacific"),
    ("Viet Nam", "Hanoi", "Ho Chi Minh City", "Asia and the Pacific"),
    ("Lao PDR", "Vientiane", "Savannakhet", "Asia and the Pacific"),
    ("Philippines", "Manila", "Cebu", "Asia and the Pacific"),
    ("Mongolia", "Ulaanbaatar", "Erdenet", "Asia and the Pacific"),
    ("Fiji", "Suva", "Lautoka", "Asia and the Pacific"),
    ("Madagascar", "Antananarivo", "Toamasina", "Africa"),
    ("Malawi", "Lilongwe", "Blantyre", "Africa"),
    ("Uganda", "Kampala", "Gulu", "Africa"),
    ("United Republic of Tanzania", "Dodoma", "Dar es Salaam", "Africa"),
    ("Ghana", "Accra", "Kumasi", "Africa"),
    ("Nigeria", "Abuja", "Lagos", "Africa"),
    ("Côte d'Ivoire", "Abidjan", "Bouaké", "Africa"),
    ("Mauritania", "Nouakchott", "Nouadhibou", "Africa"),
    ("Ethiopia", "Addis Ababa", "Mekelle", "Africa"),
    ("Kenya", "Nairobi", "Mombasa", "Africa"),
    ("Morocco", "Rabat", "Casablanca", "Arab States and North Africa"),
    ("Tunisia", "Tunis", "Sfax", "Arab States and North Africa"),
    ("Jordan", "Amman", "Irbid", "Arab States and North Africa"),
    ("Chile", "Santiago", "Valparaíso", "Latin America and the Caribbean"),
    ("Peru", "Lima", "Arequipa", "Latin America and the Caribbean"),
    ("Mexico", "Mexico City", "Guadalajara", "Latin America and the Caribbean"),
    ("Paraguay", "Asunción", "Ciudad del Este", "Latin America and the Caribbean"),
    ("Guatemala", "Guatemala City", "Quetzaltenango", "Latin America and the Caribbean"),
    ("Colombia", "Bogotá", "Medellín", "Latin America and the Caribbean"),
    ("Argentina", "Buenos Aires", "Córdoba", "Latin America and the Caribbean"),
    ("Costa Rica", "San José", "Limón", "Latin America and the Caribbean"),
    ("Albania", "Tirana", "Durrës", "Europe and Central Asia"),
    ("Uzbekistan", "Tashkent", "Samarkand", "Europe and Central Asia"),
]

THEME_NAMES = {
    "child_labour": "Child labour",
    "forced_labour": "Forced labour",
    "human_trafficking": "Human trafficking",
    "migration": "Labour migration",
    "supply_chains": "Supply chains",
    "data": "Data and research",
    "cross": "Coordination and resources",
}

PRIORITIES = {
    "child_labour": [
        "Adopt the list of hazardous work prohibited for children under 18, covering {sector}",
        "Extend the child labour monitoring system to all districts producing {crop}",
        "Strengthen labour inspection in {sector}, including in the informal economy",
        "Expand school feeding and scholarships for children of poor households in {area}",
        "Enrol every child withdrawn from work in school or in bridging education",
        "Raise awareness among parents and community leaders of the dangers of hazardous work",
        "Scale up cash transfers in the districts with the highest rates of child labour",
        "Align the minimum age for employment with the end of compulsory education",
        "Establish child labour free zones in {area}",
    ],
    "forced_labour": [
        "Ratify the Forced Labour Protocol, 2014 (P029) and report on its application",
        "Amend the Penal Code to define and criminalise forced labour",
        "Train labour inspectors and police to recognise indicators of forced labour in {sector}",
        "Set up a referral pathway for victims identified during labour inspections",
        "Adopt a national action plan on forced labour for {period}",
        "Prohibit recruitment fees charged to workers and sanction abusive agencies",
        "Include forced labour indicators in the next labour force survey",
    ],
    "human_trafficking": [
        "Establish a national referral mechanism linking police, prosecutors and shelters",
        "Train prosecutors and judges in handling trafficking cases",
        "Expand the network of shelters for survivors of trafficking in {area}",
        "Strengthen cross-border cooperation with {neighbour} on trafficking investigations",
        "Create a shared database of trafficking cases for police, labour and welfare offices",
        "Fully implement the anti-trafficking law and adopt its implementing regulations",
        "Set up anti-trafficking coordination committees in all border districts",
    ],
    "migration": [
        "Review the law on overseas employment to regulate private recruitment agencies",
        "Provide pre-departure information through migrant resource centres in {area}",
        "Negotiate bilateral labour agreements covering domestic workers with {neighbour}",
        "Assist returning migrant workers with reintegration and the recognition of skills",
        "Promote regular migration channels and reduce the cost of migration",
        "Extend social security coverage to migrant workers in {sector}",
    ],
    "supply_chains": [
        "Form a business network against child labour and forced labour with {crop} companies",
        "Promote traceability systems in the {crop} value chain",
        "Adopt guidelines on human rights due diligence for companies operating in {country}",
        "Include labour clauses in public procurement contracts",
        "Support social dialogue in export-oriented {sector}",
    ],
    "data": [
        "Conduct a national survey on child labour and forced labour with the statistics office",
        "Map the recruitment channels used by young migrants from {area}",
        "Publish annual statistics on trafficking cases, prosecutions and convictions",
        "Develop indicators and baselines to track progress on Target 8.7",
    ],
    "cross": [
        "Secure a dedicated budget line for the national coordination of Target 8.7",
        "Mobilise village authorities and women's organizations for community-based prevention",
        "Track progress through the monitoring framework of the national development plan",
        "Designate the national steering committee as the Alliance 8.7 platform",
    ],
}

NEXT_STEPS = [
    "Validate the national roadmap on Target 8.7 with social partners by {date}",
    "{Actor} will convene the first meeting of the national steering committee in {month}",
    "Share the workshop report with all participants by {date}",
    "Prepare a resource mobilisation plan with {partner}",
    "Nominate focal points for Target 8.7 in {ministry} and {ministry2}",
    "Organise a follow-up workshop in {city} in {month}",
    "Submit the draft national action plan to the Council of Ministers by {date}",
    "Develop a monitoring framework with indicators and baselines by {date}",
    "{Partner} will support a mapping of existing programmes on {theme}",
    "Present progress at the next meeting of the Alliance 8.7 Global Coordinating Group",
    "Launch the national campaign against {theme} in {month}",
    "Hold a round table with development partners to mobilise resources before {date}",
    "Finalise the terms of reference of the technical working groups by {date}",
    "Report to the Secretariat on the implementation of the roadmap by {date}",
]

SUFFIXES = [
    " by {year}",
    " in {area}",
    ", with the support of {partner}",
    " in line with ILO Convention No. {convention}",
    " in {sector}",
]

SECTORS = [
    "agriculture",
    "cocoa farming",
    "cotton production",
    "fishing",
    "small-scale gold mining",
    "brick kilns",
    "domestic work",
    "the garment industry",
    "construction",
    "tea estates",
    "sugar cane plantations",
    "seafood processing",
]
CROPS = ["cocoa", "coffee", "cotton", "tea", "tobacco", "sugar cane", "cashew", "vanilla"]
DIRECTIONS = ["northern", "southern", "eastern", "western", "central", "coastal"]
PARTNERS = [
    "ILO",
    "UNICEF",
    "IOM",
    "UNODC",
    "FAO",
    "UNHCR",
    "the World Bank",
    "the European Union",
    "the Alliance 8.7 Secretariat",
]
MINISTRIES = [
    "the Ministry of Labour",
    "the Ministry of Education",
    "the Ministry of Justice",
    "the Ministry of Social Welfare",
    "the Ministry of Foreign Affairs",
    "the Ministry of the Interior",
    "the Ministry of Agriculture",
]
ACTORS = [
    *MINISTRIES,
    "the National Statistics Office",
    "the Labour Inspectorate",
    "the National Police",
    "the national steering committee",
]
CONVENTIONS = ["29", "105", "138", "182", "189", "190"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "September",
    "October",
    "November",
    "December",
]

OBSERVATIONS = [
    "data on forced labour remain scattered across institutions and are rarely disaggregated",
    "labour inspectors lack the vehicles and budget to visit remote areas",
    "recruitment agencies often charge fees to workers despite the law",
    "coordination between ministries has improved since the steering committee was set up",
    "victims are rarely identified in the informal economy",
    "absenteeism from school rises sharply at harvest time",
    "migrant resource centres are little known in the villages",
    "shelters are few and concentrated in the capital",
    "employers asked for practical guidance on which tasks are dangerous for children",
    "information on safe migration reaches young people through social media",
    "district child labour committees meet irregularly for lack of funds",
    "prosecutions for trafficking remain few compared with the cases identified",
]
TOPICS = [
    "the seasonal character of children's work in family farming",
    "the identification of victims of labour trafficking",
    "the cost of regular migration compared with irregular channels",
    "the role of employers in supply chain due diligence",
    "the sharing of case data between institutions",
    "the financing of the national roadmap",
    "the links between school attendance and household income",
    "the protection of domestic workers",
]
STUDIES = [
    "national child labour survey",
    "rapid assessment of forced labour in {sector}",
    "mapping of recruitment agencies",
    "baseline study on trafficking in {area}",
    "review of the labour inspection system",
]
LESSONS = [
    "Ownership at the highest level of government speeds up the validation of the roadmap",
    "Workers' and employers' organizations should join from the first preparatory meeting",
    "Online workshops suit the validation stage, but not the first strategic discussion",
    "Linking the roadmap to the UN Cooperation Framework eases resource mobilisation",
    "Provincial authorities need their own budget to follow up the priorities",
    "Short roadmaps with a few priorities are easier to monitor than long action plans",
    "Survivors' organizations bring practical knowledge that officials do not have",
]
EVENTS = [
    "Meeting of the Global Coordinating Group, Geneva and online",
    "Global Conference on the Elimination of Child Labour",
    "HLPF side event on Pathfinder Countries, New York",
    "Regional meeting of Pathfinder Countries, {city}",
    "Validation workshop of the national roadmap, {city}",
    "Webinar on forced labour in supply chains",
]
ACHIEVED = [
    "National steering committee designated as the Alliance 8.7 platform",
    "Strategic workshop held in {city} with {n} participants",
    "Child labour monitoring system rolled out in {k} districts",
    "Second national plan of action on child labour launched",
    "Focal point nominated at {ministry}",
    "Anti-trafficking law amended in {year}",
    "Labour inspectors trained on forced labour indicators",
]
INSTITUTIONS = [
    "Ministry of Labour and Social Protection",
    "Ministry of Education and Sports",
    "Ministry of Justice",
    "National Statistics Office",
    "National Police, Anti-Trafficking Unit",
    "Federation of Trade Unions",
    "National Chamber of Commerce and Industry",
    "Women's Union",
    "International Labour Organization (ILO)",
    "UNICEF",
    "International Organization for Migration (IOM)",
    "Civil society network against child labour",
]
SESSIONS = [
    "Registration of participants",
    "Opening remarks by the Minister of Labour",
    "Presentation of the background paper",
    "Alliance 8.7 and the Pathfinder Country process",
    "Group work on priorities",
    "Report back from the groups",
    "Coffee break",
    "Plenary discussion of the priorities",
    "Lunch",
    "Next steps and closing",
]


SENTENCES = [
    "{name} became a Pathfinder Country of Alliance 8.7 in {early}, committing to accelerate "
    "efforts towards Target 8.7 of the Sustainable Development Goals.",
    "The national strategic planning workshop, held in {capital}, brought together {n} "
    "participants from line ministries, workers' and employers' organizations, UN agencies "
    "and civil society.",
    "According to the latest national survey, an estimated {children} children aged 5 to 17 "
    "are in child labour, {pct} per cent of them in {sector}.",
    "Labour migration, mainly to {neighbour}, is an important source of income for rural "
    "households.",
    "A large share of migrants travel through irregular channels, which exposes them to "
    "deceptive recruitment, debt bondage and, in the worst cases, trafficking.",
    "Over the past decade, the Government adopted a law on trafficking in persons and revised "
    "the Labour Code with the support of {partner}.",
    "Provincial labour offices received training on child labour in {early} with the support "
    "of {partner}.",
    "A desk review of legislation, policies and programmes was carried out, and consultations "
    "were held in {city} and {area}.",
    "Participants noted that {observation}.",
    "Several speakers stressed that {observation}.",
    "The representative of {ministry} presented the main findings of the {study}.",
    "The discussion focused on {topic}.",
    "Representatives from {city2} described {topic} in their province.",
    "The opening session was chaired by the Minister of Labour, who recalled the commitments "
    "made when {name} joined Alliance 8.7.",
    "{Partner} presented the global estimates of modern slavery and their implications for "
    "the region.",
    "Workers' organizations reported that {observation}.",
    "Employers' representatives welcomed the initiative and offered to share their "
    "experience of supplier audits in {sector}.",
    "The background paper estimated that {pct} per cent of migrant workers paid recruitment "
    "fees before departure.",
    "Civil society organizations working in {area} described the situation of returning "
    "migrants and survivors of trafficking.",
    "In {early}, the labour inspectorate carried out {k}0 inspections in {sector}, most of them "
    "in {city2}.",
    "The meeting was held in a hybrid format, with participants from the provinces joining online.",
    "A representative of the statistics office explained how the next labour force survey "
    "could include a module on forced labour.",
]


class Text:
    """The phrase banks drawn with one document's random generator."""

    def __init__(self, rng: random.Random, country: tuple[str, str, str, str]) -> None:
        self.rng = rng
        self.country = country

    def pick(self, seq):
        return self.rng.choice(seq)

    def fill(self, template: str) -> str:
        r, (name, capital, city2, _) = self.rng, self.country
        year = r.randint(2022, 2027)
        month = f"{self.pick(MONTHS)} {year}"
        values = {
            "sector": self.pick(SECTORS),
            "crop": self.pick(CROPS),
            "area": self.pick(
                [
                    f"the {self.pick(DIRECTIONS)} provinces",
                    "border districts",
                    "rural areas",
                    city2,
                    f"{capital} and {city2}",
                ]
            ),
            "neighbour": self.pick([c[0] for c in COUNTRIES if c[0] != name]),
            "period": f"{year}–{year + 4}",
            "country": name,
            "city": self.pick([capital, city2]),
            "partner": self.pick(PARTNERS),
            "Partner": _cap(self.pick(PARTNERS)),
            "Actor": _cap(self.pick(ACTORS)),
            "ministry": self.pick(MINISTRIES),
            "ministry2": self.pick(MINISTRIES),
            "theme": self.pick(["child labour", "forced labour", "human trafficking"]),
            "year": str(year),
            "month": month,
            "date": self.pick([month, f"the end of {year}", f"Q{r.randint(1, 4)} {year}"]),
            "convention": self.pick(CONVENTIONS),
            "n": str(r.randint(40, 160)),
            "k": str(r.randint(5, 60)),
            "name": name,
            "capital": capital,
            "city2": city2,
            "early": str(r.randint(2015, 2023)),
            "children": f"{r.randint(20, 900) * 1000:,}",
            "pct": str(r.randint(20, 85)),
            "observation": self.pick(OBSERVATIONS),
            "topic": self.pick(TOPICS),
            "study": self.pick(STUDIES).format(
                sector=self.pick(SECTORS), area=f"the {self.pick(DIRECTIONS)} provinces"
            ),
        }
        return template.format(**values)

    def sentence(self) -> str:
        return self.fill(self.pick(SENTENCES))

    def paragraph(self, low: int = 3, high: int = 6) -> str:
        """Sentences drawn without repetition."""
        n = self.rng.randint(low, high)
        return " ".join(self.fill(s) for s in self.rng.sample(SENTENCES, n))

    def items(self, kind: str, n: int, theme: str | None = None) -> list[str]:
        """`n` items from distinct templates (priorities of `theme`, or next steps)."""
        bank = PRIORITIES[theme or "cross"] if kind == "priority" else NEXT_STEPS
        out = []
        for template in self.rng.sample(bank, min(n, len(bank))):
            text = self.fill(template)
            if kind == "priority" and self.rng.random() < 0.35:
                text += self.fill(self.pick(SUFFIXES))
            out.append(text)
        return out


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


# --------------------------------------------------------------------------- deck model

GREEN, ORANGE, DARK, GREY = "0B4F3C", "E07A1F", "222222", "6B6B6B"
WHITE, PALE = "FFFFFF", "EEF4F1"
SLIDE_W, SLIDE_H = 13.333, 7.5  # inches, 16:9
MARGIN, BODY_TOP = 0.7, 1.55
BODY_W = SLIDE_W - 2 * MARGIN


@dataclass
class Para:
    text: str
    size: float = 18
    bold: bool = False
    italic: bool = False
    color: str = DARK
    bullet: str | None = None  # a glyph, or "#" for an automatic number
    level: int = 0
    label: str | None = None  # a bold run before the text ("Peru:", "Next steps:")
    align: str = "l"
    space_after: float = 6  # points
    item: str | None = None  # "priority" / "next_step" when the text is an item
    count: int = 1  # items in the text (a run-on paragraph holds several)


@dataclass
class TextShape:
    x: float
    y: float
    w: float
    h: float
    paras: list[Para]
    fill: str | None = None
    line: str | None = None
    name: str | None = None


@dataclass
class TableShape:
    x: float
    y: float
    widths: list[float]
    rows: list[list[list[Para]]]
    heights: list[float]
    header: bool = True


@dataclass
class Slide:
    layout: str  # "title", "content", "blank"
    title: str = ""
    subtitle: str = ""
    shapes: list = field(default_factory=list)
    notes: str | None = None


@dataclass
class Deck:
    title: str
    subtitle: str
    footer: str
    author: str
    slides: list[Slide]


def _bullets(
    texts: list[str], glyph: str = "•", size: float = 18, level: int = 0, item: str | None = None
) -> list[Para]:
    return [Para(t, size=size, bullet=glyph, level=level, item=item) for t in texts]


def make_deck(t: Text, n_slides: int) -> Deck:
    """A deck of `n_slides` slides about `t.country` (and neighbours on regional decks)."""
    r = t.rng
    name, capital, _, region = t.country
    year = r.randint(2019, 2025)
    regional = r.random() < 0.4
    if regional:
        title = f"Pathfinder Countries in {region}: update {year}"
        others = [c for c in COUNTRIES if c[3] == region and c[0] != name]
        countries = [t.country, *r.sample(others, min(3, len(others)))]
    else:
        title = f"{name}: national roadmap on SDG Target 8.7"
        countries = [t.country]
    subtitle = f"{t.pick(['Strategic planning workshop', 'Validation workshop', 'GCG meeting'])}"
    subtitle += f"  ·  {capital}, {r.randint(1, 28)} {t.pick(MONTHS)} {year}"
    footer = f"Alliance 8.7 | {title}"
    slides: list[Slide] = [Slide("title", title, subtitle)]

    def body(n: int) -> list[Slide]:
        """`n` content slides: an overview, country slides (priorities, theme tables,
        next-steps boxes, context), regional action points, lessons learnt and events."""
        first: list[Slide] = []
        last: list[Slide] = []
        if n >= 8:
            first.append(_cards_slide(t))
            last.append(
                Slide(
                    "content",
                    "Lessons learnt",
                    shapes=[
                        TextShape(MARGIN, BODY_TOP, BODY_W, 5.0, _bullets(r.sample(LESSONS, 4)))
                    ],
                )
            )
            last.append(_events_slide(t))
            if regional:
                last.insert(0, _prefix_slide(t, countries))
        middle: list[Slide] = []
        kinds = [_bullets_slide, _table_slide, _boxes_slide, _text_slide]
        k = r.randrange(len(kinds))
        while len(first) + len(middle) + len(last) < n:
            country = countries[(len(middle) // 3) % len(countries)]
            middle.append(kinds[k % len(kinds)](Text(r, country)))
            k += 1 + (r.random() < 0.25)
        return (first + middle + last)[:n]

    if n_slides <= 5:
        slides += body(n_slides - 1)
    else:
        agenda = [
            "Where we stand",
            *(f"Country update: {c[0]}" for c in countries),
            "Priorities and next steps",
            "Lessons learnt",
            "Upcoming events",
        ]
        slides.append(
            Slide(
                "content",
                "Agenda",
                shapes=[
                    TextShape(
                        1.2,
                        1.9,
                        10.5,
                        4.8,
                        [Para(a, size=22, bullet="#", space_after=12) for a in agenda],
                        name="Agenda",
                    )
                ],
            )
        )
        slides += body(n_slides - 3)
        slides.append(
            Slide(
                "blank",
                shapes=[
                    TextShape(
                        MARGIN,
                        2.6,
                        BODY_W,
                        2.2,
                        [
                            Para("Thank you", size=44, bold=True, color=GREEN, align="c"),
                            Para(
                                "Alliance 8.7 Secretariat  ·  www.alliance87.org",
                                size=18,
                                color=GREY,
                                align="c",
                            ),
                        ],
                    )
                ],
            )
        )
    return Deck(title, subtitle, footer, "Alliance 8.7 Secretariat", slides[:n_slides])


def _bullets_slide(t: Text) -> Slide:
    """Bold theme labels (level 0) with priorities under them (level 1)."""
    r = t.rng
    event = t.pick(["Strategic planning workshop", "Validation workshop", "National consultation"])
    paras = [
        Para(
            f"{event}, {t.country[1]}, {t.pick(MONTHS)} {r.randint(2019, 2025)}",
            size=15,
            italic=True,
            color=GREY,
        )
    ]
    for theme in r.sample(list(PRIORITIES), r.randint(2, 3)):
        paras.append(Para(f"{THEME_NAMES[theme]}:", size=19, bold=True, color=GREEN, bullet="•"))
        paras += _bullets(t.items("priority", r.randint(2, 3), theme), "–", 16, 1, "priority")
    title = t.pick(["priorities agreed with partners", "priority areas", "key priorities"])
    return Slide(
        "content",
        f"{t.country[0]} – {title}",
        shapes=[TextShape(MARGIN, BODY_TOP, BODY_W, 5.3, paras, name="Priorities")],
        notes=f"Speaker notes: {t.paragraph(2, 3)}" if r.random() < 0.5 else None,
    )


def _table_slide(t: Text) -> Slide:
    """A theme table (header row of themes, one priority per paragraph) and a run-on
    "Next steps:" paragraph below it."""
    r = t.rng
    themes = r.sample(list(PRIORITIES), 3)
    cells = [
        [Para(p, size=13, space_after=6, item="priority") for p in t.items("priority", 3, th)]
        for th in themes
    ]
    header = [[Para(THEME_NAMES[th], size=15, bold=True, color=WHITE, align="c")] for th in themes]
    widths = [BODY_W / 3] * 3
    steps = t.items("next_step", 3)
    return Slide(
        "content",
        f"{t.country[0]}: priorities by theme",
        shapes=[
            TableShape(MARGIN, BODY_TOP, widths, [header, cells], [0.5, 3.3]),
            TextShape(
                MARGIN,
                BODY_TOP + 4.0,
                BODY_W,
                1.2,
                [
                    Para(
                        " ".join(s + "." for s in steps),
                        size=15,
                        label="Next steps:",
                        item="next_step",
                        count=len(steps),
                    )
                ],
                name="Next steps",
            ),
        ],
    )


def _boxes_slide(t: Text) -> Slide:
    """Two framed boxes side by side: "Achieved so far" (not items) and "Next steps"."""
    r = t.rng
    w = (BODY_W - 0.5) / 2
    done = [t.fill(a) for a in r.sample(ACHIEVED, 4)]
    steps = t.items("next_step", r.randint(3, 5))
    left = [Para("Achieved so far", size=20, bold=True, color=GREEN), *_bullets(done, "»", 15)]
    right = [
        Para("Next steps", size=20, bold=True, color=ORANGE),
        *_bullets(steps, "•", 15, item="next_step"),
    ]
    return Slide(
        "content",
        f"{t.country[0]} – progress and next steps",
        shapes=[
            TextShape(MARGIN, BODY_TOP, w, 5.0, left, fill=PALE, line=GREEN, name="Achieved"),
            TextShape(MARGIN + w + 0.5, BODY_TOP, w, 5.0, right, line=GREEN, name="Next steps"),
        ],
    )


def _text_slide(t: Text) -> Slide:
    """Context paragraphs, then priorities as plain paragraphs after a lead-in line."""
    r = t.rng
    paras = [Para(t.paragraph(2, 3), size=15, space_after=10)]
    paras.append(Para("The workshop agreed on the following priority areas:", size=17, bold=True))
    theme = t.pick(list(PRIORITIES))
    paras += [
        Para(p + ".", size=15, item="priority") for p in t.items("priority", r.randint(2, 4), theme)
    ]
    src = Para(
        f"Source: workshop report, {t.country[1]}, {r.randint(2019, 2025)}",
        size=10,
        italic=True,
        color=GREY,
    )
    return Slide(
        "content",
        f"{t.country[0]} – from strategy to action",
        shapes=[
            TextShape(MARGIN, BODY_TOP, BODY_W, 4.9, paras),
            TextShape(MARGIN, SLIDE_H - 1.0, BODY_W, 0.4, [src]),
        ],
    )


def _prefix_slide(t: Text, countries: list) -> Slide:
    paras = []
    for c in countries:
        ct = Text(t.rng, c)
        for step in ct.items("next_step", 2):
            paras.append(Para(step, size=15, bullet="•", label=f"{c[0]}:", item="next_step"))
    paras.append(
        Para(
            "Hold a regional exchange of experience among Pathfinder Countries",
            size=15,
            bullet="•",
            label="Regional:",
            item="next_step",
        )
    )
    return Slide(
        "content",
        f"Action points – {t.country[3]}",
        shapes=[TextShape(MARGIN, BODY_TOP, BODY_W, 5.3, paras, name="Action points")],
    )


def _cards_slide(t: Text) -> Slide:
    r = t.rng
    w = 3.6
    shapes: list = []
    stats = [
        (str(r.randint(10, 40)), "Pathfinder Countries in all regions"),
        (str(r.randint(2, 12)), "national workshops held this year"),
        (str(r.randint(1, 9)), "national roadmaps validated by governments"),
    ]
    for k, (num, label) in enumerate(stats):
        shapes.append(
            TextShape(
                MARGIN + k * (w + 0.4),
                1.9,
                w,
                2.4,
                [
                    Para(num, size=44, bold=True, color=ORANGE, align="c"),
                    Para(label, size=15, color=GREEN, align="c"),
                ],
                fill=PALE,
                line=GREEN,
            )
        )
    shapes.append(TextShape(MARGIN, 4.7, BODY_W, 1.6, [Para(t.paragraph(2, 3), size=16)]))
    return Slide("content", "Where we stand", shapes=shapes, notes=t.paragraph(1, 2))


def _events_slide(t: Text) -> Slide:
    r = t.rng
    rows = []
    for _ in range(4):
        when = f"{t.pick(MONTHS)} {r.randint(2024, 2026)}"
        rows.append(
            [
                [Para(when, size=16, bold=True, color=ORANGE)],
                [Para(t.fill(t.pick(EVENTS)), size=16)],
            ]
        )
    return Slide(
        "content",
        "Upcoming events",
        shapes=[TableShape(MARGIN, BODY_TOP + 0.2, [2.8, BODY_W - 2.8], rows, [0.7] * 4, False)],
    )


# --------------------------------------------------------------------------- deck -> pptx


def write_pptx(deck: Deck, path: Path) -> None:
    from lxml import etree
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
    from pptx.oxml.ns import qn
    from pptx.util import Emu, Inches, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    layouts = {"title": prs.slide_layouts[0], "content": prs.slide_layouts[5]}
    layouts["blank"] = prs.slide_layouts[6]
    align = {"l": PP_ALIGN.LEFT, "c": PP_ALIGN.CENTER, "r": PP_ALIGN.RIGHT}

    def set_bullet(p, para: Para) -> None:
        ppr = p._p.get_or_add_pPr()
        for tag in ("a:buNone", "a:buAutoNum", "a:buChar", "a:buFont"):
            for el in ppr.findall(qn(tag)):
                ppr.remove(el)
        if para.bullet is None:
            ppr.set("marL", "0")
            ppr.set("indent", "0")
            etree.SubElement(ppr, qn("a:buNone"))
            return
        ppr.set("marL", str(Emu(Inches(0.35 + 0.4 * para.level))))
        ppr.set("indent", str(-Emu(Inches(0.3))))
        if para.bullet == "#":
            etree.SubElement(ppr, qn("a:buAutoNum")).set("type", "arabicPeriod")
        else:
            etree.SubElement(ppr, qn("a:buFont")).set("typeface", "Arial")
            etree.SubElement(ppr, qn("a:buChar")).set("char", para.bullet)

    def add_run(p, text: str, para: Para, bold: bool) -> None:
        run = p.add_run()
        run.text = text
        f = run.font
        f.name, f.size, f.bold, f.italic = "Arial", Pt(para.size), bold, para.italic
        f.color.rgb = RGBColor.from_string(para.color)

    def fill_frame(tf, paras: list[Para]) -> None:
        tf.word_wrap = True
        tf.auto_size = MSO_AUTO_SIZE.NONE
        for k, para in enumerate(paras):
            p = tf.paragraphs[0] if k == 0 else tf.add_paragraph()
            p.level = para.level
            p.alignment = align[para.align]
            p.space_after = Pt(para.space_after)
            set_bullet(p, para)
            if para.label:
                add_run(p, para.label + " ", para, True)
            add_run(p, para.text, para, para.bold)

    def rect(slide, x, y, w, h, fill, line):
        shape = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, Inches(x), Inches(y), Inches(w), Inches(h)
        )
        if fill:
            shape.fill.solid()
            shape.fill.fore_color.rgb = RGBColor.from_string(fill)
        else:
            shape.fill.background()
        if line:
            shape.line.color.rgb = RGBColor.from_string(line)
        else:
            shape.line.fill.background()
        return shape

    for number, s in enumerate(deck.slides, start=1):
        slide = prs.slides.add_slide(layouts[s.layout])
        if s.layout == "title":
            rect(slide, 0, 0, SLIDE_W, 3.2, GREEN, None)
            title = slide.shapes.title
            title.left, title.top = Inches(MARGIN), Inches(3.5)
            title.width, title.height = Inches(BODY_W), Inches(1.3)
            fill_frame(title.text_frame, [Para(s.title, size=36, bold=True, color=GREEN)])
            sub = next(ph for ph in slide.placeholders if ph.placeholder_format.idx == 1)
            sub.left, sub.top, sub.width, sub.height = (
                Inches(MARGIN),
                Inches(4.9),
                Inches(BODY_W),
                Inches(1.0),
            )
            fill_frame(sub.text_frame, [Para(s.subtitle, size=20, color=GREY)])
            box = slide.shapes.add_textbox(Inches(MARGIN), Inches(0.9), Inches(9), Inches(1.6))
            fill_frame(box.text_frame, [Para("ALLIANCE 8.7", size=34, bold=True, color=WHITE)])
        elif s.layout == "content":
            title = slide.shapes.title
            title.left, title.top = Inches(MARGIN), Inches(0.35)
            title.width, title.height = Inches(BODY_W), Inches(0.95)
            title.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
            fill_frame(title.text_frame, [Para(s.title, size=28, bold=True, color=GREEN)])
            rect(slide, MARGIN, 1.3, 1.6, 0.07, ORANGE, None)
        for shape in s.shapes:
            if isinstance(shape, TextShape):
                if shape.fill or shape.line:
                    rect(slide, shape.x, shape.y, shape.w, shape.h, shape.fill, shape.line)
                box = slide.shapes.add_textbox(
                    Inches(shape.x), Inches(shape.y), Inches(shape.w), Inches(shape.h)
                )
                if shape.name:
                    box.name = shape.name
                fill_frame(box.text_frame, shape.paras)
            else:
                frame = slide.shapes.add_table(
                    len(shape.rows),
                    len(shape.widths),
                    Inches(shape.x),
                    Inches(shape.y),
                    Inches(sum(shape.widths)),
                    Inches(sum(shape.heights)),
                )
                table = frame.table
                table.first_row = shape.header
                for c, w in enumerate(shape.widths):
                    table.columns[c].width = Inches(w)
                for r, row in enumerate(shape.rows):
                    table.rows[r].height = Inches(shape.heights[r])
                    for c, paras in enumerate(row):
                        cell = table.cell(r, c)
                        cell.fill.solid()
                        head = shape.header and r == 0
                        cell.fill.fore_color.rgb = RGBColor.from_string(
                            GREEN if head else (PALE if r % 2 else WHITE)
                        )
                        fill_frame(cell.text_frame, paras)
        if number > 1:
            box = slide.shapes.add_textbox(
                Inches(MARGIN), Inches(SLIDE_H - 0.5), Inches(7), Inches(0.35)
            )
            box.name = "Footer"
            fill_frame(box.text_frame, [Para(deck.footer, size=10, color=GREY)])
            box = slide.shapes.add_textbox(
                Inches(SLIDE_W - 1.4), Inches(SLIDE_H - 0.5), Inches(0.7), Inches(0.35)
            )
            box.name = "Slide Number"
            fill_frame(box.text_frame, [Para(str(number), size=11, color=GREY, align="r")])
        if s.notes:
            slide.notes_slide.notes_text_frame.text = s.notes
    cp = prs.core_properties
    cp.title, cp.author, cp.subject = deck.title, deck.author, deck.subtitle
    cp.created = cp.modified = cp.last_printed = FIXED_TIME
    cp.revision = 1
    prs.save(path)
    fix_zip_times(path)


# --------------------------------------------------------------------------- deck -> pdf

_FONTS_READY = False


def _register_fonts() -> None:
    global _FONTS_READY
    if _FONTS_READY:
        return
    from reportlab import rl_config
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    rl_config.invariant = 1
    for name in ("Vera", "VeraBd", "VeraIt", "VeraBI"):
        pdfmetrics.registerFont(TTFont(name, f"{name}.ttf"))
    _FONTS_READY = True


def _font(bold: bool, italic: bool) -> str:
    return {(False, False): "Vera", (True, False): "VeraBd", (False, True): "VeraIt"}.get(
        (bold, italic), "VeraBI"
    )


def _wrap(words: list[str], font: str, size: float, first: float, width: float) -> list[str]:
    """Greedy line breaking; the first line has `first` points, the others `width`."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    line = ""
    space = stringWidth(" ", font, size)
    used = 0.0
    for word in words:
        w = stringWidth(word, font, size)
        limit = first if not lines else width
        if line and used + space + w > limit:
            lines.append(line)
            line, used = word, w
        else:
            used += (space if line else 0) + w
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return lines


def _draw_paras(c, paras: list[Para], x: float, top: float, width: float) -> float:
    """Draw paragraphs from `top` (points from the page top) down; return the new top."""
    from reportlab.lib.colors import HexColor
    from reportlab.pdfbase.pdfmetrics import stringWidth

    page_h = SLIDE_H * 72
    number = 0
    for para in paras:
        indent = (0.35 + 0.4 * para.level) * 72 if para.bullet else 0.0
        font = _font(para.bold, para.italic)
        lead = para.size * 1.2
        label_w = 0.0
        if para.label:
            label_w = stringWidth(para.label + " ", "VeraBd", para.size)
        lines = _wrap(para.text.split(), font, para.size, width - indent - label_w, width - indent)
        c.setFillColor(HexColor("#" + para.color))
        y = page_h - top - para.size
        if para.bullet == "#":
            number += 1
            c.setFont(font, para.size)
            c.drawString(x + indent - 0.3 * 72, y, f"{number}.")
        elif para.bullet:
            c.setFont("Vera", para.size)
            c.drawString(x + indent - 0.3 * 72, y, para.bullet)
        for k, text in enumerate(lines):
            c.setFont(font, para.size)
            start = x + indent + (label_w if k == 0 else 0.0)
            if para.align == "c":
                c.drawCentredString(x + width / 2, y, text)
            elif para.align == "r":
                c.drawRightString(x + width, y, text)
            else:
                if k == 0 and para.label:
                    c.setFont("VeraBd", para.size)
                    c.drawString(x + indent, y, para.label)
                    c.setFont(font, para.size)
                c.drawString(start, y, text)
            y -= lead
        top += len(lines) * lead + para.space_after
    return top


def _paras_height(paras: list[Para], width: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    total = 0.0
    for para in paras:
        indent = (0.35 + 0.4 * para.level) * 72 if para.bullet else 0.0
        label_w = stringWidth(para.label + " ", "VeraBd", para.size) if para.label else 0.0
        font = _font(para.bold, para.italic)
        n = len(_wrap(para.text.split(), font, para.size, width - indent - label_w, width - indent))
        total += n * para.size * 1.2 + para.space_after
    return total


def write_deck_pdf(deck: Deck, path: Path) -> None:
    from reportlab.lib.colors import HexColor
    from reportlab.pdfgen.canvas import Canvas

    _register_fonts()
    pw, ph = SLIDE_W * 72, SLIDE_H * 72
    c = Canvas(str(path), pagesize=(pw, ph), invariant=1, pageCompression=1)
    c.setTitle(deck.title)
    c.setAuthor(deck.author)
    c.setSubject(deck.subtitle)
    pad = 0.1 * 72

    def rect(x, y, w, h, fill, line):
        if fill:
            c.setFillColor(HexColor("#" + fill))
        if line:
            c.setStrokeColor(HexColor("#" + line))
            c.setLineWidth(1)
        c.rect(x * 72, ph - (y + h) * 72, w * 72, h * 72, stroke=bool(line), fill=bool(fill))

    for number, s in enumerate(deck.slides, start=1):
        if s.layout == "title":
            rect(0, 0, SLIDE_W, 3.2, GREEN, None)
            _draw_paras(
                c, [Para("ALLIANCE 8.7", size=34, bold=True, color=WHITE)], MARGIN * 72, 65, 600
            )
            _draw_paras(
                c,
                [Para(s.title, size=36, bold=True, color=GREEN)],
                MARGIN * 72,
                3.6 * 72,
                BODY_W * 72,
            )
            _draw_paras(
                c, [Para(s.subtitle, size=20, color=GREY)], MARGIN * 72, 4.95 * 72, BODY_W * 72
            )
        elif s.layout == "content":
            _draw_paras(
                c,
                [Para(s.title, size=28, bold=True, color=GREEN)],
                MARGIN * 72,
                0.5 * 72,
                BODY_W * 72,
            )
            rect(MARGIN, 1.3, 1.6, 0.07, ORANGE, None)
        for shape in s.shapes:
            if isinstance(shape, TextShape):
                if shape.fill or shape.line:
                    rect(shape.x, shape.y, shape.w, shape.h, shape.fill, shape.line)
                _draw_paras(
                    c, shape.paras, shape.x * 72 + pad, shape.y * 72 + pad, shape.w * 72 - 2 * pad
                )
            else:
                _draw_table(c, shape, rect, pad)
        if number > 1:
            _draw_paras(
                c,
                [Para(deck.footer, size=10, color=GREY)],
                MARGIN * 72,
                (SLIDE_H - 0.45) * 72,
                7 * 72,
            )
            _draw_paras(
                c,
                [Para(str(number), size=11, color=GREY, align="r")],
                (SLIDE_W - 1.4) * 72,
                (SLIDE_H - 0.45) * 72,
                0.7 * 72,
            )
        c.showPage()
    c.save()


def _draw_table(c, shape: TableShape, rect, pad: float) -> None:
    from reportlab.lib.colors import HexColor

    top = shape.y * 72
    for r, row in enumerate(shape.rows):
        height = max(
            shape.heights[r] * 72,
            max(_paras_height(p, w * 72 - 2 * pad) for p, w in zip(row, shape.widths, strict=True))
            + 2 * pad,
        )
        x = shape.x
        head = shape.header and r == 0
        for paras, w in zip(row, shape.widths, strict=True):
            rect(x, top / 72, w, height / 72, GREEN if head else (PALE if r % 2 else WHITE), None)
            c.setStrokeColor(HexColor("#FFFFFF"))
            c.setLineWidth(1)
            c.rect(x * 72, SLIDE_H * 72 - top - height, w * 72, height, stroke=1, fill=0)
            _draw_paras(c, paras, x * 72 + pad, top + pad, w * 72 - 2 * pad)
            x += w
        top += height


# --------------------------------------------------------------------------- report model


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Paragraph:
    text: str
    label: str | None = None  # a bold lead-in ("Next steps:")
    italic: bool = False
    item: str | None = None
    count: int = 1


@dataclass
class ListBlock:
    entries: list[tuple[str, int]]  # (text, level)
    numbered: bool = False
    item: str | None = None  # kind of the level-1 (or only-level) entries


@dataclass
class TableBlock:
    rows: list[list[str]]  # first row is the header
    widths: list[float]  # fractions of the frame width
    ruled: bool = True
    item_col: int | None = None  # the column whose cells are next steps


@dataclass
class BoxBlock:
    head: str
    entries: list[str]


@dataclass
class TwoColumn:
    heading: str
    intro: str
    groups: list[tuple[str, list[str]]]  # (sub-heading, paragraphs)
    box: BoxBlock | None = None


@dataclass
class Report:
    title: str
    subtitle: str
    org: str
    running: str
    author: str
    blocks: list


CHARS_PER_PAGE = 4400  # calibrated against the rendered PDFs (3000 for short reports)


def make_report(t: Text, pages: int) -> Report:
    """A workshop report about `t.country` of about `pages` pages (a regional one when long)."""
    r = t.rng
    name, capital, _, region = t.country
    year = r.randint(2019, 2025)
    regional = pages >= 20 and r.random() < 0.6
    if regional:
        title = f"Report of the Regional Workshop on SDG Target 8.7 in {region}"
        countries = [t.country, *r.sample([c for c in COUNTRIES if c[0] != name], 8)]
    else:
        title = f"Report of the National Strategic Planning Workshop on SDG Target 8.7: {name}"
        countries = [t.country]
    subtitle = f"{name}  ·  {capital}, {r.randint(1, 27)}–{r.randint(28, 30)} {t.pick(MONTHS)}"
    subtitle += f" {year}"
    org = (
        f"Organised by {t.pick(MINISTRIES)} with the support of {t.pick(PARTNERS)} and "
        f"{t.pick(PARTNERS)}, in the framework of Alliance 8.7"
    )
    budget = pages * (CHARS_PER_PAGE if pages > 5 else 3000)
    blocks: list = []
    used = 0

    def add(block) -> None:
        nonlocal used
        blocks.append(block)
        used += _block_chars(block)

    section = 1
    add(Heading(1, f"{section}. Introduction"))
    add(Paragraph(t.paragraph()))
    if pages > 2:
        add(Paragraph(t.paragraph()))
        section += 1
        add(Heading(1, f"{section}. Background"))
        for _ in range(r.randint(1, 3)):
            add(Paragraph(t.paragraph(4, 7)))
    k = 0
    while used < budget - 1500 or k == 0:
        country = countries[k % len(countries)]
        ct = Text(r, country)
        k += 1
        section += 1
        add(Heading(1, f"{section}. {country[0]}" if regional else f"{section}. Priorities"))
        if regional or pages > 3:
            add(Heading(2, f"{section}.1 Context"))
            add(Paragraph(ct.paragraph(4, 7)))
        if pages > 4 and r.random() < 0.5:
            groups = [
                (f"Group {g + 1}: {THEME_NAMES[th]}", [ct.paragraph(3, 5), ct.paragraph(2, 4)])
                for g, th in enumerate(r.sample(list(PRIORITIES), 3))
            ]
            box = BoxBlock(
                "Cross-cutting priorities agreed in plenary", ct.items("priority", 3, "cross")
            )
            add(
                TwoColumn(
                    f"{section}.2 Summary of group discussions",
                    ct.paragraph(1, 2),
                    groups,
                    box if r.random() < 0.7 else None,
                )
            )
        add(Heading(2, f"{section}.3 Priorities for action"))
        add(Paragraph(ct.paragraph(1, 2)))
        n_themes = r.randint(1, 2) if pages == 1 else r.randint(2, 4)
        for sub, theme in enumerate(r.sample(list(PRIORITIES), n_themes), start=1):
            add(Heading(3, f"{section}.3.{sub} {THEME_NAMES[theme]}"))
            if r.random() < 0.6:
                add(Paragraph(ct.sentence()))
            entries = [(p, 0) for p in ct.items("priority", r.randint(2, 5), theme)]
            if r.random() < 0.3:  # a level-2 list under one of the priorities
                at = r.randrange(len(entries)) + 1
                entries[at:at] = [(f"in {s}", 1) for s in r.sample(SECTORS, 2)]
            add(ListBlock(entries, numbered=r.random() < 0.3, item="priority"))
        if pages > 1 and (r.random() < 0.75 or k == 1):
            add(Heading(2, f"{section}.4 Action plan for the first year"))
            rows = [["Action", "Responsible", "Deadline"]]
            for step in ct.items("next_step", r.randint(3, 7)):
                rows.append(
                    [step, f"{_cap(ct.pick(ACTORS)[4:])}, {ct.pick(PARTNERS)}", ct.fill("{date}")]
                )
            add(TableBlock(rows, [0.52, 0.30, 0.18], ruled=True, item_col=0))
        add(Heading(2, f"{section}.5 Next steps"))
        steps = ct.items("next_step", r.randint(2, 4))
        if r.random() < 0.5:
            text = " ".join(s + "." for s in steps)
            add(Paragraph(text, label="Next steps:", item="next_step", count=len(steps)))
        else:
            add(ListBlock([(s, 0) for s in steps], numbered=True, item="next_step"))
        if used >= budget - 1500:
            break
    if pages > 2:
        section += 1
        add(Heading(1, f"{section}. Way forward"))
        add(Paragraph(t.paragraph(2, 4)))
    if pages >= 5:
        add(Heading(1, "Annex 1. Workshop programme"))
        rows = [["Time", "Session"]]
        hour = 8
        for session in SESSIONS[: r.randint(6, len(SESSIONS))]:
            rows.append([f"{hour:02d}:30 – {hour + 1:02d}:00", session])
            hour += 1
        add(TableBlock(rows, [0.22, 0.78], ruled=r.random() < 0.5))
        add(Heading(1, "Annex 2. Participating institutions"))
        add(ListBlock([(i, 0) for i in r.sample(INSTITUTIONS, 8)]))
    return Report(
        title,
        subtitle,
        org,
        running=f"{name} – {'Regional' if regional else 'National'} workshop on Target 8.7",
        author=_cap(t.pick(MINISTRIES)[4:]),
        blocks=blocks,
    )


def _block_chars(block) -> int:
    """Rough space a block takes, in characters of body text."""
    if isinstance(block, Heading):
        return 200
    if isinstance(block, Paragraph):
        return len(block.text) + 100
    if isinstance(block, ListBlock):
        return sum(len(t) + 90 for t, _ in block.entries)
    if isinstance(block, TableBlock):
        return sum(max(len(c) for c in row) * 2 + 160 for row in block.rows)
    if isinstance(block, TwoColumn):
        return (
            CHARS_PER_PAGE * 2
            if sum(len(p) for _, ps in block.groups for p in ps) > 2500
            else (CHARS_PER_PAGE)
        )
    return 400


def planted(blocks_or_slides) -> dict[str, int]:
    """Items planted in a report's blocks or a deck's slides, by kind."""
    counts = {"priority": 0, "next_step": 0}
    for b in blocks_or_slides:
        if isinstance(b, Slide):
            for shape in b.shapes:
                paras = (
                    shape.paras
                    if isinstance(shape, TextShape)
                    else [p for row in shape.rows for cell in row for p in cell]
                )
                for p in paras:
                    if p.item:
                        counts[p.item] += p.count
        elif isinstance(b, Paragraph) and b.item:
            counts[b.item] += b.count
        elif isinstance(b, ListBlock) and b.item:
            counts[b.item] += sum(1 for _, level in b.entries if level == 0)
        elif isinstance(b, TableBlock) and b.item_col is not None:
            counts["next_step"] += len(b.rows) - 1
        elif isinstance(b, TwoColumn) and b.box:
            counts["priority"] += len(b.box.entries)
    return counts


# --------------------------------------------------------------------------- report -> pdf


def write_report_pdf(report: Report, path: Path) -> int:
    """Render the report as an A4 PDF; returns its number of pages."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        FrameBreak,
        ListFlowable,
        ListItem,
        NextPageTemplate,
        PageBreak,
        PageTemplate,
        Spacer,
        Table,
        TableStyle,
    )
    from reportlab.platypus import Paragraph as P

    _register_fonts()
    blue, light = colors.HexColor("#1F4E79"), colors.HexColor("#E8EEF5")
    w, h = A4
    lm = rm = 2.2 * cm
    tm, bm = 2.4 * cm, 2.2 * cm
    fw = w - lm - rm
    base = ParagraphStyle("base", fontName="Times-Roman", fontSize=11, leading=14.5, spaceAfter=7)
    small = ParagraphStyle("small", parent=base, fontSize=10, leading=13, spaceAfter=6)
    styles = {
        "title": ParagraphStyle(
            "t", fontName="Helvetica-Bold", fontSize=20, leading=25, textColor=blue, spaceAfter=10
        ),
        "sub": ParagraphStyle("s", fontName="Helvetica", fontSize=12, leading=16, spaceAfter=6),
        1: ParagraphStyle(
            "h1",
            fontName="Helvetica-Bold",
            fontSize=14,
            leading=18,
            textColor=blue,
            spaceBefore=12,
            spaceAfter=6,
            keepWithNext=1,
        ),
        2: ParagraphStyle(
            "h2",
            fontName="Helvetica-Bold",
            fontSize=12,
            leading=15,
            textColor=blue,
            spaceBefore=8,
            spaceAfter=4,
            keepWithNext=1,
        ),
        3: ParagraphStyle(
            "h3",
            fontName="Helvetica-Bold",
            fontSize=10.5,
            leading=13,
            spaceBefore=4,
            spaceAfter=3,
            keepWithNext=1,
        ),
    }
    item_style = ParagraphStyle("li", parent=base, spaceAfter=3)
    cell = ParagraphStyle("cell", fontName="Helvetica", fontSize=9.5, leading=12)
    cell_h = ParagraphStyle("cellh", parent=cell, fontName="Helvetica-Bold", textColor=colors.white)
    cell_h_plain = ParagraphStyle("cellhp", parent=cell, fontName="Helvetica-Bold")

    def decorate(canv, doc) -> None:
        canv.saveState()
        canv.setFont("Helvetica", 8.5)
        canv.setFillColor(colors.HexColor("#555555"))
        canv.drawString(lm, h - 1.45 * cm, report.running)
        canv.drawRightString(w - rm, h - 1.45 * cm, "Workshop report")
        canv.setStrokeColor(blue)
        canv.setLineWidth(0.6)
        canv.line(lm, h - 1.62 * cm, w - rm, h - 1.62 * cm)
        canv.line(lm, 1.55 * cm, w - rm, 1.55 * cm)
        canv.drawCentredString(w / 2, 1.05 * cm, f"Page {doc.page}")
        canv.restoreState()

    gap = 0.8 * cm
    col_w = (fw - gap) / 2
    body_h = h - tm - bm
    top_h = 2.8 * cm
    doc = BaseDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=lm,
        rightMargin=rm,
        topMargin=tm,
        bottomMargin=bm,
        title=report.title,
        author=report.author,
        subject="Alliance 8.7 workshop report",
        invariant=1,
    )
    doc.addPageTemplates(
        [
            PageTemplate("normal", [Frame(lm, bm, fw, body_h, id="one")], onPage=decorate),
            PageTemplate(
                "twocol_first",
                [
                    Frame(lm, bm + body_h - top_h, fw, top_h, id="top"),
                    Frame(lm, bm, col_w, body_h - top_h, id="l1"),
                    Frame(lm + col_w + gap, bm, col_w, body_h - top_h, id="r1"),
                ],
                onPage=decorate,
            ),
            PageTemplate(
                "twocol",
                [
                    Frame(lm, bm, col_w, body_h, id="l2"),
                    Frame(lm + col_w + gap, bm, col_w, body_h, id="r2"),
                ],
                onPage=decorate,
            ),
        ]
    )

    def esc(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    story: list = [
        Spacer(1, 0.6 * cm),
        P(esc(report.title), styles["title"]),
        P(esc(report.subtitle), styles["sub"]),
        P(f"<i>{esc(report.org)}</i>", small),
        Spacer(1, 0.4 * cm),
    ]
    for block in report.blocks:
        if isinstance(block, Heading):
            story.append(P(esc(block.text), styles[block.level]))
        elif isinstance(block, Paragraph):
            text = esc(block.text)
            if block.label:
                text = f"<b>{esc(block.label)}</b> {text}"
            story.append(P(f"<i>{text}</i>" if block.italic else text, base))
        elif isinstance(block, ListBlock):
            story.append(_rl_list(block, item_style, ListFlowable, ListItem, P, esc))
        elif isinstance(block, TableBlock):
            head_style = cell_h if block.ruled else cell_h_plain
            rows = [[P(esc(c), head_style) for c in block.rows[0]]]
            rows += [[P(esc(c), cell) for c in row] for row in block.rows[1:]]
            table = Table(rows, colWidths=[fw * f for f in block.widths], repeatRows=1)
            style = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]
            if block.ruled:
                style += [
                    ("BACKGROUND", (0, 0), (-1, 0), blue),
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#9AA9B8")),
                    ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, light]),
                ]
            table.setStyle(TableStyle(style))
            story.append(table)
            story.append(Spacer(1, 0.3 * cm))
        elif isinstance(block, TwoColumn):
            story += [NextPageTemplate("twocol_first"), PageBreak()]
            story += [P(esc(block.heading), styles[2]), P(esc(block.intro), small), FrameBreak()]
            story.append(NextPageTemplate("twocol"))
            for head, paras in block.groups:
                story.append(P(esc(head), styles[3]))
                story += [P(esc(t), small) for t in paras]
            if block.box:
                rows = [[P(f"<b>{esc(block.box.head)}</b>", small)]]
                rows += [[P(esc(e), small, bulletText="–")] for e in block.box.entries]
                box = Table(rows, colWidths=[col_w])
                box.setStyle(
                    TableStyle(
                        [
                            ("BACKGROUND", (0, 0), (-1, -1), light),
                            ("BOX", (0, 0), (-1, -1), 0.8, blue),
                            ("LEFTPADDING", (0, 0), (-1, -1), 10),
                        ]
                    )
                )
                story += [Spacer(1, 0.3 * cm), box]
            story += [NextPageTemplate("normal"), PageBreak()]
    doc.build(story)
    return doc.page


def _rl_list(block: ListBlock, style, ListFlowable, ListItem, P, esc):
    """A (possibly two-level) bulleted or numbered list as a reportlab ListFlowable."""
    top: list = []
    for text, level in block.entries:
        if level == 0 or not top:
            top.append((text, []))
        else:
            top[-1][1].append(text)
    kind = "1" if block.numbered else "bullet"
    flow = []
    for text, subs in top:
        parts = [P(esc(text), style)]
        if subs:
            parts.append(
                ListFlowable(
                    [ListItem(P(esc(s), style), value="–") for s in subs],
                    bulletType="bullet",
                    start="–",
                    leftIndent=18,
                    bulletFontName="Vera",
                )
            )
        flow.append(ListItem(parts))
    return ListFlowable(
        flow,
        bulletType=kind,
        start="1" if block.numbered else "•",
        bulletFormat="%s." if block.numbered else None,
        leftIndent=20,
        bulletFontName="Times-Roman" if block.numbered else "Vera",
        bulletFontSize=10,
        spaceAfter=6,
    )


# --------------------------------------------------------------------------- report -> docx


def write_report_docx(report: Report, path: Path) -> None:
    from docx import Document
    from docx.enum.section import WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    doc = Document()
    sec = doc.sections[0]
    sec.page_height, sec.page_width = Cm(29.7), Cm(21.0)
    sec.left_margin = sec.right_margin = Cm(2.2)
    sec.top_margin, sec.bottom_margin = Cm(2.4), Cm(2.2)
    doc.styles["Normal"].font.name = "Times New Roman"
    doc.styles["Normal"].font.size = Pt(11)
    blue = RGBColor(0x1F, 0x4E, 0x79)

    def columns(section, n: int) -> None:
        sect_pr = section._sectPr
        cols = sect_pr.find(qn("w:cols"))
        if cols is None:
            cols = OxmlElement("w:cols")
            sect_pr.append(cols)
        cols.set(qn("w:num"), str(n))
        cols.set(qn("w:space"), "454")

    def shade(cell, fill: str) -> None:
        tc_pr = cell._tc.get_or_add_tcPr()
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), fill)
        tc_pr.append(shd)

    doc.add_paragraph(report.title, style="Title")
    p = doc.add_paragraph()
    p.add_run(report.subtitle).font.size = Pt(13)
    p = doc.add_paragraph()
    p.add_run(report.org).italic = True
    for block in report.blocks:
        if isinstance(block, Heading):
            doc.add_heading(block.text, level=block.level)
        elif isinstance(block, Paragraph):
            p = doc.add_paragraph()
            if block.label:
                p.add_run(block.label + " ").bold = True
            p.add_run(block.text).italic = block.italic
        elif isinstance(block, ListBlock):
            kind = "List Number" if block.numbered else "List Bullet"
            for text, level in block.entries:
                doc.add_paragraph(text, style=kind if level == 0 else f"{kind} 2")
        elif isinstance(block, TableBlock):
            table = doc.add_table(rows=0, cols=len(block.widths))
            table.style = "Table Grid" if block.ruled else None
            for r, row in enumerate(block.rows):
                cells = table.add_row().cells
                for c, text in enumerate(row):
                    cells[c].text = ""
                    run = cells[c].paragraphs[0].add_run(text)
                    if r == 0:
                        run.bold = True
                        if block.ruled:
                            run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
                            shade(cells[c], "1F4E79")
                    cells[c].width = Cm(16.6 * block.widths[c])
            doc.add_paragraph()
        elif isinstance(block, TwoColumn):
            doc.add_heading(block.heading, level=2)
            doc.add_paragraph(block.intro)
            columns(doc.add_section(WD_SECTION.CONTINUOUS), 2)
            for head, paras in block.groups:
                doc.add_heading(head, level=3)
                for text in paras:
                    doc.add_paragraph(text)
            if block.box:
                table = doc.add_table(rows=1, cols=1)
                table.style = "Table Grid"
                c = table.cell(0, 0)
                c.paragraphs[0].add_run(block.box.head).bold = True
                for e in block.box.entries:
                    c.add_paragraph("– " + e)
                shade(c, "E8EEF5")
            new = doc.add_section(WD_SECTION.CONTINUOUS)
            columns(new, 1)
            new.different_first_page_header_footer = False
    sec.different_first_page_header_footer = True
    hp = sec.header.paragraphs[0]
    hp.text = report.running
    hp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    hp.runs[0].font.size = Pt(9)
    hp.runs[0].font.color.rgb = blue
    fp = sec.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fp.add_run("Workshop report – Page ").font.size = Pt(9)
    run = fp.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2")):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == " PAGE ":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)
    cp = doc.core_properties
    cp.title, cp.author = report.title, report.author
    cp.created = cp.modified = cp.last_printed = FIXED_TIME
    cp.revision = 1
    doc.save(path)
    fix_zip_times(path)


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


# --------------------------------------------------------------------------- corpus


def generate(out: Path, docs: int, seed: int, short: bool = False) -> dict:
    """Write a corpus of `docs` files into `out`; return (and write) its listing."""
    for sub in ("decks/pptx", "decks/pdf", "reports/pdf", "reports/docx"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    files: list[dict] = []
    index = 0
    while len(files) < docs:
        index += 1
        rng = random.Random(f"{seed}:{index}")
        t = Text(rng, rng.choice(COUNTRIES))
        if index % 2:  # a deck: pptx, then the same deck as pdf
            n = rng.randint(1, 5) if short else rng.randint(15, 40)
            deck = make_deck(t, n)
            items = planted(deck.slides)
            stem = f"deck-{index:04d}"
            pptx, pdf = out / "decks/pptx" / f"{stem}.pptx", out / "decks/pdf" / f"{stem}.pdf"
            write_pptx(deck, pptx)
            files.append(_entry(out, pptx, "deck", "pptx", len(deck.slides), items))
            if len(files) < docs:
                write_deck_pdf(deck, pdf)
                files.append(_entry(out, pdf, "deck", "pdf", len(deck.slides), items))
        else:  # a report: pdf, then the same report as docx
            n = rng.randint(1, 5) if short else rng.randint(5, 60)
            report = make_report(t, n)
            items = planted(report.blocks)
            stem = f"report-{index:04d}"
            pdf, docx = out / "reports/pdf" / f"{stem}.pdf", out / "reports/docx" / f"{stem}.docx"
            pages = write_report_pdf(report, pdf)
            files.append(_entry(out, pdf, "report", "pdf", pages, items, target=n))
            if len(files) < docs:
                write_report_docx(report, docx)
                # Word has no page count until it lays the text out: the PDF twin's count.
                files.append(_entry(out, docx, "report", "docx", pages, items, target=n))
    listing = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "docs": docs,
        "short": short,
        "files": files,
    }
    out.with_suffix(".json").write_text(json.dumps(listing, indent=1) + "\n", "utf-8")
    return listing


def _entry(root: Path, path: Path, kind: str, fmt: str, pages: int, items: dict, **extra) -> dict:
    return {
        "path": str(path.relative_to(root)),
        "kind": kind,
        "format": fmt,
        "pages": pages,
        "bytes": path.stat().st_size,
        "planted": items,
        **extra,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path, help="folder to write the documents into")
    ap.add_argument("--docs", type=int, default=100, help="number of files [100]")
    ap.add_argument("--seed", type=int, default=87)
    ap.add_argument("--short", action="store_true", help="documents of 1-5 pages or slides")
    args = ap.parse_args(argv)
    listing = generate(args.out, args.docs, args.seed, args.short)
    by_fmt: dict[str, list[int]] = {}
    for f in listing["files"]:
        by_fmt.setdefault(f["format"] + " " + f["kind"], []).append(f["pages"])
    for key, pages in sorted(by_fmt.items()):
        print(
            f"{key:12s} {len(pages):5d} files  {sum(pages):6d} pages  "
            f"({min(pages)}-{max(pages)} per file)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
