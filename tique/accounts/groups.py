"""The Supervisors group: provider staff who configure Tique in the administration
(teams, agents, accounts, the catalogue, routing, canned replies, business calendars and
SLA policies). Kept in step with this list after every `migrate`."""

from typing import Any

from django.contrib.auth.models import Group, Permission

SUPERVISORS = "Supervisors"
# (app label, model) whose add/change/delete/view permissions supervisors get.
CONFIGURED_MODELS = [
    ("accounts", "user"),
    ("accounts", "account"),
    ("accounts", "membership"),
    ("accounts", "team"),
    ("tickets", "querykind"),
    ("tickets", "requesttype"),
    ("tickets", "incidentkind"),
    ("tickets", "cannedreply"),
    ("mail", "outboundemail"),
    ("mail", "inboundemail"),
    ("sla", "businesscalendar"),
    ("sla", "openinghours"),
    ("sla", "closingday"),
    ("sla", "slapolicy"),
    ("webhooks", "webhooksubscription"),
    ("webhooks", "webhookdelivery"),
]


def ensure_supervisors_group(**kwargs: Any) -> None:
    """post_migrate: create or refresh the group once every app's permissions exist."""
    wanted = Permission.objects.filter(
        content_type__app_label__in={app for app, _model in CONFIGURED_MODELS}
    )
    by_model = [
        permission
        for permission in wanted.select_related("content_type")
        if (permission.content_type.app_label, permission.content_type.model) in CONFIGURED_MODELS
    ]
    configure = Permission.objects.filter(
        content_type__app_label="accounts", codename="configure"
    ).first()
    if configure is None or len(by_model) < len(CONFIGURED_MODELS) * 4:
        return  # not every app has been migrated yet: a later post_migrate finishes it
    group, _created = Group.objects.get_or_create(name=SUPERVISORS)
    group.permissions.set([configure, *by_model])
