"""Pilgrim walk routes and their numbered poles.

The Najaf–Karbala walk is marked by numbered poles about 50 m apart, 1,452
in all, counted from Najaf. Pilgrims and service points give their place
as a pole number; the route's line (a few waypoints along the road) turns a
pole into a map point and a map point into the nearest pole. Positions are
approximate — within a few hundred metres — which is what a pilgrim on foot
needs to find the next mawkib.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext

from hamafza.fieldops.models import POLE_SPACING_METRES, ROUTE_POLES, Route

EARTH_RADIUS_METRES = 6_371_000


def distance_metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_METRES * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class RouteLine:
    route: str
    poles: int
    # (latitude, longitude) from the first pole to the last.
    waypoints: tuple[tuple[float, float], ...]

    @property
    def length_metres(self) -> float:
        return (self.poles - 1) * POLE_SPACING_METRES

    @property
    def _legs(self) -> list[float]:
        return [
            distance_metres(*self.waypoints[i], *self.waypoints[i + 1])
            for i in range(len(self.waypoints) - 1)
        ]


ROUTES = {
    Route.NAJAF_KARBALA.value: RouteLine(
        route=Route.NAJAF_KARBALA.value,
        poles=ROUTE_POLES,
        waypoints=(
            (31.9960, 44.3150),  # Najaf, by the shrine of Imam Ali: pole 1
            (32.0560, 44.2890),
            (32.1900, 44.2300),
            (32.3350, 44.1650),
            (32.4700, 44.1000),
            (32.5700, 44.0560),
            (32.6120, 44.0340),  # Karbala, by the shrine of Imam Husayn: pole 1,452
        ),
    ),
}


def route_line(route: str) -> RouteLine | None:
    return ROUTES.get(route)


def pole_valid(route: str, pole: int) -> bool:
    line = route_line(route)
    return line is not None and 1 <= pole <= line.poles


def pole_error(route: str, pole: int) -> str:
    """The message for a pole the route does not have, in the active language."""
    line = route_line(route)
    return gettext("There is no pole %(pole)s on this route: its poles run from 1 to %(last)s.") % {
        "pole": pole,
        "last": line.poles if line else 0,
    }


@cache
def _pole_points(route: str) -> tuple[tuple[float, float], ...]:
    """Every pole's point: the line's length is scaled to the poles' spacing."""
    line = ROUTES[route]
    legs = line._legs
    total = sum(legs)
    points = []
    for pole in range(1, line.poles + 1):
        along = (pole - 1) / (line.poles - 1) * total
        leg = 0
        while leg < len(legs) - 1 and along > legs[leg]:
            along -= legs[leg]
            leg += 1
        share = min(along / legs[leg], 1.0) if legs[leg] else 0.0
        (lat1, lon1), (lat2, lon2) = line.waypoints[leg], line.waypoints[leg + 1]
        points.append((lat1 + (lat2 - lat1) * share, lon1 + (lon2 - lon1) * share))
    return tuple(points)


def pole_point(route: str, pole: int) -> tuple[float, float]:
    """(latitude, longitude) of ``pole``; ValueError for a pole the route does not have."""
    if not pole_valid(route, pole):
        raise ValueError(f"no pole {pole} on {route!r}")
    return _pole_points(route)[pole - 1]


def nearest_pole(route: str, latitude: float, longitude: float) -> tuple[int, float]:
    """(pole, metres away) of the route's pole nearest a point."""
    points = _pole_points(route)
    best = min(
        range(len(points)),
        key=lambda index: distance_metres(latitude, longitude, *points[index]),
    )
    return best + 1, distance_metres(latitude, longitude, *points[best])


def route_geojson(route: str, *, every: int = 100) -> dict:
    """The route as a GeoJSON FeatureCollection: its line and a marker every ``every`` poles."""
    line = ROUTES[route]
    points = _pole_points(route)
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "LineString",
                "coordinates": [[round(lon, 6), round(lat, 6)] for lat, lon in line.waypoints],
            },
            "properties": {"route": route, "poles": line.poles},
        }
    ]
    for pole in [*range(1, line.poles + 1, every), line.poles]:
        lat, lon = points[pole - 1]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
                "properties": {"route": route, "pole": pole},
            }
        )
    return {"type": "FeatureCollection", "features": features}
