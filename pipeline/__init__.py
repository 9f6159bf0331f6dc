"""Alliance 8.7 priorities pipeline: parse reports and decks, extract priorities and next steps."""

__version__ = "0.1.0"
