"""Country borders: which country a point lies in."""

import itertools
import json
import math
import random
from decimal import Decimal

import pytest

from hamafza.core import boundaries
from hamafza.core.boundaries import (
    DATA_FILE,
    TOLERANCE_METRES,
    country_of_point,
    point_in_country,
)
from hamafza.core.places import DATA_DIR

QOM = (34.6400, 50.8764)
TEHRAN = (35.6892, 51.3889)
MASHHAD = (36.2970, 59.6062)
KARBALA = (32.6160, 44.0249)
NAJAF = (31.9960, 44.3148)
BAGHDAD = (33.3152, 44.3661)
KUFA = (32.0340, 44.4030)
KADHIMIYA = (33.3797, 44.3381)
KUWAIT_CITY = (29.3759, 47.9774)
PERSIAN_GULF = (27.0000, 51.5000)
# The Mehran–Zurbatiyah crossing: the posts of both sides stand on the line.
MEHRAN_CROSSING = (33.1200, 46.0700)
MEHRAN_POST = (33.1150, 46.0700)  # Iran side, a few hundred metres from the line
ZURBATIYAH = (33.1333, 46.0500)  # Iraq side
MEHRAN_TOWN = (33.1222, 46.1646)


@pytest.mark.parametrize("point", [QOM, TEHRAN, MASHHAD], ids=["Qom", "Tehran", "Mashhad"])
def test_iranian_cities_are_in_iran_only(point):
    # given a city in Iran, when asked, then it is in Iran and not in Iraq
    assert point_in_country("IR", *point)
    assert not point_in_country("IQ", *point)


@pytest.mark.parametrize(
    "point",
    [KARBALA, NAJAF, BAGHDAD, KUFA, KADHIMIYA],
    ids=["Karbala", "Najaf", "Baghdad", "Kufa", "Kadhimiya"],
)
def test_iraqi_cities_are_in_iraq_only(point):
    # given a city in Iraq, when asked, then it is in Iraq and not in Iran
    assert point_in_country("IQ", *point)
    assert not point_in_country("IR", *point)


def test_the_mehran_crossing_counts_for_both_sides():
    # given the crossing on the line and the posts on either side of it,
    # when asked, then each post counts for its own country
    assert point_in_country("IR", *MEHRAN_CROSSING)
    assert point_in_country("IQ", *MEHRAN_CROSSING)
    assert point_in_country("IR", *MEHRAN_POST)
    assert point_in_country("IQ", *ZURBATIYAH)
    # ...and the country that strictly contains a post is its country
    assert country_of_point(*MEHRAN_POST) == "IR"
    assert country_of_point(*ZURBATIYAH) == "IQ"


def test_tolerance_reaches_about_two_kilometres_and_no_further():
    # given points north of the line at Mehran (it runs east–west at 33.117° N
    # there), when asked about Iran, then 1 km into Iraq counts, 5 km does not
    assert TOLERANCE_METRES == 2_000
    assert point_in_country("IR", 33.1260, 46.0700)
    assert not point_in_country("IR", 33.1620, 46.0700)
    assert not point_in_country("IQ", *MEHRAN_TOWN)  # ~3.5 km into Iran


def test_the_persian_gulf_is_in_neither():
    # given a point at sea, when asked, then it is in no country
    assert not point_in_country("IR", *PERSIAN_GULF)
    assert not point_in_country("IQ", *PERSIAN_GULF)
    assert country_of_point(*PERSIAN_GULF) is None


def test_kuwait_is_not_iraq():
    assert not point_in_country("IQ", *KUWAIT_CITY)
    assert country_of_point(*KUWAIT_CITY) == "KW"


def test_decimal_string_and_lowercase_inputs():
    # given the coordinates as Decimal or str and the code in lower case,
    # when asked, then the answer is the same as for floats
    latitude, longitude = Decimal("32.616000"), Decimal("44.024900")
    assert point_in_country("IQ", latitude, longitude)
    assert not point_in_country("IR", latitude, longitude)
    assert point_in_country(" iq ", "32.6160", "44.0249")
    assert country_of_point(Decimal("35.6892"), Decimal("51.3889")) == "IR"


