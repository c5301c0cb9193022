"""The master compiles every project template before forking (gunicorn's when_ready)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.template import Engine

from tique.core.warmup import compile_templates


def test_every_project_template_is_compiled_once():
    ours = [
        path
        for path in (Path(settings.BASE_DIR) / "templates").rglob("*")
        if path.suffix in {".html", ".txt"}
    ]
    assert compile_templates() == len(ours) > 50
    loader: Any = Engine.get_default().template_loaders[0]
    assert any("portal/tickets/_results.html" in str(key) for key in loader.get_template_cache)
