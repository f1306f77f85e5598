"""Seed the credential types technicians hold (DOMAIN.md). Moderators edit or add more in the admin."""

from django.db import migrations

CREDENTIAL_TYPES = [
    # code, name, issuer, kind, country, jurisdictional, description
    (
        "ptcb-cpht",
        "PTCB CPhT",
        "Pharmacy Technician Certification Board",
        "certification",
        "US",
        False,
        "Certified Pharmacy Technician, the national certification most US employers ask for.",
    ),
    (
        "ptcb-cspt",
        "PTCB CSPT",
        "Pharmacy Technician Certification Board",
        "certification",
        "US",
        False,
        "Certified Compounded Sterile Preparation Technician (IV room, USP 797).",
    ),
    (
        "ptcb-cpht-adv",
        "PTCB CPhT-Adv",
        "Pharmacy Technician Certification Board",
        "certification",
        "US",
        False,
        "Advanced Certified Pharmacy Technician.",
    ),
    (
        "nha-excpt",
        "NHA ExCPT",
        "National Healthcareer Association",
        "certification",
        "US",
        False,
        "Exam for the Certification of Pharmacy Technicians (also titled CPhT).",
    ),
    (
        "state-registration",
        "State technician registration",
        "State board of pharmacy",
        "registration",
        "US",
        True,
        "Registration with a state board of pharmacy.",
    ),
    (
        "state-license",
        "State technician licence",
        "State board of pharmacy",
        "license",
        "US",
        True,
        "Licence issued by a state board of pharmacy.",
    ),
    (
        "state-certification",
        "State technician certification",
        "State board of pharmacy",
        "certification",
        "US",
        True,
        "Certification issued by a state board of pharmacy.",
    ),
    (
        "state-trainee",
        "State trainee permit",
        "State board of pharmacy",
        "trainee",
        "US",
        True,
        "Trainee or technician-in-training permit, issued by some states.",
    ),
    (
        "pebc-qualifying",
        "PEBC Qualifying Exam",
        "Pharmacy Examining Board of Canada",
        "certification",
        "CA",
        False,
        "The national qualifying exam for pharmacy technicians in Canada.",
    ),
    (
        "ca-rpht",
        "Regulated Pharmacy Technician",
        "Provincial pharmacy regulator",
        "registration",
        "CA",
        True,
        "Registration as a Regulated Pharmacy Technician with a provincial regulator (all provinces but Quebec).",
    ),
    (
        "gphc-registration",
        "GPhC registration",
        "General Pharmaceutical Council",
        "registration",
        "GB",
        False,
        "Registration as a pharmacy technician in Great Britain.",
    ),
]


def add_credential_types(apps, schema_editor):
    CredentialType = apps.get_model("postings", "CredentialType")
    for code, name, issuer, kind, country, jurisdictional, description in CREDENTIAL_TYPES:
        CredentialType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "issuer": issuer,
                "kind": kind,
                "country": country,
                "jurisdictional": jurisdictional,
                "description": description,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("postings", "0001_initial")]

    operations = [migrations.RunPython(add_credential_types, migrations.RunPython.noop)]
