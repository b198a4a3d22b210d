"""Chinese full-text search over Elasticsearch for the platform's projections: the analysis chain (the
hrss-analysis plugin, `analysis.py`), index templates for public records and archives (`templates.py`), an index
that writes with external versions and rebuilds behind an alias (`index.py`), query builders (`queries.py`,
`suggest.py`) and the public search calls returning typed pages (`public.py`, `results.py`).
docs/search.md says why and how."""

from hrss.search.analysis import analysis_settings, load_synonyms
from hrss.search.errors import SearchInputError
from hrss.search.index import BulkOutcome, ElasticsearchIndex, VersionedDocument
from hrss.search.public import PublicSearch
from hrss.search.queries import archive_filter, entity_query, facet_aggregations, public_query, region_children
from hrss.search.results import Alternative, Bucket, EntitySuggestion, Hit, Page, Suggestions
from hrss.search.templates import ARCHIVES, PUBLIC_RECORDS, IndexSpec

__all__ = [
    "ARCHIVES",
    "PUBLIC_RECORDS",
    "Alternative",
    "Bucket",
    "BulkOutcome",
    "ElasticsearchIndex",
    "EntitySuggestion",
    "Hit",
    "IndexSpec",
    "Page",
    "PublicSearch",
    "SearchInputError",
    "Suggestions",
    "VersionedDocument",
    "analysis_settings",
    "archive_filter",
    "entity_query",
    "facet_aggregations",
    "load_synonyms",
    "public_query",
    "region_children",
]
