"""The "Moderators" group: exactly what working the moderation queue and the reports queue needs."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Moderators"
PERMISSIONS = [
    # The queue, and the posting pages it links to (read-only: moderators decide, employers write).
    ("postings", "view_pendingposting"),
    ("postings", "view_posting"),
    ("postings", "moderate_posting"),
    ("postings", "view_postingevent"),
    ("postings", "view_credentialrequirement"),
    ("postings", "view_credentialtype"),
    # Reports: read them, close or dismiss them.
    ("postings", "view_report"),
    ("postings", "change_report"),
    # Employers: verify them and decide whom to trust.
    ("employers", "view_employer"),
    ("employers", "change_employer"),
    ("employers", "view_employermember"),
]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations ran; this group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    permissions = [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in PERMISSIONS
    ]
    group.permissions.set(permissions)


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("employers", "0002_invitations_locations"),
        ("postings", "0006_moderation_reports_reminders"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
