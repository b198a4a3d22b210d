"""Chinese full-text search over Elasticsearch for the platform's projections: the analysis chain (the
hrss-analysis plugin, `analysis.py`), index templates for public records and archives (`templates.py`), an index
that writes with external versions and rebuilds behind an alias (`index.py`), and query builders (`queries.py`).
docs/search.md says why and how."""

from hrss.search.analysis import analysis_settings, load_synonyms
from hrss.search.index import BulkOutcome, ElasticsearchIndex, VersionedDocument
from hrss.search.queries import archive_filter, public_query
from hrss.search.templates import ARCHIVES, PUBLIC_RECORDS, IndexSpec

__all__ = [
    "ARCHIVES",
    "PUBLIC_RECORDS",
    "BulkOutcome",
    "ElasticsearchIndex",
    "IndexSpec",
    "VersionedDocument",
    "analysis_settings",
    "archive_filter",
    "load_synonyms",
    "public_query",
]
