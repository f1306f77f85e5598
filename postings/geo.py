"""Places and distances: parsing what a seeker types in "near", and great-circle maths."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

import pycountry

EARTH_RADIUS_KM = 6371.0088
KM_PER_MILE = 1.609344
US_ZIP = re.compile(r"^(\d{5})(?:-\d{4})?$")
# A Canadian postal code ("M5V 2T6") or its forward sortation area alone ("M5V"): the FSA is what we locate.
# Letters D, F, I, O, Q and U are never used; W and Z never start one.
CANADIAN_POSTAL_CODE = re.compile(
    r"^([ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z])(?:\s*\d[ABCEGHJ-NPRSTV-Z]\d)?$", re.IGNORECASE
)
# geonames numbers Canadian provinces; ISO 3166-2 names them.
CANADA_ADMIN1 = {
    "01": "CA-AB", "02": "CA-BC", "03": "CA-MB", "04": "CA-NB", "05": "CA-NL", "07": "CA-NS", "08": "CA-ON",
    "09": "CA-PE", "10": "CA-QC", "11": "CA-SK", "12": "CA-YT", "13": "CA-NT", "14": "CA-NU",
}  # fmt: skip


def normalise(text: str) -> str:
    """Lower case without accents or punctuation runs: "Montréal" and "montreal" meet."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


@cache
def region_codes() -> dict[str, str]:
    """Every way a US state or Canadian province may be written, mapped to its ISO 3166-2 code."""
    codes: dict[str, str] = {}
    for country in ("US", "CA"):
        for subdivision in pycountry.subdivisions.get(country_code=country):
            code = subdivision.code
            codes[normalise(code)] = code  # "us tx"
            codes[normalise(code.split("-", 1)[1])] = code  # "tx"
            codes[normalise(subdivision.name)] = code  # "texas"
    codes["pei"] = "CA-PE"
    codes["quebec"] = "CA-QC"
    return codes


@lru_cache(maxsize=512)
def _region_name(code: str) -> str:
    subdivision = pycountry.subdivisions.get(code=code)
    return subdivision.name if subdivision else code


def region_name(code: str) -> str:
    """ "US-TX" -> "Texas", "CA-ON" -> "Ontario"; an unknown code is shown as it is."""
    if not code:
        return ""
    return _region_name(str(code).upper())


@dataclass(frozen=True)
class PlaceQuery:
    """What a seeker typed, understood: a US ZIP code or a Canadian FSA ("M5V"), or a city with an optional
    region."""

    postal_code: str = ""
    city: str = ""
    region: str = ""


def parse_place(text: str) -> PlaceQuery | None:
    text = text.strip()
    if not text or len(text) > 100:
        return None
    if match := US_ZIP.match(text):
        return PlaceQuery(postal_code=match.group(1))
    if match := CANADIAN_POSTAL_CODE.match(text):
        return PlaceQuery(postal_code=match.group(1).upper())
    city, _, region = text.partition(",")
    region_code = ""
    if region.strip():
        region_code = region_codes().get(normalise(region))
        if region_code is None:
            return None
    if not normalise(city):
        return None
    return PlaceQuery(city=normalise(city), region=region_code)


def to_km(distance: float, unit: str) -> float:
    return distance * KM_PER_MILE if unit == "mi" else distance


def from_km(distance_km: float, unit: str) -> float:
    return distance_km / KM_PER_MILE if unit == "mi" else distance_km


def bounding_box(latitude: float, longitude: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) enclosing the circle: a cheap, indexable first cut."""
    delta_lat = math.degrees(radius_km / EARTH_RADIUS_KM)
    cos_lat = math.cos(math.radians(latitude))
    # Near the poles a circle spans every longitude.
    delta_lon = 180.0 if cos_lat < 1e-6 else min(180.0, math.degrees(radius_km / (EARTH_RADIUS_KM * cos_lat)))
    return latitude - delta_lat, latitude + delta_lat, longitude - delta_lon, longitude + delta_lon


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance, the same formula the database evaluates."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
