"""Demo data for the registry, kept out of the registry package: a tool the run scripts call.

    cd infra/local && python -m registry_demo seed --entities 20000 --inspectors-per-county 6 --if-empty
    cd infra/local && python -m registry_demo files --entities 100000 --per-county 12 --seed 1 --out /tmp/demo

`seed` generates a deterministic province and loads it through the registry's own importer and checklist loader
(`make run` does this on a fresh platform); `files` only writes the CSV files.
"""

from registry_demo.generator import (
    AS_OF,
    DEFAULT_PROVINCE,
    TAG_SEPARATOR,
    County,
    generate_entities,
    province_counties,
    short_name,
    write_csv,
)
from registry_demo.inspectors import employers_by_county, generate_inspectors, national_id_with_check

__all__ = [
    "AS_OF",
    "DEFAULT_PROVINCE",
    "TAG_SEPARATOR",
    "County",
    "employers_by_county",
    "generate_entities",
    "generate_inspectors",
    "national_id_with_check",
    "province_counties",
    "short_name",
    "write_csv",
]
