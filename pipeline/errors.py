"""The project's own error types.

Every error a user can cause (a bad file, a bad option) is a `PipelineError`: it names the
file, says what is wrong and what to do. The CLI prints it without a traceback and the batch
runner records it and goes on.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.fileio import path_text


class PipelineError(Exception):
    """Base class: a problem with an input or a setting that a person can act on."""

    code = "pipeline_error"
    hint = ""

    def __init__(self, path: str | Path | None, reason: str, hint: str | None = None) -> None:
        self.path = path_text(path) if path is not None else None
        self.reason = reason
        if hint is not None:
            self.hint = hint
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = f"{self.path}: " if self.path else ""
        tail = f" {self.hint}" if self.hint else ""
        return f"{where}{self.reason}.{tail}"

    def to_record(self) -> dict[str, str | None]:
        """A plain record for manifests and error logs."""
        return {"error": self.code, "file": self.path, "reason": self.reason, "hint": self.hint}


class UnsupportedFormatError(PipelineError):
    code = "unsupported_format"
    hint = "Supported formats: PDF, PowerPoint (.pptx), Word (.docx), plain text and Markdown."


class EmptyFileError(PipelineError):
    code = "empty_file"
    hint = "The file has no content; check that it was copied or downloaded completely."


class EncryptedFileError(PipelineError):
    code = "encrypted"
    hint = "Ask the sender for an unprotected copy (no password, no encryption)."


class CorruptFileError(PipelineError):
    code = "corrupt"
    hint = "The file is damaged or truncated; re-export or re-download it from its source."


class ImageOnlyError(PipelineError):
    code = "image_only"
    hint = "The PDF has no text layer (scanned pages); it needs OCR before it can be processed."


class ResourceLimitError(PipelineError):
    code = "limit_exceeded"
    hint = (
        "Split the file, or raise the limit named above if the file is trusted "
        "(pipeline run --limit NAME=VALUE)."
    )


MEMORY_HINT = "Split the file, or raise the memory limit (--memory-limit) if the file is trusted."


class ModelError(PipelineError):
    code = "model"
    hint = "Retrain the model with `pipeline train`."


class UsageError(PipelineError):
    code = "usage"
