from django.apps import AppConfig


class ApplicantsConfig(AppConfig):
    name = "applicants"

    def ready(self):
        from postings.search import register_held_credentials

        from .models import held_credentials_valid_today

        register_held_credentials(held_credentials_valid_today)
