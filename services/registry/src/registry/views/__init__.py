"""The read side: filtered, node-scoped, paginated queries; personal data masked for roles that do not need it."""

from registry.views.checklist import check_item_detail, checklist
from registry.views.entities import entities, entity, entity_by_uscc, late_changes
from registry.views.imports import import_report, region
from registry.views.inspectors import inspector, inspector_node, inspectors, sees_personal_data
from registry.views.query import DEFAULT_PAGE, MAX_PAGE

__all__ = [
    "DEFAULT_PAGE",
    "MAX_PAGE",
    "check_item_detail",
    "checklist",
    "entities",
    "entity",
    "entity_by_uscc",
    "import_report",
    "inspector",
    "inspector_node",
    "inspectors",
    "late_changes",
    "region",
    "sees_personal_data",
]
