"""Text normalisation: the one place that says how text is folded, split into words and spaced.

Each function does one step and says which variant it is; a caller composes the steps it
needs and so keeps its own behaviour:

- `nfkc`: Unicode compatibility composition ("ﬁ" -> "fi", fullwidth "Ａ" -> "A", a
  non-breaking space -> " ", "…" -> "..."); accents stay composed ("é" is one character).
- `fold`: a comparison key, case folded, with accents kept (`accents=True`) or removed
  (`accents=False`).
- `words` / `word_matches`: the words of a text, runs of letters and digits, with
  apostrophes inside words kept on request ("d'action", "children’s").
- `straight_apostrophes`: the typographic apostrophe ’ written as '.
- `squash_space`: every run of whitespace as one space, none at the ends.

Who uses which (`cues.normalise`, `evaluate.normalise`, `classify.rules.tokenize`,
`corrections.text_hash`, `segment.names_region`, `lexicon.fold`, `deadlines`) is written
beside each function.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "fold",
    "nfkc",
    "squash_space",
    "straight_apostrophes",
    "word_matches",
    "words",
]

# Letters and digits, no underscore: `\w` without "_".
_WORD_RE = re.compile(r"[^\W_]+")
# The same, with a straight or typographic apostrophe allowed between two runs ("d'action").
_WORD_APOSTROPHE_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

# Letters that Unicode does not decompose into a base letter and a mark, so NFKD leaves them:
# the ligatures œ æ, the German ß and the stroked letters ø ł đ.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"})


def nfkc(text: str) -> str:
    """Unicode NFKC: compatibility characters replaced by their plain form ("ﬁ" -> "fi",
    "Ａ" -> "A", no-break space -> " ", "…" -> "..."), accents composed; case and words kept.

    Used by `classify.rules.tokenize`, whose words keep their case for the stemmer. The
    result may be longer than `text` ("ﬁ", "…"), so offsets into it are not offsets into
    `text`."""
    return unicodedata.normalize("NFKC", text)


def fold(text: str, *, accents: bool, casefold: bool = False, ligatures: bool = False) -> str:
    """A comparison key of `text`: lower case, with accents kept or removed.

    `accents=True`: NFKC, then lower case (`str.lower`, or `str.casefold` with
    `casefold=True`). "Côte d’Ivoire" -> "côte d’ivoire". Keep accents where they carry
    meaning or where the key is compared with text folded the same way: gold scoring
    (GOLD.md: NFKC and lower case, `evaluate.normalise`), cue labels (`cues.normalise`) and
    the text hash of a correction (`corrections.text_hash`, with `casefold=True`, so "ß"
    and "ss" are one key).

    `accents=False`: lower case first (or casefold), then NFKD with the combining marks
    dropped, so "Région", "région" and "region" are one key ("Côte d’Ivoire" ->
    "cote d’ivoire"). Remove accents where writers drop them or not at will and a word list
    should match either spelling: region names (`segment.names_region`), the extraction
    lexicon (`lexicon.fold`, with `ligatures=True`).

    `ligatures=True` also spells out the letters NFKD leaves whole: œ -> oe, æ -> ae,
    ß -> ss, ø -> o, ł -> l, đ -> d ("Œuvre" -> "oeuvre"), after the case is folded.

    Nothing else changes: punctuation, apostrophes and spacing stay. Note that lower case
    may itself add a combining mark ("İ" -> "i̇", i and U+0307), which `accents=True`
    keeps and `words` then treats as a separator."""
    if accents:
        text = unicodedata.normalize("NFKC", text)
        text = text.casefold() if casefold else text.lower()
        return text.translate(_LIGATURES) if ligatures else text
    text = text.casefold() if casefold else text.lower()
    if text.isascii():  # NFKD and the ligatures change no ASCII character
        return text
    if ligatures:
        text = text.translate(_LIGATURES)
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def word_matches(text: str, *, apostrophes: bool = False) -> list[re.Match[str]]:
    """The words of `text` as regex matches, with their offsets in `text` as given.

    A word is a run of letters and digits (`\\w` without "_"): punctuation, spaces,
    underscores and combining marks separate words. With `apostrophes=True` a straight or
    typographic apostrophe between two runs stays inside the word ("d'action",
    "children’s" are one word each); without, it separates ("d", "action").
    No normalisation is done: pass `nfkc(text)` or `fold(text, ...)` for that."""
    pattern = _WORD_APOSTROPHE_RE if apostrophes else _WORD_RE
    return list(pattern.finditer(text))


def words(text: str, *, apostrophes: bool = False) -> list[str]:
    """The words of `text` as strings (see `word_matches` for what a word is).

    `words(fold(text, accents=True))` are the tokens of gold scoring (`evaluate.normalise`),
    and joined by spaces the key of a cue label (`cues.normalise`)."""
    pattern = _WORD_APOSTROPHE_RE if apostrophes else _WORD_RE
    return pattern.findall(text)


def straight_apostrophes(text: str) -> str:
    """`text` with the typographic apostrophe ’ (U+2019) written as a straight ' .

    Only U+2019, the apostrophe word processors type; other quotes stay. Used where a
    phrase from a word list is compared with text (`deadlines`, `classify.rules.stem`)."""
    return text.replace("’", "'")


def squash_space(text: str) -> str:
    """Every run of whitespace (spaces, tabs, line breaks, no-break spaces) as one space,
    none at either end: "  Next\u00a0steps \n" -> "Next steps".

    Used for keys blind to layout: `corrections.text_hash`, `deadlines`,
    `classify._header_key`."""
    return " ".join(text.split())
