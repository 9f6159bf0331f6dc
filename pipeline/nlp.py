"""The one blank English spaCy tokenizer and vocabulary every matcher shares.

spaCy is imported here, when the first matcher is built, not when the pipeline's modules are
imported: `pipeline --help`, `pipeline parse` and the other commands that match nothing never
pay for it. Building a blank English pipeline costs ~0.06 s (its tokenizer's ~4,000 special
cases); the country finder, the actor ruler, the sentence splitter and the classifier's rule
matcher used to build one each. Now they share one tokenizer and vocabulary: `blank_english()`
for tokenizing and matching, `pipeline_on_shared_tokenizer()` for a pipeline with components
of its own (the actor ruler, the sentencizer). Tokenization is the same as with a pipeline of
its own: the same English tokenizer rules, and a vocabulary only adds the strings it meets.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["blank_english", "pipeline_on_shared_tokenizer"]


@lru_cache(maxsize=1)
def blank_english() -> Language:
    """The shared blank English pipeline (built once): use its `make_doc`, `tokenizer` and
    `vocab`; add no components to it.

    `English()` is the same pipeline as `spacy.blank("en")` (same tokenizer and vocabulary,
    byte for byte: `tests/test_startup.py`) without `blank`'s validation of a full training
    config, which costs ~0.05 s; the tokenizer itself (~4,000 special cases and three affix
    regular expressions) is the remaining ~0.06 s.
    """
    from spacy.lang.en import English

    return English()


def pipeline_on_shared_tokenizer() -> Language:
    """A new, empty English pipeline that uses the shared tokenizer and vocabulary, for
    components of its own (`add_pipe`); cheap, since it builds no tokenizer."""
    from spacy.lang.en import English

    base = blank_english()
    return English(vocab=base.vocab, create_tokenizer=lambda _nlp: base.tokenizer)
