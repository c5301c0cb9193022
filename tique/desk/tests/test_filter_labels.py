"""The desk's filters speak the agent's language, "All" included."""

from __future__ import annotations

from django.urls import reverse

from conftest import signed_in
from tique.accounts.models import User


def test_every_any_choice_is_translated(agent):
    User.objects.filter(pk=agent.pk).update(language="es")
    form = signed_in(agent).get(reverse("desk:queue")).context["form"]
    empty = {
        name: dict(form.fields[name].choices)[""]
        for name in ("category", "status", "priority", "team")
    }
    assert empty == {"category": "Todas", "status": "Todos", "priority": "Todas", "team": "Todos"}
