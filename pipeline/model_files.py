"""Where the trained model lives and which version is installed, without loading it.

Kept apart from `pipeline.classify` so that a batch run can tell whether cached results are
current without importing scikit-learn.
"""

from __future__ import annotations

import json
from pathlib import Path

MODEL_FILE = "classifier.npz"
CARD_FILE = "model_card.json"
DEFAULT_DIR = Path(__file__).resolve().parents[1] / "models"


def current_model_version(path: Path | None = None) -> str | None:
    """The installed model's version (its file's sha256, 12 digits), or None without one.

    Reads only the model card; results made with another version are stale.
    """
    folder = Path(path) if path is not None else DEFAULT_DIR
    try:
        card = json.loads((folder / CARD_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    digest = card.get("model_sha256") if isinstance(card, dict) else None
    return digest[:12] if isinstance(digest, str) and digest else None
