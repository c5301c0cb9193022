from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tique.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from tique.accounts.groups import ensure_supervisors_group

        post_migrate.connect(ensure_supervisors_group, dispatch_uid="tique-supervisors")

        from tique.accounts import signals  # noqa: F401 (connects its receivers)
