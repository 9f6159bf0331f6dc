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


def _card_digest(path: Path) -> str | None:
    try:
        card = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    digest = card.get("model_sha256") if isinstance(card, dict) else None
    return digest if isinstance(digest, str) and digest else None


def current_model_version(path: Path | None = None) -> str | None:
    """The installed models' version (12 hex digits), or None without a classifier.

    Made from the classifier's and the extraction model's hashes, read from their cards only:
    results made with another version of either are stale.
    """
    folder = Path(path) if path is not None else DEFAULT_DIR
    classifier = _card_digest(folder / CARD_FILE)
    if classifier is None:
        return None
    extractor = _card_digest(folder / EXTRACTOR_CARD_FILE)
    if extractor is None:
        return classifier[:12]
    return hashlib.sha256(f"{classifier}|{extractor}".encode()).hexdigest()[:12]
