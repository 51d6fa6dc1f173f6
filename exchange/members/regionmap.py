"""The region map: an SVG drawn on the server from each region's coordinates (no tiles, no requests).

An equirectangular projection of the contiguous United States, squeezed by cos(38°) so that
distances look right at the country's middle latitude. Good enough to see where the network is.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

WEST, EAST, SOUTH, NORTH = -125.0, -66.0, 24.0, 50.0
WIDTH = 960
SQUEEZE = math.cos(math.radians(38))
SCALE = WIDTH / ((EAST - WEST) * SQUEEZE)
HEIGHT = round((NORTH - SOUTH) * SCALE)

# A coarse outline of the contiguous United States (longitude, latitude): a backdrop, not a survey.
OUTLINE = [
    (-124.7, 48.4), (-123.0, 49.0), (-95.2, 49.0), (-89.6, 48.0), (-84.8, 46.6), (-82.5, 45.3), (-82.4, 43.0),
    (-79.0, 43.3), (-76.5, 44.2), (-74.7, 45.0), (-71.5, 45.0), (-69.2, 47.4), (-67.8, 47.1), (-67.0, 44.8),
    (-70.0, 43.7), (-70.7, 42.7), (-70.0, 41.7), (-71.9, 41.3), (-74.0, 40.5), (-74.9, 38.9), (-75.9, 37.1),
    (-75.5, 35.2), (-77.9, 33.9), (-79.9, 32.6), (-81.4, 30.7), (-80.0, 26.8), (-80.4, 25.2), (-81.8, 26.1),
    (-82.7, 27.9), (-84.3, 30.0), (-86.5, 30.4), (-89.6, 30.2), (-89.4, 29.0), (-90.5, 29.1), (-93.8, 29.7),
    (-97.2, 27.8), (-97.4, 25.9), (-99.5, 27.5), (-101.4, 29.8), (-103.1, 29.0), (-104.7, 30.0), (-106.5, 31.8),
    (-108.2, 31.3), (-111.1, 31.3), (-114.8, 32.5), (-117.1, 32.5), (-118.5, 34.0), (-120.6, 34.6),
    (-122.5, 37.2), (-123.8, 39.4), (-124.2, 41.9), (-124.1, 43.7), (-124.0, 46.2),
]


def project(longitude: float, latitude: float) -> tuple[float, float]:
    return round((longitude - WEST) * SQUEEZE * SCALE, 1), round((NORTH - latitude) * SCALE, 1)


@dataclass
class Marker:
    slug: str
    name: str
    members: int
    x: float
    y: float
    r: float
    label_left: bool


@dataclass
class RegionMap:
    width: int
    height: int
    outline: str
    markers: list[Marker]
    off_map: list[str]       # regions without coordinates, or outside the drawn area


def region_map(regions: list[tuple[str, str, float | None, float | None, int]]) -> RegionMap:
    """``regions``: (slug, name, latitude, longitude, members) per metro region."""
    markers, off_map = [], []
    for slug, name, latitude, longitude, members in regions:
        if latitude is None or longitude is None or not (WEST <= longitude <= EAST and SOUTH <= latitude <= NORTH):
            off_map.append(name)
            continue
        x, y = project(longitude, latitude)
        markers.append(Marker(slug, name, members, x, y, round(4 + 2.2 * math.sqrt(members), 1), x > WIDTH - 160))
    markers.sort(key=lambda m: -m.r)  # small markers drawn last, on top of big neighbours
    outline = "M" + " L".join(f"{x},{y}" for x, y in (project(lon, lat) for lon, lat in OUTLINE)) + " Z"
    return RegionMap(WIDTH, HEIGHT, outline, markers, off_map)
