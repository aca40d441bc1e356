"""Parley's analysis library: news articles in, tidy pandas tables out.

The public API is re-exported here; see docs/architecture.md for the data flow.
"""

from analysis.build import BuildResult, build
from analysis.filters import Filters, apply_filters, describe, filters_from_query, filters_to_query
from analysis.ingest import read_corpus
from analysis.schema import TABLES, conform, empty_table
from analysis.store import load_tables, read_manifest, tables_exist

__all__ = [
    "TABLES",
    "BuildResult",
    "Filters",
    "apply_filters",
    "build",
    "conform",
    "describe",
    "empty_table",
    "filters_from_query",
    "filters_to_query",
    "load_tables",
    "read_corpus",
    "read_manifest",
    "tables_exist",
]
