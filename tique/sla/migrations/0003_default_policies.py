"""Seed one SLA policy per plan, and an around-the-clock one for urgent incidents of
each plan (what the after-hours rule gives a service-affecting incident)."""

from django.db import migrations

# plan: (first response, next response, resolution) in business minutes
PLANS = {
    "basic": (480, 480, 2400),
    "business": (240, 240, 1440),
    "premium": (60, 120, 480),
}
# plan: (first response, next response, resolution) in minutes, 24×7
URGENT = {
    "basic": (60, 120, 480),
    "business": (30, 60, 240),
    "premium": (15, 30, 120),
}
NAMES = {"basic": "Básico", "business": "Empresa", "premium": "Premium"}


def seed(apps, schema_editor):
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    for plan, (first, following, resolution) in PLANS.items():
        SlaPolicy.objects.get_or_create(
            plan=plan,
            category="",
            priority="",
            defaults={
                "name": f"Plan {NAMES[plan]}",
                "first_response_minutes": first,
                "next_response_minutes": following,
                "resolution_minutes": resolution,
                "business_hours": True,
            },
        )
    for plan, (first, following, resolution) in URGENT.items():
        SlaPolicy.objects.get_or_create(
            plan=plan,
            category="incident",
            priority="urgent",
            defaults={
                "name": f"Plan {NAMES[plan]} — incidencias urgentes 24×7",
                "first_response_minutes": first,
                "next_response_minutes": following,
                "resolution_minutes": resolution,
                "business_hours": False,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("sla", "0002_default_calendar")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
