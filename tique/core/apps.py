from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tique.core"
    label = "core"
    verbose_name = "Tique"