@pytest.mark.parametrize("bad", [("x", "51"), ("91", "51"), ("35", "-181"), ("nan", "51")])
def test_bad_coordinates_raise_value_error(bad):
    with pytest.raises(ValueError):
        point_in_country("IR", *bad)
    with pytest.raises(ValueError):
        country_of_point(*bad)


@pytest.mark.parametrize(
    ("point", "code"),
    [
        (TEHRAN, "IR"),
        (KARBALA, "IQ"),
        ((24.4672, 39.6111), "SA"),  # Medina
        ((33.5138, 36.2765), "SY"),  # Damascus
        ((41.0082, 28.9784), "TR"),  # Istanbul
        ((33.6844, 73.0479), "PK"),  # Islamabad
        ((51.5072, -0.1276), "GB"),  # London
        ((-33.8688, 151.2093), "AU"),  # Sydney
        ((0.0, -30.0), None),  # the Atlantic
    ],
)
def test_country_of_point(point, code):
    assert country_of_point(*point) == code


def test_unknown_code_cannot_say_outside():
    # given codes the data has no polygon for, when asked, then True
    assert point_in_country("ZZ", *TEHRAN)
    assert point_in_country("", *PERSIAN_GULF)
    assert point_in_country("BV", *KARBALA)  # Bouvet Island: not on the map


def test_the_data_file_covers_the_countries():
    # given the shipped file, then it has polygons for most countries, every
    # code is a known country, and every ring is closed
    polygons = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    known = {row["code"] for row in json.loads((DATA_DIR / "countries.json").read_text())}
    assert len(polygons) >= 150
    assert set(polygons) <= known
    assert {"IR", "IQ", "KW", "SA", "SY", "TR", "AF", "PK", "AZ"} <= set(polygons)
    for parts in polygons.values():
        assert parts
        for rings in parts:
            for ring in rings:
                assert len(ring) >= 4 and ring[0] == ring[-1]
    assert DATA_FILE.stat().st_size < 1_500_000


def test_every_shipped_city_lies_in_its_country():
    cities = json.loads((DATA_DIR / "cities.json").read_text(encoding="utf-8"))
    outside = [
        city["name"]
        for city in cities
        if not point_in_country(city["country"], city["latitude"], city["longitude"])
    ]
    assert outside == []


def brute_force_in_country(code, latitude, longitude):
    """Even-odd over every ring, then every edge's distance: no shortcut."""
    rings = [ring for rings in boundaries._polygons()[code] for ring in rings]
    inside = False
    for ring in rings:
        for (x1, y1), (x2, y2) in itertools.pairwise(ring):
            if (y1 > latitude) != (y2 > latitude):
                crossing = x1 + (latitude - y1) * (x2 - x1) / (y2 - y1)
                if longitude < crossing:
                    inside = not inside
    if inside:
        return True
    metres_x = 111_320.0 * math.cos(math.radians(latitude))
    metres_y = 110_574.0
    for ring in rings:
        for (x1, y1), (x2, y2) in itertools.pairwise(ring):
            ax, ay = (x1 - longitude) * metres_x, (y1 - latitude) * metres_y
            bx, by = (x2 - longitude) * metres_x, (y2 - latitude) * metres_y
            length = (bx - ax) ** 2 + (by - ay) ** 2
            t = 0.0 if length == 0 else -(ax * (bx - ax) + ay * (by - ay)) / length
            t = min(max(t, 0.0), 1.0)
            if math.hypot(ax + t * (bx - ax), ay + t * (by - ay)) <= TOLERANCE_METRES:
                return True
    return False


def test_index_agrees_with_brute_force_across_iran():
    # given random points in Iran's bounding box, and points scattered close
    # to its border, when classified with and without the index, then alike
    rng = random.Random(20240806)
    rings = [ring for rings in boundaries._polygons()["IR"] for ring in rings]
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    points = [(rng.uniform(min(ys), max(ys)), rng.uniform(min(xs), max(xs))) for _ in range(400)]
    vertices = [point for ring in rings for point in ring]
    for x, y in rng.sample(vertices, 400):
        points.append((y + rng.uniform(-0.04, 0.04), x + rng.uniform(-0.04, 0.04)))
    verdicts = [point_in_country("IR", lat, lon) for lat, lon in points]
    assert verdicts == [brute_force_in_country("IR", lat, lon) for lat, lon in points]
    assert 0 < sum(verdicts) < len(points)
