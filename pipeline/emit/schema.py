"""The JSON Schemas (schema.json of a document result, items.schema.json of a row) and the
Datasette metadata.json; `SchemaWriter` writes items.schema.json and metadata.json beside
the rows they describe."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline.emit.rows import ItemRow
from pipeline.emit.sqlite import DESCRIPTIONS
from pipeline.emit.writer import Writer, write_json
from pipeline.fileio import write_text_atomic
from pipeline.models import SCHEMA_VERSION, DocumentResult

COUNTRY_PATTERN = "^[A-Z]{3}$"
ROW_SCHEMA_FILE = "items.schema.json"
METADATA_FILE = "metadata.json"


def datasette_metadata() -> dict[str, Any]:
    """Datasette metadata (`datasette priorities.sqlite --metadata metadata.json`)."""
    return {
        "title": "Alliance 8.7 priorities and next steps",
        "description": f"Written by `pipeline run` (schema {SCHEMA_VERSION}).",
        "databases": {
            "priorities": {
                "tables": {
                    table: {"description": text, "columns": columns}
                    for table, (text, columns) in DESCRIPTIONS.items()
                }
            }
        },
    }


def _strict(node: Any) -> None:
    """`additionalProperties: false` on every object schema that lists its properties."""
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            node.setdefault("additionalProperties", False)
        for value in node.values():
            _strict(value)
    elif isinstance(node, list):
        for value in node:
            _strict(value)


def _nullable_pattern(prop: dict[str, Any]) -> None:
    for branch in prop.get("anyOf", []):
        if branch.get("type") == "string":
            branch["pattern"] = COUNTRY_PATTERN


def _label_ids() -> tuple[list[str], list[str]]:
    from pipeline.taxonomy import load_taxonomy

    tax = load_taxonomy()
    return tax.ids("themes"), tax.ids("actions")


def result_schema() -> dict[str, Any]:
    """JSON Schema of a document result, generated from the pydantic models and made strict:
    no unknown fields, label ids from the taxonomy, ISO 3166-1 alpha-3 countries."""
    schema = DocumentResult.model_json_schema()
    themes, actions = _label_ids()
    item = schema["$defs"]["Item"]["properties"]
    item["themes"]["items"] = {"type": "string", "enum": themes}
    item["actions"]["items"] = {"type": "string", "enum": actions}
    for name, ids in (("theme_scores", themes), ("action_scores", actions)):
        item[name]["items"] = {
            "$ref": "#/$defs/LabelScore",
            "properties": {"label": {"enum": ids}},
        }
    _nullable_pattern(item["country"])
    _strict(schema)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"urn:a87-pipeline:document-result:{SCHEMA_VERSION}"
    schema["schema_version"] = SCHEMA_VERSION
    schema["title"] = "DocumentResult"
    return schema


def row_schema() -> dict[str, Any]:
    """JSON Schema of one items.jsonl row (items.csv has the same columns, as text: lists
    joined with ';', scores as 'label:0.97;…', section joined with ' > ', canonical as
    'true'/'false', empty cells for null)."""
    schema = ItemRow.model_json_schema()
    themes, actions = _label_ids()
    props = schema["properties"]
    props["themes"]["items"] = {"type": "string", "enum": themes}
    props["actions"]["items"] = {"type": "string", "enum": actions}
    for name, ids in (("theme_scores", themes), ("action_scores", actions)):
        props[name]["propertyNames"] = {"enum": ids}
        props[name]["additionalProperties"] = {"type": "number", "minimum": 0, "maximum": 1}
    _nullable_pattern(props["country"])
    schema["required"] = list(props)
    _strict(schema)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"urn:a87-pipeline:item-row:{SCHEMA_VERSION}"
    schema["schema_version"] = SCHEMA_VERSION
    return schema


def write_schema(path: Path) -> None:
    write_text_atomic(path, json.dumps(result_schema(), indent=2, ensure_ascii=False) + "\n")


class SchemaWriter(Writer):
    """items.schema.json and metadata.json: written once the rows are complete."""

    files = (ROW_SCHEMA_FILE, METADATA_FILE)

    def finish(self, runs: list[dict[str, Any]]) -> None:
        write_json(self.temps[ROW_SCHEMA_FILE], row_schema())
        write_json(self.temps[METADATA_FILE], datasette_metadata())
