import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hamafza.core.models import Country
from hamafza.directory import selectors
from hamafza.directory.models import Organization, OrganizationKind
from hamafza.directory.selectors import DirectoryFilters, organization_list, organization_page
from hamafza.directory.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

NAMES = [
    # names that begin with the broad word, in both spellings of its yeh
    "هیئت انصار الحسین",
    "هیئت محبان امام رضا",
    "هيئة أنصار المهدي",
    "هیئت عزاداران قم",
    "هیئت آنلاین",
    # names that hold it later, before and after those in name order
    "انجمن هیئت‌های مذهبی",
    "کانون هیئت جوانان",
    "اتحادیه هیئت‌های قم",
    "ستاد هیئت‌های حسینی",
    "یاران هیئت زینبی",
    "آستان هیئت قدیم",
    # names that do not match
    "مسجد جامع",
    "گروه جهادی شهدای کربلا",
    "Imam Hussain Foundation",
    "قمر بنی‌هاشم",
]
QUERIES = ["هیئت", "هيئة", "هیئت قم", "قم", "هیئت‌های", "امام", "xyzzy"]


@pytest.fixture
def directory(db):
    iraq = Country.objects.get(code="IQ")
    for number, name in enumerate(NAMES):
        OrganizationFactory(
            name=name,
            kind=OrganizationKind.MOSQUE if number % 3 == 0 else OrganizationKind.HEYAT,
            country=iraq if number % 4 == 0 else Country.objects.get(code="IR"),
        )


def _listed(filters: DirectoryFilters) -> list[int]:
    return list(organization_list(filters=filters).values_list("id", flat=True))


def _paged(filters: DirectoryFilters, size: int) -> list[int]:
    """Every row the pages reach: past a capped count there is one more page at most."""
    ids, number = [], 1
    while True:
        page = organization_page(filters=filters, number=number, size=size)
        if page.number < number:
            return ids  # asked past the last page: it was given again
        ids += [row.pk for row in page.rows]
        if not page.has_next:
            return ids
        number += 1


@pytest.mark.parametrize("cap", [1000, 3])
@pytest.mark.parametrize("size", [2, 5, 24])
@pytest.mark.parametrize("q", QUERIES)
def test_the_pages_of_a_search_follow_the_lists_order(directory, monkeypatch, q, size, cap):
    # Given a cap low enough that every search counts as broad (cap 3), or none (1000)
    monkeypatch.setattr(selectors, "COUNT_CAP", cap)
    filters = DirectoryFilters(q=q)
    # When every page of the search is read
    paged = _paged(filters, size)
    # Then the pages hold the list's rows, in its order, each once
    assert paged == _listed(filters)[: len(paged)]
    assert len(paged) == min(len(_listed(filters)), (-(-cap // size) + 1) * size)


@pytest.mark.parametrize(
    "filters",
    [
        DirectoryFilters(q="هیئت", kind=OrganizationKind.HEYAT),
        DirectoryFilters(q="هیئت", country="IQ"),
        DirectoryFilters(q="قم", kind=OrganizationKind.HEYAT),
    ],
)
def test_a_broad_search_with_filters_follows_the_lists_order(directory, monkeypatch, filters):
    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    paged = _paged(filters, 2)
    assert paged == _listed(filters)[: len(paged)]
    assert paged


def test_names_that_begin_with_the_query_come_first_then_the_others_by_name(directory):
    names = [
        row.name for row in organization_page(filters=DirectoryFilters(q="هیئت"), size=50).rows
    ]
    beginning = [name for name in names if name.startswith(("هیئت", "هيئة"))]
    assert names[: len(beginning)] == beginning
    assert len(beginning) == 4  # "هيئة" (teh marbuta) is another word
    others = names[len(beginning) :]
    keys = dict(Organization.objects.filter(name__in=others).values_list("name", "name_key"))
    assert [keys[name] for name in others] == sorted(keys[name] for name in others)
    assert "مسجد جامع" not in names and "هيئة أنصار المهدي" not in names


def test_a_broad_search_reads_a_fixed_number_of_queries(directory, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    counts = []
    for extra in (0, 30):
        for number in range(extra):
            OrganizationFactory(name=f"کانون هیئت افزوده {number}")
        filters = DirectoryFilters(q="هیئت")
        organization_page(filters=filters)  # places and facets are cached per process
        with CaptureQueriesContext(connection) as queries:
            organization_page(filters=filters, number=2, size=4)
        counts.append(len(queries))
    # the count, the two reads in index order (inside a savepoint, with sorting switched
    # off and back on PostgreSQL), the rows, their languages
    assert counts[0] == counts[1] <= 9
