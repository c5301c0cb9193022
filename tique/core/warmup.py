"""Work a web process does once, before it serves: gunicorn's master calls it after
loading the app and before forking its workers, which then start with it done (see
gunicorn.conf.py)."""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.template.exceptions import TemplateDoesNotExist, TemplateSyntaxError

TEMPLATE_SUFFIXES = (".html", ".txt")


def compile_templates() -> int:
    """Compile every template of the project into the cached loader: a worker would
    otherwise compile each on first use, and a new worker's first pages (every
    `max_requests`) would be the slowest of all. Returns how many were compiled."""
    base = Path(settings.BASE_DIR).resolve()
    installed = Path(sys.prefix).resolve()  # a virtualenv may live inside the project
    compiled = 0
    for engine in engines.all():
        for directory in engine.template_dirs:  # the project's and each app's
            root = Path(directory).resolve()
            if not root.is_relative_to(base) or root.is_relative_to(installed):
                continue  # Django's own and third parties' are compiled when used
            for path in sorted(root.rglob("*")):
                if path.suffix not in TEMPLATE_SUFFIXES or not path.is_file():
                    continue
                try:
                    engine.get_template(path.relative_to(root).as_posix())
                except (TemplateDoesNotExist, TemplateSyntaxError):
                    continue  # a file the engine would not load is not ours to judge here
                compiled += 1
    return compiled
