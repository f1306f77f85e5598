import pytest
from django.urls import reverse

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


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("M5V 2T6", "M5V (Downtown Toronto, ON)"),
        ("m5v2t6", "M5V (Downtown Toronto, ON)"),
        ("M5V", "M5V (Downtown Toronto, ON)"),
        ("H2X 1Y4", "H2X (Plateau Mont-Royal Southeast, QC)"),
        ("T2P 1J9", "T2P (Calgary, AB)"),
        ("90210", "90210 (Beverly Hills, CA)"),
    ],
)
def test_canadian_postal_codes_resolve_by_their_forward_sortation_area(text, label):
    assert Place.objects.resolve(text).label == label


@pytest.mark.parametrize("text", ["Z9Z 9Z9", "D1A", "M5V 2T", "M5V-2T6-X"])
def test_what_is_not_a_canadian_postal_code_is_not_taken_for_one(text):
    assert Place.objects.resolve(text) is None


def test_an_ambiguous_city_offers_its_places_instead_of_choosing_one():
    meanings = Place.objects.meanings("Springfield")

    assert Place.objects.resolve("Springfield") is None
    labels = [place.label for place in meanings]
    assert {"Springfield, MO", "Springfield, MA", "Springfield, IL", "Springfield, OR"} <= set(labels)
    assert len(labels) == len({place.region for place in meanings})  # one per state
    assert Place.objects.resolve("Springfield, IL").label == "Springfield, IL"
    # A name whose largest place dwarfs the others still means that one.
    assert [place.label for place in Place.objects.meanings("Austin")] == ["Austin, TX"]


def test_suggestions_name_their_state_or_province(client):
    html = client.get(reverse("postings:place-suggestions"), {"near": "springf"}).content.decode()

    assert '<option value="Springfield, MO">Springfield, Missouri</option>' in html
    assert '<option value="Springfield, MA">Springfield, Massachusetts</option>' in html
    assert client.get(reverse("postings:place-suggestions"), {"near": "s"}).content.decode().strip() == ""
    assert client.get(reverse("postings:place-suggestions"), {"near": "\x00" * 300}).status_code == 200


def test_an_ambiguous_near_is_a_form_error_listing_links_to_each_place(client):
    response = client.get(reverse("postings:list"), {"near": "Springfield", "setting": "hospital"})
    html = response.content.decode()

    assert response.status_code == 200
    assert "Several places have that name" in html
    assert "Which one do you mean?" in html
    assert 'href="?near=Springfield%2C+MO&amp;setting=hospital"' in html
    assert ">Springfield, Illinois</a>" in html
