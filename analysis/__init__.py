"""Parley's analysis library: news articles in, tidy pandas tables out.

The public API is re-exported here (loaded on first use, so `import analysis` stays light); see
docs/architecture.md for the data flow.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "store.build": ["BuildResult", "build"],
    "ingest.corpus": ["read_corpus"],
    "store.schema": ["TABLES", "conform", "empty_table"],
    "store.tables": ["load_tables", "read_manifest", "tables_exist"],
    "extract.nlp": ["load_nlp"],
    "extract.actors": ["load_kb", "find_mentions"],
    "extract.topics": ["load_taxonomy", "tag_topics"],
    "extract.stance": ["load_lexicon", "find_statements"],
    "extract.time.events": ["infer_published", "find_time_expressions", "find_events"],
    "query": [
        "Filters",
        "Query",
        "apply_filters",
        "describe",
        "filters_from_query",
        "filters_to_query",
        "mentions_by_actor",
        "mentions_by_actor_source",
        "mentions_by_actor_article",
        "mentions_by_actor_day",
        "mentions_by_affiliation",
        "cooccurrence",
        "topic_share_by_source",
        "position_matrix",
        "agreement_network",
        "positions_over_time",
        "cell_evidence",
        "events_in_order",
        "coverage_over_time",
        "actor_first_last",
        "events_per_actor",
    ],
    "store.corrections": ["load_corrections", "add_correction", "undo", "apply_corrections", "statement_id"],
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"analysis.{_WHERE[name]}"), name)
    globals()[name] = value
    return value
