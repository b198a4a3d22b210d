"""A demo province loaded into the registry as an operator would: its importer for the entities and inspectors, its
checklist loader for the official checklist of seeds/002 (the seed document's path given explicitly)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from registry.adapters.orm import entity_current
from registry.cli import load_checklist, run_import
from registry.domain.entities import ENTITY_FIELDS
from registry.domain.inspectors import INSPECTOR_FIELDS
from registry.service_layer.components import Components
from sqlalchemy import func, select

from hrss.testing.seeds import CHECKLIST_DOCUMENT, seed_document
from registry_demo.generator import generate_entities, write_csv
from registry_demo.inspectors import generate_inspectors


def entities_present(engine: Any) -> int:
    """How many entities the registry already holds (the demo is made only on an empty one)."""
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(entity_current)).scalar_one())


def load_demo(engine: Any, nodes: tuple, components: Components, province: str, entities: int, per_county: int) -> dict:
    """Generate and import a deterministic province: entities, inspectors, and the official checklist."""
    with tempfile.TemporaryDirectory(prefix="hrss-demo-") as folder:
        entity_file, inspector_file = Path(folder) / "entities.csv", Path(folder) / "inspectors.csv"
        write_csv(entity_file, generate_entities(province, entities, seed=1), ENTITY_FIELDS)
        write_csv(inspector_file, generate_inspectors(province, per_county, seed=1), INSPECTOR_FIELDS)
        result = {
            "entities": run_import("entities", entity_file, province, "demo", components, engine, nodes),
            "inspectors": run_import("inspectors", inspector_file, province, "demo", components, engine, nodes),
        }
    checklist = seed_document(CHECKLIST_DOCUMENT)
    items = load_checklist(engine, nodes, components, province, "demo", checklist, lines_from_units=True)
    result["checklist"] = {"items": len(items), "added": sum(1 for i in items if i["created"])}
    return result
