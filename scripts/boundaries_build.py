"""Build hamafza/core/data/boundaries.json: one polygon set per country.

The borders are Natural Earth's admin-0 countries (public domain,
https://www.naturalearthdata.com/), as packaged in TopoJSON by the npm
package ``world-atlas`` 2.0.2 (ISC licence). The npm package is not a
dependency of the project; fetch it into a scratch directory and point this
script at it. Run from the project root with the development dependencies
installed:

    mkdir -p /tmp/wa && (cd /tmp/wa && npm install world-atlas@2.0.2)
    .venv/bin/python scripts/boundaries_build.py /tmp/wa/node_modules/world-atlas

Most countries come from ``countries-50m.json`` (1:50 million). Iran and Iraq
come from ``countries-10m.json`` (1:10 million): at 1:50 million their common
border strays kilometres from the true line around the Mehran crossing, where
pilgrims cross by the hundred thousand. Countries too small for the 1:50
million file (Gibraltar, Tuvalu, ...) also come from the 1:10 million one.

TopoJSON stores each border once, as an "arc" of quantised integer points,
each point but the first a delta from the one before; a polygon ring lists
the arcs it follows (``~i`` means arc ``i`` walked backwards). This script
decodes the arcs, simplifies each arc once (Douglas–Peucker, so that two
neighbours still share the same simplified border), joins them into rings
and writes, for every country in ``countries.json`` that Natural Earth has,
a GeoJSON-like MultiPolygon with coordinates rounded to 4 decimals (~11 m).
Natural Earth features without an ISO numeric code are mapped by name in
``UNNUMBERED`` (the areas ISO 3166-1 counts as part of a country) or left
out.

Nothing reads world-atlas or pycountry at run time: the application loads the
JSON file (hamafza/core/boundaries.py).
"""

import json
import math
import sys
from pathlib import Path

import pycountry

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "hamafza" / "core" / "data"
OUTPUT = DATA / "boundaries.json"
COUNTRIES = DATA / "countries.json"

FINE = {"IR", "IQ"}  # taken from the 1:10 million file
PRECISION = 4  # decimals kept (~11 m)
SIMPLIFY_DEGREES = 0.008  # Douglas–Peucker tolerance (~900 m)
FINE_SIMPLIFY_DEGREES = 0.0005  # the same for FINE countries (~50 m)

# Natural Earth features without an ISO 3166-1 numeric code that ISO counts
# as part of a country. Others (Kosovo, Siachen Glacier, ...) are left out.
UNNUMBERED = {
    "Somaliland": "SO",
    "N. Cyprus": "CY",
    "Cyprus U.N. Buffer Zone": "CY",
    "Dhekelia": "CY",
    "Akrotiri": "CY",
    "USNB Guantanamo Bay": "CU",
    "Baikonur": "KZ",
}

Point = tuple[float, float]


def decode_arcs(topology: dict) -> list[list[Point]]:
    """The topology's arcs as lists of (longitude, latitude) points."""
    (scale_x, scale_y) = topology["transform"]["scale"]
    (origin_x, origin_y) = topology["transform"]["translate"]
    arcs = []
    for quantised in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in quantised:
            x += dx
            y += dy
            points.append((x * scale_x + origin_x, y * scale_y + origin_y))
        arcs.append(points)
    return arcs


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker in degrees (longitude scaled by the cosine of latitude)."""
    if len(points) < 3 or tolerance <= 0:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        shrink = math.cos(math.radians((ay + by) / 2))
        farthest, index = -1.0, -1
        for i in range(first + 1, last):
            distance = _segment_distance(points[i], (ax, ay), (bx, by), shrink)
            if distance > farthest:
                farthest, index = distance, i
        if farthest > tolerance:
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _segment_distance(point: Point, a: Point, b: Point, shrink: float) -> float:
    px, py = (point[0] - a[0]) * shrink, point[1] - a[1]
    bx, by = (b[0] - a[0]) * shrink, b[1] - a[1]
    length = bx * bx + by * by
    t = 0.0 if length == 0 else max(0.0, min(1.0, (px * bx + py * by) / length))
    return math.hypot(px - t * bx, py - t * by)


def ring_points(arc_indexes: list[int], arcs: list[list[Point]]) -> list[list[float]]:
    """Join a ring's arcs; consecutive arcs share their end point."""
    ring: list[Point] = []
    for index in arc_indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(arc if not ring else arc[1:])
    rounded: list[list[float]] = []
    for x, y in ring:
        point = [round(x, PRECISION), round(y, PRECISION)]
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    if rounded[0] != rounded[-1]:
        rounded.append(rounded[0])
    return rounded


def polygons(geometry: dict, arcs: list[list[Point]]) -> list[list[list[list[float]]]]:
    """A Polygon or MultiPolygon geometry as MultiPolygon coordinates."""
    if geometry["type"] == "Polygon":
        parts = [geometry["arcs"]]
    elif geometry["type"] == "MultiPolygon":
        parts = geometry["arcs"]
    else:
        return []
    result = []
    for part in parts:
        rings = [ring_points(ring, arcs) for ring in part]
        rings = [ring for ring in rings if len(ring) >= 4]  # a triangle or more
        if rings:
            result.append(rings)
    return result


def country_code(geometry: dict) -> str | None:
    numeric = geometry.get("id")
    if numeric:
        country = pycountry.countries.get(numeric=numeric)
        return country.alpha_2 if country else None
    return UNNUMBERED.get(geometry.get("properties", {}).get("name", ""))


def country_polygons(path: Path, tolerance: float) -> dict[str, list]:
    topology = json.loads(path.read_text(encoding="utf-8"))
    arcs = [simplify(arc, tolerance) for arc in decode_arcs(topology)]
    result: dict[str, list] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = country_code(geometry)
        parts = polygons(geometry, arcs) if code else []
        if parts:
            result.setdefault(code, []).extend(parts)
    return result


def build(world_atlas: Path) -> dict[str, list]:
    known = {row["code"] for row in json.loads(COUNTRIES.read_text(encoding="utf-8"))}
    coarse = country_polygons(world_atlas / "countries-50m.json", SIMPLIFY_DEGREES)
    fine = country_polygons(world_atlas / "countries-10m.json", FINE_SIMPLIFY_DEGREES)
    for code in fine:
        if code in FINE or code not in coarse:
            coarse[code] = fine[code]
    return {code: coarse[code] for code in sorted(coarse) if code in known}


def dump(countries: dict[str, list]) -> str:
    lines = [
        json.dumps(code) + ": " + json.dumps(parts, separators=(",", ":"))
        for code, parts in countries.items()
    ]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    countries = build(Path(argv[1]))
    OUTPUT.write_text(dump(countries), encoding="utf-8")
    print(f"{len(countries)} countries written to {OUTPUT} ({OUTPUT.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
