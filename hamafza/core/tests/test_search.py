"""The one search interface, on the database the suite runs on (SQLite or PostgreSQL)."""

import pytest
from django.db import connection

from hamafza.core.search import prefix_q, search_filter, search_key_compute, search_terms
from hamafza.core.text import normalize
from hamafza.directory.models import Membership, Organization
from hamafza.directory.tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def found(query: str) -> list[str]:
    return sorted(search_filter(Organization.objects.all(), query).values_list("name", flat=True))


@pytest.fixture
def names():
    for name, others in [
        ("العتبة الكاظمية المقدسة", {"fa": "آستان مقدس کاظمین", "en": "Holy Shrine of Kadhimiya"}),
        ("هیئت محبان امام رضا (ع)", {"en": "Lovers of Imam Reza"}),
        ("مؤسسه هیئت آنلاین", {"en": "Hey'at Online Institute"}),
        ("مسجد جامع", {}),
        ("Zainabiya Centre", {}),
        ("هیئت قم", {}),
        ("دفتر ثبت رقم", {}),
    ]:
        OrganizationFactory(name=name, names=others)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("الکاظمیه", ["العتبة الكاظمية المقدسة"]),  # Persian kaf/yeh, heh for teh marbuta
        ("كاظمين", ["العتبة الكاظمية المقدسة"]),  # the Persian name, typed with Arabic letters
        ("kadhimiya", ["العتبة الكاظمية المقدسة"]),
        ("هيئت", ["مؤسسه هیئت آنلاین", "هیئت قم", "هیئت محبان امام رضا (ع)"]),
        ("موسسه", ["مؤسسه هیئت آنلاین"]),  # hamza carrier left out
        ("heyat online", ["مؤسسه هیئت آنلاین"]),
        ("امام رضا", ["هیئت محبان امام رضا (ع)"]),  # two words, both must match
        ("رضا امام", ["هیئت محبان امام رضا (ع)"]),  # in any order
        ("مُحِبّان", ["هیئت محبان امام رضا (ع)"]),  # with diacritics
        ("ZAINAB", ["Zainabiya Centre"]),
        ("جا", ["مسجد جامع"]),  # shorter than a trigram: the start of a word
        ("قم", ["هیئت قم"]),  # …so "رقم" (which ends in قم) is not a match
        ("قم هیئت", ["هیئت قم"]),  # short and long words together
        ("ع امام", ["هیئت محبان امام رضا (ع)"]),
        ("۱۲۳ ناموجود", []),
        ('"; DROP TABLE x; --', []),
        ("AND OR NOT NEAR", []),  # FTS5 operators are only text
    ],
)
def test_search(names, query, expected):
    assert found(query) == expected


def test_query_without_words_returns_everything(names):
    assert len(found("   ")) == 7
    assert len(found("*")) == 7


def test_index_follows_updates_and_deletes(names):
    organization = Organization.objects.get(name="مسجد جامع")
    organization.name = "مسجد اعظم"
    organization.save()
    assert found("جامع") == []
    assert found("اعظم") == ["مسجد اعظم"]
    organization.delete()
    assert found("اعظم") == []


def test_search_composes_with_other_filters(names):
    queryset = Organization.objects.filter(kind="mosque")
    assert list(search_filter(queryset, "هیئت")) == []


@pytest.mark.parametrize("query", ["قم", "هیئت قم"])
def test_search_works_inside_a_subquery(names, query):
    # Django renames a table inside a subquery; the search must not name it itself.
    MembershipFactory(organization=Organization.objects.get(name="هیئت قم"))
    MembershipFactory(organization=Organization.objects.get(name="دفتر ثبت رقم"))
    inner = search_filter(Organization.objects.all(), query).values("pk")
    outer = Membership.objects.filter(organization__in=inner)
    assert [m.organization.name for m in outer] == ["هیئت قم"]


def test_terms_are_normalized_deduplicated_and_bounded():
    assert search_terms("هيئت  هیئت") == ["هییت"]
    assert len(search_terms(" ".join(f"w{i}" for i in range(50)))) == 8


def test_key_does_not_depend_on_json_key_order():
    assert search_key_compute([{"fa": "الف", "en": "b"}]) == search_key_compute(
        [{"en": "b", "fa": "الف"}]
    )


