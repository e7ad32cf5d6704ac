"""Which country a point on the map lies in.

``point_in_country(code, latitude, longitude)`` answers whether a WGS 84 point
lies inside the country with ISO 3166-1 alpha-2 ``code``;
``country_of_point(latitude, longitude)`` names the country a point lies in.

The borders are Natural Earth's (public domain), shipped with the project in
``data/boundaries.json`` as one GeoJSON-like MultiPolygon per country
(``[[[[longitude, latitude], ...], hole, ...], polygon, ...]``). Iran and Iraq
come from the 1:10 million map, simplified by at most ~50 m; the rest from the
1:50 million map, simplified by at most ~900 m. ``scripts/boundaries_build.py``
rebuilds the file and says how. Natural Earth draws France's overseas
regions (GF, GP, MQ, RE, YT) as part of France, and has no polygon for a few
small territories (BQ, BV, CC, CX, SJ, TK, VA): those codes are unknown here.

A point up to ``TOLERANCE_METRES`` (2 km) outside a country's border still
counts as inside it: border posts such as Mehran (Iran side) and Zurbatiyah
(Iraq side) sit on the line itself, and the stored borders are simplified. So
near a land border a point can count for both neighbours; ``country_of_point``
then prefers the country that strictly contains it.

The file is read once per process, on first use, and each country's edges are
indexed, on its first use, into horizontal bands (``_BAND_DEGREES`` high): a
call checks the country's bounding box, then only the edges of one or two
bands, and costs microseconds.
"""

import functools
import itertools
import json
import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "boundaries.json"

TOLERANCE_METRES = 2_000

_METRES_PER_DEGREE_LATITUDE = 110_574.0
_METRES_PER_DEGREE_LONGITUDE = 111_320.0  # at the equator
_BAND_DEGREES = 0.05  # ~5.5 km

Coordinate = Decimal | float | int | str
Edge = tuple[float, float, float, float]  # x1, y1, x2, y2 (longitude, latitude)


