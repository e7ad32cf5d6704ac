"""Pages of long lists: a capped count, the page's rows, and what the pager needs."""

from dataclasses import dataclass

from django.db.models import QuerySet

from hamafza.core.text import digits_to_ascii

# Counting stops here: "more than 1,000" costs a bounded scan, an exact count does not.
COUNT_CAP = 1000


@dataclass(frozen=True)
class ListPage:
    """One page of a list and enough to draw the pager. ``count`` is exact up to the cap."""

    rows: list
    number: int
    size: int
    count: int
    count_capped: bool
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def num_pages(self) -> int | None:
        if self.count_capped:
            return None
        return max(1, -(-self.count // self.size))


def page_number(value) -> int:
    """A page number from the query string (any digits); anything else is page 1."""
    text = digits_to_ascii(str(value or "")).strip()
    if not text.isdigit() or len(text) > 6:
        return 1
    return max(1, int(text))


def capped_page(
    queryset: QuerySet, number, size: int, *, prefetch=None, cap: int = COUNT_CAP
) -> ListPage:
    """Two queries (and the rows' prefetches): the capped count and the page's rows
    (one more row than shown, to know whether a next page exists)."""
    count = queryset.order_by().values("pk")[: cap + 1].count()
    capped = count > cap
    count = min(count, cap)
    last = max(1, -(-count // size)) + (1 if capped else 0)
    number = min(page_number(number), last)
    offset = (number - 1) * size
    rows_queryset = prefetch(queryset) if prefetch else queryset
    rows = list(rows_queryset[offset : offset + size + 1])
    return ListPage(
        rows=rows[:size],
        number=number,
        size=size,
        count=count,
        count_capped=capped,
        has_next=len(rows) > size,
    )


def query_without_page(request) -> str:
    """The list's query string without its page number, for the pager's and exports' links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
