"""The rating page of the solved-ticket e-mail's links: no sign-in, the signed token is
the requester's proof.

Following a link records nothing: the page shows the form with the choice preselected,
and a small script submits it once when a person has it on screen. Link scanners that
fetch every address in an e-mail without running scripts therefore rate nothing. The
POST is CSRF-protected like any other form (Django's token works for anonymous users).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tique.accounts.models import User
from tique.core.forms import add_service_errors
from tique.satisfaction import links, services
from tique.satisfaction.choices import Rating, RatingChannel
from tique.satisfaction.forms import RatingForm
from tique.satisfaction.models import SatisfactionRating
from tique.satisfaction.permissions import can_rate
from tique.satisfaction.selectors import rating_of
from tique.tickets.models import Ticket

TEMPLATE = "satisfaction/rate.html"


def _unavailable(request: HttpRequest, ticket: Ticket) -> HttpResponse:
    """The ticket was reopened (or merged) since the e-mail: there is nothing to rate."""
    context = {"ticket": ticket, "ticket_url": _ticket_path(ticket.number)}
    return render(request, "satisfaction/unavailable.html", context, status=409)


def _expired(request: HttpRequest, number: int | None) -> HttpResponse:
    ticket_path = _ticket_path(number)
    if request.user.is_authenticated:
        action_url = ticket_path
    else:
        action_url = f"{reverse('login')}?{urlencode({'next': ticket_path})}"
    context = {
        "number": number,
        "action_url": action_url,
        "days": settings.TIQUE_RATING_LINK_DAYS,
    }
    return render(request, "satisfaction/expired.html", context, status=410)


def _ticket_path(number: int | None) -> str:
    if number is None:
        return reverse("portal:ticket-list")
    return reverse("portal:ticket-detail", kwargs={"number": number})


def _page(
    request: HttpRequest,
    ticket: Ticket,
    form: RatingForm,
    rating: SatisfactionRating | None,
    *,
    status: int = 200,
    autosubmit: bool = False,
) -> HttpResponse:
    context = {"ticket": ticket, "rating": rating, "form": form, "autosubmit": autosubmit}
    return render(request, TEMPLATE, context, status=status)


def _record(request: HttpRequest, ticket: Ticket, user: User) -> HttpResponse:
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.rating_record(
                ticket=ticket,
                user=user,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
                channel=RatingChannel.EMAIL,
            )
        except PermissionDenied:
            return _unavailable(request, ticket)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # Post/redirect/get, to the page without the choice of the e-mail's link.
            return redirect(request.path)
    return _page(request, ticket, form, rating_of(ticket), status=400)


@never_cache
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, token: str) -> HttpResponse:
    try:
        ticket, user = links.read_token(token)
    except links.LinkExpired as expired:
        response = _expired(request, expired.ticket_number)
    except links.LinkInvalid:
        raise Http404("No such rating link") from None
    else:
        if not can_rate(user, ticket):
            response = _unavailable(request, ticket)
        elif request.method == "POST":
            response = _record(request, ticket, user)
        else:
            choice = request.GET.get("r", "")
            rating = rating_of(ticket)
            response = _page(
                request,
                ticket,
                RatingForm.for_rating(rating, choice=choice),
                rating,
                autosubmit=rating is None and choice in Rating.values,
            )
    # The address is a credential of sorts: keep it out of search engines.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
