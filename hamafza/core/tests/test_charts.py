"""Charts: well-formed, proportional, escaped, mirrored on RTL pages, honest when empty."""

import xml.etree.ElementTree as ET

import pytest
from django.utils import translation
from django.utils.safestring import SafeString

from hamafza.core.charts import bar_chart, column_chart, number_format, stacked_bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(chart) -> ET.Element:
    return ET.fromstring(str(chart))


def bar_rects(root: ET.Element) -> list[list[ET.Element]]:
    """Each bar's rectangles, in document order."""
    return [
        svg.findall(f"{SVG}rect")
        for svg in root.iter(f"{SVG}svg")
        if "hz-chart-bar" in svg.get("class", "")
    ]


def texts(root: ET.Element, css_class: str) -> list[str]:
    return [
        "".join(el.itertext()) for el in root.iter() if css_class in (el.get("class") or "").split()
    ]


def test_bar_lengths_are_proportional_to_values():
    # given three rows
    with translation.override("en"):
        chart = bar_chart([("Tehran", 200), ("Qom", 50), ("Karbala", 100)], title="By province")

    # when parsed
    root = parse(chart)

    # then each bar's length is its share of the largest value
    widths = [float(rects[0].get("width")) for rects in bar_rects(root)]
    assert widths == [100.0, 25.0, 50.0]
    assert texts(root, "hz-chart-label") == ["Tehran", "Qom", "Karbala"]
    assert texts(root, "hz-chart-value") == ["200", "50", "100"]
    assert isinstance(chart, SafeString)


def test_chart_is_accessible_figure_with_titles():
    with translation.override("en"):
        root = parse(bar_chart([("Tehran", 1200)], title="By province"))

    assert root.tag == "figure"
    assert texts(root, "hz-chart-title") == ["By province"]
    svg = next(root.iter(f"{SVG}svg"))
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Tehran: 1,200"


def test_labels_titles_and_values_are_escaped():
    # given a label and a formatted value carrying markup
    chart = bar_chart(
        [('<script>alert("x")</script>', 3)],
        title="<b>title</b>",
        rtl=False,
        value_format=lambda value: f"<i>{value:g}</i>",
    )

    # then no markup got through: it parses, and the text is shown literally
    root = parse(chart)
    assert not list(root.iter("script"))
    assert not list(root.iter("b"))
    assert not list(root.iter("i"))
    assert texts(root, "hz-chart-label") == ['<script>alert("x")</script>']
    assert texts(root, "hz-chart-title") == ["<b>title</b>"]
    assert texts(root, "hz-chart-value") == ["<i>3</i>"]


def test_rtl_bars_grow_from_the_right_and_ltr_from_the_left():
    rows = [("a", 10), ("b", 4)]

    ltr = parse(bar_chart(rows, title="t", rtl=False))
    rtl = parse(bar_chart(rows, title="t", rtl=True))

    assert ltr.get("dir") == "ltr"
    assert rtl.get("dir") == "rtl"
    assert [float(r[0].get("x")) for r in bar_rects(ltr)] == [0.0, 0.0]
    # the bar ends on the right edge (100) of its box
    assert [float(r[0].get("x")) + float(r[0].get("width")) for r in bar_rects(rtl)] == [
        100.0,
        100.0,
    ]
    assert float(bar_rects(rtl)[1][0].get("x")) == 60.0


def test_direction_and_digits_follow_the_active_language():
    with translation.override("fa"):
        root = parse(bar_chart([("تهران", 1234567)], title="استان‌ها"))

    assert root.get("dir") == "rtl"
    assert texts(root, "hz-chart-value") == ["۱٬۲۳۴٬۵۶۷"]

    with translation.override("ar"):
        root = parse(bar_chart([("كربلاء", 25)], title="محافظات"))

    assert root.get("dir") == "rtl"
    assert texts(root, "hz-chart-value") == ["٢٥"]


