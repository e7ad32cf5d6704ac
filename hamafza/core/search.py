"""Indexed search over normalized search keys, one interface for every app.

A searchable model inherits ``SearchableMixin`` (its ``search_key`` holds the
normalized text) and adds ``SearchIndex(model_name)`` and
``SearchWordIndex(model_name)`` to its migrations. ``search_filter`` narrows
any queryset of such a model to the rows whose key matches every word of the
query:

- a word of three characters or more matches anywhere (substring), through a
  trigram index: pg_trgm's GIN index on PostgreSQL, an FTS5 table with the
  trigram tokenizer on SQLite;
- a shorter word ("قم", "ع") matches the start of a word, through a word
  index: a GIN index on ``to_tsvector('simple', search_key)`` on PostgreSQL,
  an FTS5 table with the unicode61 tokenizer on SQLite. A trigram index
  cannot serve two letters, and a scan of every key would.

Both SQLite tables are external-content tables over the model's own table,
kept in step by triggers, so no text is stored twice.
"""

import contextlib

from django.db import connections, migrations
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value
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


def _words_table(model) -> str:
    return f"{model._meta.db_table}_words"


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


class _WordsMatch(Func):
    """``to_tsvector('simple', key) @@ to_tsquery('simple', query)`` on PostgreSQL.

    Written exactly as the word index's expression, so that the index serves it; a
    condition on the row itself, so that the planner weighs it with the others (as a
    subquery of ids it was joined by hash to a scan of the whole table).
    """

    arg_joiner = ") @@ to_tsquery('simple', "
    template = "to_tsvector('simple', %(expressions)s)"
    output_field = BooleanField()


def search_filter(queryset: QuerySet, query: str) -> QuerySet:
    """Rows of ``queryset`` whose search key matches every word of ``query``."""
    terms = search_terms(query)
    if not terms:
        return queryset
    model = queryset.model
    long_terms = [t for t in terms if len(t) >= TRIGRAM]
    short_terms = [t for t in terms if len(t) < TRIGRAM]
    vendor = connections[queryset.db].vendor
    if vendor == "sqlite":
        if long_terms:
            fts = _fts_table(model)
            match = " AND ".join(_fts_phrase(t) for t in long_terms)
            queryset = queryset.filter(
                pk__in=RawSQL(f'SELECT rowid FROM "{fts}" WHERE "{fts}" MATCH %s', [match])
            )
        if short_terms:
            words = _words_table(model)
            match = " AND ".join(f"{_fts_phrase(t)}*" for t in short_terms)
            queryset = queryset.filter(
                pk__in=RawSQL(f'SELECT rowid FROM "{words}" WHERE "{words}" MATCH %s', [match])
            )
        return queryset
    if vendor == "postgresql":
        for term in long_terms:
            queryset = queryset.filter(search_key__contains=term)
        if short_terms:
            tsquery = " & ".join("'" + t.replace("'", "''") + "':*" for t in short_terms)
            queryset = queryset.filter(_WordsMatch(F("search_key"), Value(tsquery)))
        return queryset
    for term in terms:  # any other database: correct, unindexed
        queryset = queryset.filter(search_key__contains=term)
    return queryset


def prefix_q(field: str, prefix: str, *, using: str) -> Q:
    """Rows whose ``field`` begins with ``prefix``, in a form the field's index serves.

    Where the database orders text by code point (SQLite; PostgreSQL with the C
    collation, as ``scripts/pg_cluster.sh`` creates it), the same rows are also given as
    a range of the index: every string that begins with ``x`` lies between ``x`` and
    ``x`` with its last character one higher. Without the range, PostgreSQL may read
    the index from its start to find them, and SQLite's LIKE, which ignores ASCII
    case, cannot use an index at all. Under a language's collation the range may
    differ from the prefix, so there only the prefix is asked.
    """
    begins = Q(**{f"{field}__startswith": prefix})
    if not prefix or prefix[-1] == chr(0x10FFFF) or not code_point_order(using):
        return begins
    above = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return begins & Q(**{f"{field}__gte": prefix, f"{field}__lt": above})


