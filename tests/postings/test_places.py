import pytest

from postings.geo import bounding_box, great_circle_km, parse_place
from postings.models import Place

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("78701", "78701 (Austin, TX)"),
        ("78701-1234", "78701 (Austin, TX)"),
        ("Austin, TX", "Austin, TX"),
        ("austin, texas", "Austin, TX"),
        ("Austin, US-TX", "Austin, TX"),
        ("Austin", "Austin, TX"),  # the most populous Austin
        ("Austin, MN", "Austin, MN"),
        ("Toronto, ON", "Toronto, ON"),
        ("Montréal, Quebec", "Montréal, QC"),
        ("montreal", "Montréal, QC"),
    ],
)
def test_resolve_understands_zip_codes_and_city_region(text, label):
    assert Place.objects.resolve(text).label == label


@pytest.mark.parametrize(
    "text", ["", "   ", "00000", "Xyzzyville", "Austin, Narnia", ",", "x" * 500, "\x00", "Austin, ON"]
)
def test_resolve_returns_none_for_places_it_does_not_know(text):
    assert Place.objects.resolve(text) is None


def test_parse_place_rejects_unknown_regions_instead_of_ignoring_them():
    assert parse_place("Springfield, Narnia") is None
    assert parse_place("Springfield, IL").region == "US-IL"


def test_bounding_box_contains_the_circle():
    austin = (30.2672, -97.7431)
    min_lat, max_lat, min_lon, max_lon = bounding_box(*austin, 50)
    for lat, lon in [(min_lat, austin[1]), (max_lat, austin[1]), (austin[0], min_lon), (austin[0], max_lon)]:
        assert great_circle_km(*austin, lat, lon) == pytest.approx(50, rel=0.01)


def test_great_circle_distance_austin_to_san_antonio():
    assert great_circle_km(30.2672, -97.7431, 29.4241, -98.4936) == pytest.approx(118.6, abs=1.5)
