"""Charts drawn on the server: inline SVG shapes inside a small HTML figure.

The same functions serve the pages and the quarterly guide's PDF, so a chart
needs no JavaScript, no external file and no font of its own (text inherits
the page's font).

Why the words are HTML and only the shapes are SVG: WeasyPrint lays SVG
``<text>`` out one letter at a time, which breaks Persian and Arabic shaping
and order in the PDF. So each chart is a ``<figure>`` holding a ``<table>``:
labels and numbers are table cells (shaped by the page's text engine, and
readable as text by screen readers, search and pdftotext), and each bar or
column is a small ``<svg role="img">`` with a ``<title>`` that states the
label and the value.

Direction: a chart is drawn in the reading direction of the page, or of
``rtl`` when given. On a right-to-left page bars grow from the right, labels
stand on the right, and the time axis of a column chart runs right to left
(the first point, the oldest, is on the right), as a Persian or Arabic
reader reads a row of months.

Values are counts: negative values are drawn as zero. A chart whose values
are all zero, or that has no rows, says that there is nothing to show.
The output is well-formed XML, so tests can parse it with ``xml.etree``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _

from hamafza.core.text import digits_localize

SVG_NS = "http://www.w3.org/2000/svg"

# Fills for one series or several; readable on white and in grey print.
PALETTE = ("#1f6f9f", "#2e9e6a", "#e07b24", "#7a4fb5", "#c8386f", "#6c757d", "#b59b1f")

BAR_HEIGHT_PX = 16
COLUMN_HEIGHT_PX = 140

# Thousands and decimal separators where the language writes its own digits.
_SEPARATORS = {"fa": ("\u066c", "\u066b"), "ar": ("\u066c", "\u066b")}

ValueFormat = Callable[[float], str]


def number_format(value: float | int | None, language: str | None = None) -> str:
    """A count as text in the language's digits, with thousands grouped.

    Whole numbers show no decimals; others show one. ``None`` shows as an
    empty string.
    """
    if value is None:
        return ""
    language = (language or get_language() or "").split("-")[0]
    value = float(value)
    text = f"{int(value):,}" if value.is_integer() else f"{value:,.1f}"
    thousands, decimal = _SEPARATORS.get(language, (",", "."))
    text = text.replace(",", "\x00").replace(".", decimal).replace("\x00", thousands)
    return digits_localize(text, language)


def bar_chart(
    rows: Sequence[tuple[str, float]],
    *,
    title: str,
    rtl: bool | None = None,
    value_format: ValueFormat | None = None,
) -> SafeString:
    """Horizontal bars, one per row, each with its label and its value beside it."""
    rtl = _rtl(rtl)
    shown = _formatter(value_format)
    values = [_count(value) for _label, value in rows]
    if not any(values):
        return _empty(title, rtl)
    top = max(values)
    body = format_html_join(
        "",
        '<tr class="hz-chart-row">'
        '<th scope="row" class="hz-chart-label" style="{}">{}</th>'
        '<td class="hz-chart-cell" style="{}">{}</td>'
        '<td class="hz-chart-value" style="{}">{}</td>'
        "</tr>",
        (
            (
                _LABEL_STYLE,
                label,
                "width: 60%; padding: 0.15em 0;",
                _bar_svg(
                    [(value / top * 100, PALETTE[0])],
                    title=_pair(label, shown(raw)),
                    value=value,
                    rtl=rtl,
                ),
                _VALUE_STYLE,
                shown(raw),
            )
            for (label, raw), value in zip(rows, values, strict=True)
        ),
    )
    return _figure("bar", title, rtl, format_html("<tbody>{}</tbody>", body))


def column_chart(
    points: Sequence[tuple[str, float]],
    *,
    title: str,
    rtl: bool | None = None,
    value_format: ValueFormat | None = None,
) -> SafeString:
    """Values over time (months, years): one column per point, oldest first.

    The value stands above each column and the label below it; the time axis
    runs in the reading direction (right to left on RTL pages).
    """
    rtl = _rtl(rtl)
    shown = _formatter(value_format)
    values = [_count(value) for _label, value in points]
    if not any(values):
        return _empty(title, rtl)
    top = max(values)
    width = f"width: {100 / len(points):.4f}%;"
    value_row = format_html_join(
        "",
        '<td class="hz-chart-value" style="{}">{}</td>',
        ((width + _COLUMN_TEXT_STYLE, shown(raw)) for _label, raw in points),
    )
    column_row = format_html_join(
        "",
        '<td class="hz-chart-cell" style="{}">{}</td>',
        (
            (
                width + "vertical-align: bottom; padding: 0 2px;",
                _column_svg(value / top * 100, title=_pair(label, shown(raw)), value=value),
            )
            for (label, raw), value in zip(points, values, strict=True)
        ),
    )
    label_row = format_html_join(
        "",
        '<th scope="col" class="hz-chart-label" style="{}">{}</th>',
        ((width + _COLUMN_TEXT_STYLE + " font-weight: normal;", label) for label, _raw in points),
    )
    table = format_html(
        '<tbody><tr class="hz-chart-values">{}</tr>'
        '<tr class="hz-chart-columns">{}</tr>'
        '<tr class="hz-chart-labels">{}</tr></tbody>',
        value_row,
        column_row,
        label_row,
    )
    return _figure("column", title, rtl, table, fixed=True)


def stacked_bar_chart(
    rows: Sequence[tuple[str, dict[str, float]]],
    *,
    series: Sequence[tuple[str, str]],
    title: str,
    rtl: bool | None = None,
    value_format: ValueFormat | None = None,
) -> SafeString:
    """Horizontal bars split into parts, one colour per series.

    ``series`` is ``[(key, label)]`` in drawing order; each row gives a value
    per key (a missing key counts as zero). The parts should not overlap
    (e.g. "active" and "inactive", not "registered" and "active"). The
    column headers are the legend, and each part's number has its own cell.
    """
    rtl = _rtl(rtl)
    shown = _formatter(value_format)
    colours = {key: PALETTE[index % len(PALETTE)] for index, (key, _label) in enumerate(series)}
    table_rows = [
        (label, [(key, part_label, _count(parts.get(key, 0))) for key, part_label in series])
        for label, parts in rows
    ]
    totals = [sum(value for _key, _label, value in parts) for _label, parts in table_rows]
    if not any(totals):
        return _empty(title, rtl)
    top = max(totals)
    # A fixed layout takes the columns' widths from this first row: the bar keeps 40% of
    # the width however many parts there are, and long legends wrap.
    part_style = (
        f"width: {36 / max(len(series), 1):.2f}%; text-align: start; font-weight: normal;"
        " padding: 0.15em 0.5em; vertical-align: bottom; font-size: 0.85em;"
    )
    head = format_html(
        '<thead><tr><td style="width: 24%;"></td><td style="width: 40%;"></td>{}</tr></thead>',
        format_html_join(
            "",
            '<th scope="col" class="hz-chart-legend" style="{}">{}{}</th>',
            ((part_style, _swatch(colours[key]), part_label) for key, part_label in series),
        ),
    )
    body = format_html_join(
        "",
        '<tr class="hz-chart-row"><th scope="row" class="hz-chart-label" style="{}">{}</th>'
        '<td class="hz-chart-cell" style="{}">{}</td>{}</tr>',
        (
            (
                _LABEL_STYLE,
                label,
                "padding: 0.15em 0;",
                _bar_svg(
                    [(value / top * 100, colours[key]) for key, _part, value in parts],
                    title=_pair(
                        label,
                        _("; ").join(
                            _pair(part_label, shown(value)) for _key, part_label, value in parts
                        ),
                    ),
                    value=total,
                    rtl=rtl,
                ),
                format_html_join(
                    "",
                    '<td class="hz-chart-value" data-series="{}" style="{}">{}</td>',
                    ((key, _VALUE_STYLE, shown(value)) for key, _part, value in parts),
                ),
            )
            for (label, parts), total in zip(table_rows, totals, strict=True)
        ),
    )
    return _figure("stacked", title, rtl, head + format_html("<tbody>{}</tbody>", body), fixed=True)


# --------------------------------------------------------------------------
# Pieces
# --------------------------------------------------------------------------

_LABEL_STYLE = "text-align: start; font-weight: normal; padding: 0.15em 0.5em; width: 30%;"
_VALUE_STYLE = "text-align: start; padding: 0.15em 0.5em; white-space: nowrap;"
_COLUMN_TEXT_STYLE = " text-align: center; padding: 0.1em 1px; font-size: 0.85em;"


def _rtl(rtl: bool | None) -> bool:
    return get_language_bidi() if rtl is None else bool(rtl)


def _formatter(value_format: ValueFormat | None) -> ValueFormat:
    if value_format is not None:
        return value_format
    language = get_language()
    return lambda value: number_format(value, language)


def _count(value) -> float:
    """A drawable length: numbers below zero, NaN and infinities count as zero."""
    try:
        value = float(value or 0)
    except (TypeError, ValueError):
        return 0.0
    if math.isnan(value) or math.isinf(value) or value < 0:
        return 0.0
    return value


def _pair(label, value) -> str:
    return _("%(label)s: %(value)s") % {"label": label, "value": value}


def _length(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") or "0"


def _bar_svg(parts: list[tuple[float, str]], *, title: str, value: float, rtl: bool) -> str:
    """One bar (of one or more parts) in a 100 × 10 box, growing from the start side."""
    rects = []
    offset = 0.0
    for length, colour in parts:
        if length <= 0:
            continue
        x = 100 - offset - length if rtl else offset
        rects.append(
            format_html(
                '<rect x="{}" y="1" width="{}" height="8" fill="{}"/>',
                _length(max(x, 0)),
                _length(length),
                colour,
            )
        )
        offset += length
    return format_html(
        '<svg xmlns="{}" role="img" class="hz-chart-bar" viewBox="0 0 100 10" '
        'preserveAspectRatio="none" width="100%" height="{}" data-value="{}" '
        'style="display: block; width: 100%; height: {}px;"><title>{}</title>{}</svg>',
        SVG_NS,
        BAR_HEIGHT_PX,
        _length(value),
        BAR_HEIGHT_PX,
        title,
        mark_safe("".join(rects)),
    )


def _column_svg(height: float, *, title: str, value: float) -> str:
    """One column in a 10 × 100 box, standing on the bottom edge."""
    rect = ""
    if height > 0:
        rect = format_html(
            '<rect x="1" y="{}" width="8" height="{}" fill="{}"/>',
            _length(100 - height),
            _length(height),
            PALETTE[0],
        )
    return format_html(
        '<svg xmlns="{}" role="img" class="hz-chart-column" viewBox="0 0 10 100" '
        'preserveAspectRatio="none" width="100%" height="{}" data-value="{}" '
        'style="display: block; width: 100%; height: {}px;"><title>{}</title>{}</svg>',
        SVG_NS,
        COLUMN_HEIGHT_PX,
        _length(value),
        COLUMN_HEIGHT_PX,
        title,
        rect,
    )


def _swatch(colour: str) -> str:
    return format_html(
        '<svg xmlns="{}" aria-hidden="true" class="hz-chart-swatch" viewBox="0 0 10 10" '
        'width="10" height="10" style="margin: 0 0.3em;">'
        '<rect width="10" height="10" fill="{}"/></svg>',
        SVG_NS,
        colour,
    )


def _figure(kind: str, title: str, rtl: bool, table: str, *, fixed: bool = False) -> SafeString:
    layout = " table-layout: fixed;" if fixed else ""
    return format_html(
        '<figure class="hz-chart hz-chart-{}" dir="{}" style="margin: 0 0 1rem;">'
        '<figcaption class="hz-chart-title" style="font-weight: bold; margin-bottom: 0.4em;">'
        "{}</figcaption>"
        '<table class="hz-chart-table" style="width: 100%; border-collapse: collapse;{}">'
        "{}</table></figure>",
        kind,
        "rtl" if rtl else "ltr",
        title,
        layout,
        table,
    )


def _empty(title: str, rtl: bool) -> SafeString:
    nothing = _("Nothing to show.")
    return format_html(
        '<figure class="hz-chart hz-chart-empty" dir="{}" style="margin: 0 0 1rem;">'
        '<figcaption class="hz-chart-title" style="font-weight: bold; margin-bottom: 0.4em;">'
        "{}</figcaption>"
        '<svg xmlns="{}" role="img" class="hz-chart-nothing" viewBox="0 0 100 10" '
        'preserveAspectRatio="none" width="100%" height="{}" '
        'style="display: block; width: 100%; height: {}px;">'
        '<title>{}</title><rect x="0.5" y="0.5" width="99" height="9" fill="none" '
        'stroke="#adb5bd" stroke-dasharray="2 1" vector-effect="non-scaling-stroke"/></svg>'
        '<p class="hz-chart-nothing-text" style="margin: 0.3em 0;">{}</p></figure>',
        "rtl" if rtl else "ltr",
        title,
        SVG_NS,
        BAR_HEIGHT_PX,
        BAR_HEIGHT_PX,
        nothing,
        nothing,
    )


__all__ = ["bar_chart", "column_chart", "number_format", "stacked_bar_chart"]
