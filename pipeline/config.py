"""One settings object for the whole pipeline, with validated defaults."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class Settings(BaseModel):
    """Limits and switches. `Settings.resolve(None | dict | Settings)` gives an instance."""

    max_file_bytes: int = Field(default=200 * 1024 * 1024, gt=0, description="Largest input file.")
    max_pages: int = Field(default=2000, gt=0, description="Most pages/slides read from one file.")
    max_chars_per_page: int = Field(
        default=200_000, gt=0, description="A PDF page with more characters is refused."
    )
    max_objects_per_page: int = Field(
        default=500_000,
        gt=0,
        description="A PDF page drawing more paths, images and Form XObject calls is refused.",
    )
    max_forms_per_page: int = Field(
        default=50_000,
        gt=0,
        description="A PDF page calling Form XObjects and images more often is refused.",
    )
    max_unzipped_bytes: int = Field(
        default=200 * 1024 * 1024, gt=0, description="Most bytes an OOXML package may inflate to."
    )
    max_zip_ratio: float = Field(default=100.0, gt=1, description="Largest inflate ratio per part.")
    pdf_engine: Literal["pdfium", "pdfplumber"] = Field(
        default="pdfium",
        description="The PDF reader tried first; a file it cannot open or finds empty is "
        "tried with the other.",
    )

    @classmethod
    def resolve(cls, value: Settings | dict[str, Any] | None = None) -> Settings:
        if value is None:
            return cls()
        if isinstance(value, cls):
            return value
        return cls.model_validate(value)