def test_the_index_exists_on_this_database():
    table = Organization._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = %s", [f"{table}_search_trgm"]
            )
            assert "gin_trgm_ops" in cursor.fetchone()[0]
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [f"{table}_search"])
            assert "trigram" in cursor.fetchone()[0]


@pytest.mark.django_db
def test_every_searchable_table_keeps_its_index_triggers():
    """A migration that makes SQLite rebuild a table loses its FTS triggers unless it
    suspends and recreates the search indexes (SearchIndexesSuspend)."""
    from django.apps import apps
    from django.db import connection

    from hamafza.core.models import SearchableMixin

    if connection.vendor != "sqlite":
        pytest.skip("the FTS triggers are SQLite's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT type, name FROM sqlite_master")
        names = {(kind, name) for kind, name in cursor.fetchall()}
    tables = {name for kind, name in names if kind == "table"}
    triggers = {name for kind, name in names if kind == "trigger"}
    indexed = [
        model._meta.db_table
        for model in apps.get_models()
        if issubclass(model, SearchableMixin) and f"{model._meta.db_table}_search" in tables
    ]
    assert "agreements_agreement" in indexed and "followups_followup" in indexed
    missing = [
        f"{table}_{kind}_{event}"
        for table in indexed
        for kind in ("search", "words")
        for event in ("ai", "ad", "au")
        if f"{table}_{kind}_{event}" not in triggers
    ]
    assert not missing


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", ["هیئت", "ab", "a", "z", "قم", "ي"])
def test_prefix_q_finds_exactly_the_keys_that_begin_with_it(prefix):
    # Given names around the prefix's range, its last letter one higher among them
    key = normalize(prefix)
    above = key[:-1] + chr(ord(key[-1]) + 1)
    names = [
        prefix,
        prefix + " آخر",
        prefix + "z",
        above,
        above + "a",
        key[:-1] or "-",
        "0",
        "\u06cc",
    ]
    for name in names:
        OrganizationFactory(name=name)
    # When they are asked for by prefix_q, Then exactly those that begin with it come
    rows = Organization.objects.all()
    expected = {o.pk for o in rows if o.name_key.startswith(key)}
    found = set(rows.filter(prefix_q("name_key", key, using=rows.db)).values_list("pk", flat=True))
    assert found == expected and expected


@pytest.mark.django_db
def test_index_order_puts_sorting_back_after_its_block():
    from django.db import transaction

    from hamafza.core.search import index_order

    def sorting() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('enable_sort')")
            return cursor.fetchone()[0]

    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL has a setting to switch (the suite runs there too)")
    # Given a transaction that goes on after the block (as the test's own does)
    with transaction.atomic():
        with index_order(using="default"):
            # When the block runs, Then sorting is off in it
            assert sorting() == "off"
        # And on again after it, within the same transaction
        assert sorting() == "on"


def _searchable_tables() -> list[str]:
    from django.apps import apps

    from hamafza.core.models import SearchableMixin

    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if issubclass(model, SearchableMixin)
        and not model._meta.abstract
        and model._meta.db_table not in UNINDEXED_SEARCHABLE
    )


# Places keep a search key but have no search index: a few hundred rows each, shipped as
# data, chosen from lists; nothing searches them through ``search_filter``.
UNINDEXED_SEARCHABLE = {"core_country", "core_province", "core_city"}


@pytest.mark.django_db
def test_every_searchable_model_has_its_search_indexes_after_the_migrations():
    # A migration that rebuilds a searchable table on SQLite (any AlterField does) drops
    # the triggers that keep its FTS5 tables in step: its search would silently go stale.
    tables = _searchable_tables()
    assert tables
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        else:
            cursor.execute("SELECT indexname FROM pg_indexes")
        present = {row[0] for row in cursor.fetchall()}
    missing = set()
    for table in tables:
        if connection.vendor == "sqlite":
            wanted = {
                f"{table}_{suffix}{end}"
                for suffix in ("search", "words")
                for end in ("", "_ai", "_ad", "_au")
            }
        else:
            wanted = {f"{table}_search_trgm", f"{table}_search_words"}
        missing.update(wanted - present)
    assert not missing, sorted(missing)
