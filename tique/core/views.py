"""Views that belong to no area of the app."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and the benchmark's baseline: the process answers. It reads no
    session and asks the database nothing, so it measures the framework, not the data."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
