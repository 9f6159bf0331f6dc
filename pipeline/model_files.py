"""Where the trained model lives and which version is installed, without loading it.

Kept apart from `pipeline.classify` so that a batch run can tell whether cached results are
current without importing scikit-learn.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

MODEL_FILE = "classifier.npz"
CARD_FILE = "model_card.json"
EXTRACTOR_CARD_FILE = "extractor_card.json"
DEFAULT_DIR = Path(__file__).resolve().parents[1] / "models"


# The card fields that say what a model was made from. Two trainings on the same data with
# the same settings give the same version on any machine, even where the stored floats differ
# in their last bits; the file hash (`model_sha256`) still guards against a changed file.
_VERSION_FIELDS = {
    CARD_FILE: (
        "training_data_sha256",
        "taxonomy_fingerprint",
        "settings",
        "format_version",
        "corrections_items",
        "labels",
    ),
    EXTRACTOR_CARD_FILE: (
        "data_sha256",
        "format_version",
        "c",
        "c_kind",
        "features",
        "corrections_rows",
    ),
}


def _card_key(path: Path) -> str | None:
    try:
        card = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(card, dict) or not card.get("model_sha256"):
        return None
    fields = _VERSION_FIELDS[path.name]
    if any(name not in card for name in fields):
        return str(card["model_sha256"])  # a card from before these fields
    return json.dumps({name: card[name] for name in fields}, sort_keys=True)


def current_model_version(path: Path | None = None) -> str | None:
    """The installed models' version (12 hex digits), or None without a classifier.

    Made from what the classifier and the extraction model were trained on (data hash,
    taxonomy, settings, feature count), read from their cards only: results made with another
    version of either are stale, and the same training gives the same version everywhere.
    """
    folder = Path(path) if path is not None else DEFAULT_DIR
    classifier = _card_key(folder / CARD_FILE)
    if classifier is None:
        return None
    extractor = _card_key(folder / EXTRACTOR_CARD_FILE) or ""
    return hashlib.sha256(f"{classifier}|{extractor}".encode()).hexdigest()[:12]
