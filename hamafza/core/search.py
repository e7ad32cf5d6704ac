"""Indexed substring search over normalized search keys, one interface for every app.

A searchable model inherits ``SearchableMixin`` (its ``search_key`` holds the
normalized text) and adds ``SearchIndex(model_name)`` to a migration. The
index is a trigram GIN index (pg_trgm) on PostgreSQL and an FTS5 table with
the trigram tokenizer, kept in step by triggers, on SQLite. ``search_filter``
narrows any queryset of such a model to the rows whose key contains every
word of the query, using the index for words of three characters or more.
"""

from django.db import connections, migrations
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from hamafza.core.text import normalize

TRIGRAM = 3


def search_key_compute(values) -> str:
    """The search key from the values of a row's search fields, in order.

    A mapping (such as ``names``) contributes its values ordered by key, so
    the key does not depend on how the database orders a JSON object's keys
    (PostgreSQL's jsonb sorts them; SQLite keeps them as written).
    """
    parts: list[str] = []
    for value in values:
        if isinstance(value, dict):
            parts.extend(str(value[key]) for key in sorted(value) if value[key])
        elif value:
            parts.append(str(value))
    return " ".join(normalize(part) for part in parts if part).strip()


def search_terms(query: str) -> list[str]:
    """The normalized, distinct words of a query, longest first (most selective)."""
    words = dict.fromkeys(normalize(query).split())
    return sorted(words, key=len, reverse=True)[:8]


def _fts_table(model) -> str:
    return f"{model._meta.db_table}_search"


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def search_filter(queryset: QuerySet, query: str) -> QuerySet:
    """Rows of ``queryset`` whose search key contains every word of ``query``."""
    terms = search_terms(query)
    if not terms:
        return queryset
    model = queryset.model
    indexed = [t for t in terms if len(t) >= TRIGRAM]
    short = [t for t in terms if len(t) < TRIGRAM]
    vendor = connections[queryset.db].vendor
    if vendor == "sqlite" and indexed:
        table = _fts_table(model)
        match = " AND ".join(_fts_phrase(t) for t in indexed)
        queryset = queryset.filter(
            pk__in=RawSQL(f'SELECT rowid FROM "{table}" WHERE "{table}" MATCH %s', [match])
        )
    else:
        short = terms
    for term in short:
        queryset = queryset.filter(search_key__contains=term)
    return queryset


class SearchIndex(migrations.operations.base.Operation):
    """Create the search index for a ``SearchableMixin`` model (either database)."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str):
        self.model_name = model_name

    def state_forwards(self, app_label, state):
        pass

    def _table(self, app_label, state) -> str:
        return state.apps.get_model(app_label, self.model_name)._meta.db_table

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        table = self._table(app_label, to_state)
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(
                f'CREATE INDEX "{table}_search_trgm" ON "{table}" '
                f'USING gin ("search_key" gin_trgm_ops)'
            )
        elif vendor == "sqlite":
            fts = f"{table}_search"
            schema_editor.execute(
                f'CREATE VIRTUAL TABLE "{fts}" USING fts5(search_key, content="{table}", '
                f"content_rowid=\"id\", tokenize='trigram')"
            )
            schema_editor.execute(
                f'CREATE TRIGGER "{fts}_ai" AFTER INSERT ON "{table}" BEGIN '
                f'INSERT INTO "{fts}"(rowid, search_key) VALUES (new.id, new.search_key); END'
            )
            schema_editor.execute(
                f'CREATE TRIGGER "{fts}_ad" AFTER DELETE ON "{table}" BEGIN '
                f'INSERT INTO "{fts}"("{fts}", rowid, search_key) '
                f"VALUES ('delete', old.id, old.search_key); END"
            )
            schema_editor.execute(
                f'CREATE TRIGGER "{fts}_au" AFTER UPDATE OF search_key ON "{table}" BEGIN '
                f'INSERT INTO "{fts}"("{fts}", rowid, search_key) '
                f"VALUES ('delete', old.id, old.search_key); "
                f'INSERT INTO "{fts}"(rowid, search_key) VALUES (new.id, new.search_key); END'
            )
            schema_editor.execute(f'INSERT INTO "{fts}"("{fts}") VALUES (\'rebuild\')')

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        table = self._table(app_label, from_state)
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(f'DROP INDEX IF EXISTS "{table}_search_trgm"')
        elif vendor == "sqlite":
            fts = f"{table}_search"
            for suffix in ("ai", "ad", "au"):
                schema_editor.execute(f'DROP TRIGGER IF EXISTS "{fts}_{suffix}"')
            schema_editor.execute(f'DROP TABLE IF EXISTS "{fts}"')

    def describe(self) -> str:
        return f"Create the search index of {self.model_name}"

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {"model_name": self.model_name})