@contextlib.contextmanager
def index_order(*, using: str):
    """Inside a transaction: the statements read rows in an index's order rather than sort.

    On PostgreSQL, sorting is switched off (``enable_sort``) for the block and put back
    after it, also when the block runs in a transaction that goes on. For a query whose
    matches the caller knows to be many (see directory's ``_search_first``), where the
    planner's guess of how many would have it sort them all. Elsewhere, nothing.
    If the block fails, the savepoint or transaction around it is rolled back, and the
    setting with it.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_sort'), set_config('enable_sort', 'off', true)"
        )
        previous = cursor.fetchone()[0]
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('enable_sort', %s, true)", [previous])


_CODE_POINT_ORDER: dict[str, bool] = {}
CODE_POINT_COLLATIONS = {"c", "posix", "c.utf8", "c.utf-8"}


def code_point_order(using: str) -> bool:
    """Whether the database ``using`` compares text by code point (asked once per process)."""
    if using not in _CODE_POINT_ORDER:
        connection = connections[using]
        if connection.vendor == "sqlite":
            ordered = True  # BINARY: UTF-8 bytes, in code point order
        elif connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT datcollate, datlocprovider FROM pg_database"
                    " WHERE datname = current_database()"
                )
                collate, provider = cursor.fetchone()
            ordered = provider == "c" and collate.lower() in CODE_POINT_COLLATIONS
        else:
            ordered = False
        _CODE_POINT_ORDER[using] = ordered
    return _CODE_POINT_ORDER[using]


class _SearchIndexOperation(migrations.operations.base.Operation):
    """Create one index over a ``SearchableMixin`` model's key, on either database.

    On SQLite: an FTS5 external-content table named ``<table>_<suffix>`` with
    ``tokenize``, kept in step with the model's table by three triggers.
    On PostgreSQL: the statements of ``postgres_create``.
    """

    reversible = True
    reduces_to_sql = True
    suffix = ""
    tokenize = ""

    def __init__(self, model_name: str):
        self.model_name = model_name

    def state_forwards(self, app_label, state):
        pass

    def _table(self, app_label, state) -> str:
        return state.apps.get_model(app_label, self.model_name)._meta.db_table

    def postgres_create(self, table: str) -> list[str]:
        raise NotImplementedError

    def postgres_drop(self, table: str) -> list[str]:
        raise NotImplementedError

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        table = self._table(app_label, to_state)
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            for statement in self.postgres_create(table):
                schema_editor.execute(statement)
        elif vendor == "sqlite":
            fts = f"{table}_{self.suffix}"
            delete_old = (
                f'INSERT INTO "{fts}"("{fts}", rowid, search_key) '
                f"VALUES ('delete', old.id, old.search_key);"
            )
            insert_new = f'INSERT INTO "{fts}"(rowid, search_key) VALUES (new.id, new.search_key);'
            for statement in (
                f'CREATE VIRTUAL TABLE "{fts}" USING fts5(search_key, content="{table}", '
                f"content_rowid=\"id\", tokenize='{self.tokenize}')",
                f'CREATE TRIGGER "{fts}_ai" AFTER INSERT ON "{table}" BEGIN {insert_new} END',
                f'CREATE TRIGGER "{fts}_ad" AFTER DELETE ON "{table}" BEGIN {delete_old} END',
                f'CREATE TRIGGER "{fts}_au" AFTER UPDATE OF search_key ON "{table}" '
                f"BEGIN {delete_old} {insert_new} END",
                f'INSERT INTO "{fts}"("{fts}") VALUES (\'rebuild\')',
            ):
                schema_editor.execute(statement)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        table = self._table(app_label, from_state)
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            for statement in self.postgres_drop(table):
                schema_editor.execute(statement)
        elif vendor == "sqlite":
            fts = f"{table}_{self.suffix}"
            for trigger in ("ai", "ad", "au"):
                schema_editor.execute(f'DROP TRIGGER IF EXISTS "{fts}_{trigger}"')
            schema_editor.execute(f'DROP TABLE IF EXISTS "{fts}"')

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {"model_name": self.model_name})


class SearchIndex(_SearchIndexOperation):
    """The substring (trigram) index: words of three characters or more."""

    suffix = "search"
    tokenize = "trigram"

    def postgres_create(self, table: str) -> list[str]:
        return [
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            f'CREATE INDEX "{table}_search_trgm" ON "{table}" '
            f'USING gin ("search_key" gin_trgm_ops)',
        ]

    def postgres_drop(self, table: str) -> list[str]:
        return [f'DROP INDEX IF EXISTS "{table}_search_trgm"']

    def describe(self) -> str:
        return f"Create the search index of {self.model_name}"


class SearchWordIndex(_SearchIndexOperation):
    """The word-prefix index: words shorter than three characters."""

    suffix = "words"
    tokenize = "unicode61 remove_diacritics 0"

    def postgres_create(self, table: str) -> list[str]:
        return [
            f'CREATE INDEX "{table}_search_words" ON "{table}" '
            f"USING gin (to_tsvector('simple', \"search_key\"))"
        ]

    def postgres_drop(self, table: str) -> list[str]:
        return [f'DROP INDEX IF EXISTS "{table}_search_words"']

    def describe(self) -> str:
        return f"Create the word index of {self.model_name}"


class SearchIndexesSuspend(migrations.operations.base.Operation):
    """Drop a model's two search indexes (``SearchIndex`` and ``SearchWordIndex``).

    SQLite rebuilds a table for many schema changes (adding a NOT NULL
    column, for one), and the rebuild loses the triggers that keep the FTS
    tables in step. A migration that changes such a table puts this before
    the change and ``SearchIndex``/``SearchWordIndex`` after it.
    """

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str):
        self.model_name = model_name
        self._indexes = (SearchWordIndex(model_name), SearchIndex(model_name))

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for index in self._indexes:
            index.database_backwards(app_label, schema_editor, to_state, from_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        for index in reversed(self._indexes):
            index.database_forwards(app_label, schema_editor, to_state, from_state)

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {"model_name": self.model_name})

    def describe(self) -> str:
        return f"Drop the search indexes of {self.model_name} for a table change"