@pytest.mark.parametrize("rows", [[], [("a", 0), ("b", 0)], [("a", -5), ("b", None)]])
def test_empty_or_zero_data_shows_nothing_to_show(rows):
    with translation.override("en"):
        root = parse(bar_chart(rows, title="Empty"))

    assert "hz-chart-empty" in root.get("class")
    assert texts(root, "hz-chart-nothing-text") == ["Nothing to show."]
    svg = next(root.iter(f"{SVG}svg"))
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Nothing to show."
    assert not bar_rects(root)


def test_column_heights_are_proportional_and_time_runs_in_reading_direction():
    points = [("2023", 10), ("2024", 40), ("2025", 20)]

    with translation.override("en"):
        root = parse(column_chart(points, title="Per year"))

    columns = [svg for svg in root.iter(f"{SVG}svg") if "hz-chart-column" in svg.get("class")]
    heights = [float(svg.find(f"{SVG}rect").get("height")) for svg in columns]
    assert heights == [25.0, 100.0, 50.0]
    # columns stand on the bottom edge of their box
    assert [float(svg.find(f"{SVG}rect").get("y")) for svg in columns] == [75.0, 0.0, 50.0]
    assert texts(root, "hz-chart-label") == ["2023", "2024", "2025"]
    assert texts(root, "hz-chart-value") == ["10", "40", "20"]
    # oldest first in document order; the table's dir puts it at the start side
    assert root.get("dir") == "ltr"

    with translation.override("fa"):
        rtl = parse(column_chart(points, title="در هر سال"))
    assert rtl.get("dir") == "rtl"
    assert texts(rtl, "hz-chart-value") == ["۱۰", "۴۰", "۲۰"]


def test_column_chart_keeps_a_zero_point_without_a_column():
    root = parse(column_chart([("a", 0), ("b", 3)], title="t", rtl=False))

    columns = [svg for svg in root.iter(f"{SVG}svg") if "hz-chart-column" in svg.get("class")]
    assert [svg.find(f"{SVG}rect") is None for svg in columns] == [True, False]


def test_stacked_parts_are_proportional_to_the_largest_total():
    rows = [("2024", {"active": 30, "inactive": 10}), ("2025", {"active": 10})]
    series = [("active", "Active"), ("inactive", "Inactive")]

    with translation.override("en"):
        root = parse(stacked_bar_chart(rows, series=series, title="Groups", rtl=False))

    first, second = bar_rects(root)
    assert [(float(r.get("x")), float(r.get("width"))) for r in first] == [(0, 75), (75, 25)]
    assert [(float(r.get("x")), float(r.get("width"))) for r in second] == [(0, 25)]
    assert first[0].get("fill") != first[1].get("fill")
    assert texts(root, "hz-chart-legend") == ["Active", "Inactive"]
    assert texts(root, "hz-chart-value") == ["30", "10", "10", "0"]
    svg = next(s for s in root.iter(f"{SVG}svg") if "hz-chart-bar" in s.get("class"))
    assert svg.find(f"{SVG}title").text == "2024: Active: 30; Inactive: 10"


def test_stacked_rtl_starts_the_first_part_at_the_right():
    rows = [("x", {"a": 1, "b": 3})]

    root = parse(stacked_bar_chart(rows, series=[("a", "A"), ("b", "B")], title="t", rtl=True))

    (rects,) = bar_rects(root)
    assert [(float(r.get("x")), float(r.get("width"))) for r in rects] == [(75, 25), (0, 75)]


def test_stacked_with_zero_totals_shows_nothing_to_show():
    with translation.override("en"):
        root = parse(stacked_bar_chart([("x", {})], series=[("a", "A")], title="t"))

    assert texts(root, "hz-chart-nothing-text") == ["Nothing to show."]


def test_number_format_groups_and_localizes():
    assert number_format(28_000_000, "en") == "28,000,000"
    assert number_format(2300, "fa") == "۲٬۳۰۰"
    assert number_format(2.5, "fa") == "۲٫۵"
    assert number_format(1780.25, "ar") == "١٬٧٨٠٫٢"
    assert number_format(None, "fa") == ""