@dataclass(frozen=True, slots=True)
class _Country:
    """One country's rings, indexed by latitude band."""

    west: float
    south: float
    east: float
    north: float
    bands: tuple[tuple[Edge, ...], ...]

    def _band(self, latitude: float) -> int:
        return int((latitude - self.south) // _BAND_DEGREES)

    def near_box(self, latitude: float, longitude: float) -> bool:
        return _near_box((self.west, self.south, self.east, self.north), latitude, longitude)

    def contains(self, latitude: float, longitude: float) -> bool:
        """Even-odd ray cast eastwards: holes and multi-polygons alike."""
        index = self._band(latitude)
        if not 0 <= index < len(self.bands):
            return False
        inside = False
        for x1, y1, x2, y2 in self.bands[index]:
            if (y1 > latitude) != (y2 > latitude) and (
                longitude < x1 + (latitude - y1) * (x2 - x1) / (y2 - y1)
            ):
                inside = not inside
        return inside

    def distance(self, latitude: float, longitude: float) -> float:
        """Metres to the nearest border edge, or infinity beyond the tolerance."""
        margin_y, margin_x = _margins(latitude)
        first = max(self._band(latitude - margin_y), 0)
        last = min(self._band(latitude + margin_y), len(self.bands) - 1)
        scale_x = _METRES_PER_DEGREE_LONGITUDE * math.cos(math.radians(latitude))
        nearest = math.inf
        for index in range(first, last + 1):
            for x1, y1, x2, y2 in self.bands[index]:
                if (
                    min(x1, x2) - margin_x > longitude
                    or max(x1, x2) + margin_x < longitude
                    or min(y1, y2) - margin_y > latitude
                    or max(y1, y2) + margin_y < latitude
                ):
                    continue
                nearest = min(
                    nearest, _segment_metres(latitude, longitude, scale_x, x1, y1, x2, y2)
                )
        return nearest if nearest <= TOLERANCE_METRES else math.inf


def point_in_country(code: str, latitude: Coordinate, longitude: Coordinate) -> bool:
    """Whether the point lies in the country ``code``, or within 2 km of it.

    ``latitude`` and ``longitude`` are WGS 84 degrees (Decimal, float, int or
    a numeric string); a value that is not a number, or out of range, raises
    ValueError. For a code the data has no polygon for (an unknown code, or a
    territory too small for the map) the answer is True: nothing shows the
    point is outside.
    """
    latitude, longitude = _coordinates(latitude, longitude)
    country = _country(str(code).strip().upper())
    if country is None:
        return True
    if not country.near_box(latitude, longitude):
        return False
    return country.contains(latitude, longitude) or (
        country.distance(latitude, longitude) <= TOLERANCE_METRES
    )


def country_of_point(latitude: Coordinate, longitude: Coordinate) -> str | None:
    """The ISO 3166-1 alpha-2 code of the country the point lies in.

    A country that strictly contains the point wins; otherwise the nearest
    one within 2 km of it; otherwise None (at sea, or in a place the data has
    no polygon for). Arguments as for ``point_in_country``.
    """
    latitude, longitude = _coordinates(latitude, longitude)
    nearest, nearest_metres = None, math.inf
    for code, box in _boxes().items():
        if not _near_box(box, latitude, longitude):
            continue
        country = _indexed(code)
        if country.contains(latitude, longitude):
            return code
        metres = country.distance(latitude, longitude)
        if metres < nearest_metres:
            nearest, nearest_metres = code, metres
    return nearest


def _coordinates(latitude: Coordinate, longitude: Coordinate) -> tuple[float, float]:
    latitude, longitude = float(latitude), float(longitude)
    if not -90 <= latitude <= 90:  # also rejects NaN
        raise ValueError(f"latitude out of range: {latitude!r}")
    if not -180 <= longitude <= 180:
        raise ValueError(f"longitude out of range: {longitude!r}")
    return latitude, longitude


def _near_box(box: tuple[float, float, float, float], latitude: float, longitude: float) -> bool:
    """Whether the point lies in the box (west, south, east, north) or near it."""
    west, south, east, north = box
    margin_y, margin_x = _margins(latitude)
    return south - margin_y <= latitude <= north + margin_y and (
        west - margin_x <= longitude <= east + margin_x
    )


def _margins(latitude: float) -> tuple[float, float]:
    """The tolerance in degrees of latitude and of longitude at ``latitude``."""
    cosine = max(math.cos(math.radians(latitude)), 0.01)
    return (
        TOLERANCE_METRES / _METRES_PER_DEGREE_LATITUDE,
        TOLERANCE_METRES / (_METRES_PER_DEGREE_LONGITUDE * cosine),
    )


def _segment_metres(
    latitude: float,
    longitude: float,
    scale_x: float,
    x1: float,
    y1: float,
    x2: float,
    y2: float,
) -> float:
    """Metres from the point to the edge, on a plane tangent at the point."""
    ax, ay = (x1 - longitude) * scale_x, (y1 - latitude) * _METRES_PER_DEGREE_LATITUDE
    bx, by = (x2 - longitude) * scale_x, (y2 - latitude) * _METRES_PER_DEGREE_LATITUDE
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length))
    return math.hypot(ax + t * dx, ay + t * dy)


@functools.cache
def _polygons() -> dict[str, list]:
    with DATA_FILE.open(encoding="utf-8") as file:
        return json.load(file)


@functools.cache
def _boxes() -> dict[str, tuple[float, float, float, float]]:
    """Each country's bounding box (west, south, east, north)."""
    boxes = {}
    for code, polygons in _polygons().items():
        xs = [x for polygon in polygons for ring in polygon for x, _ in ring]
        ys = [y for polygon in polygons for ring in polygon for _, y in ring]
        boxes[code] = (min(xs), min(ys), max(xs), max(ys))
    return boxes


def _country(code: str) -> _Country | None:
    if code not in _polygons():
        return None
    return _indexed(code)


@functools.cache
def _indexed(code: str) -> _Country:
    edges: list[Edge] = []
    for polygon in _polygons()[code]:
        for ring in polygon:
            edges.extend((x1, y1, x2, y2) for (x1, y1), (x2, y2) in itertools.pairwise(ring))
    west, south, east, north = _boxes()[code]
    bands: list[list[Edge]] = [[] for _ in range(int((north - south) // _BAND_DEGREES) + 1)]
    for edge in edges:
        low, high = sorted((edge[1], edge[3]))
        first = int((low - south) // _BAND_DEGREES)
        last = int((high - south) // _BAND_DEGREES)
        for index in range(first, last + 1):
            bands[index].append(edge)
    return _Country(west, south, east, north, tuple(tuple(band) for band in bands))
