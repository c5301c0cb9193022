from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tique.api"
    label = "api"
    verbose_name = "API"
