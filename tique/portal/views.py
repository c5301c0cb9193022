"""The customers' panel: the ticket history, new tickets, and each ticket's thread.

Views parse input, ask the selectors and call the services; they write nothing
themselves."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tique.accounts import token_views
from tique.accounts.forms import ProfileForm
from tique.accounts.selectors import account_user_choices
from tique.accounts.services import user_update_profile
from tique.core.downloads import attachment_response
from tique.core.forms import add_service_errors
from tique.core.htmx import render_page_or_fragment
from tique.core.pagination import LookaheadPaginator
from tique.kb import services as kb_services
from tique.portal.context import SESSION_ACCOUNT_KEY, Customer, customer_view
from tique.portal.forms import HistoryFilterForm, ReplyForm
from tique.satisfaction import services as rating_services
from tique.satisfaction.choices import RatingChannel
from tique.satisfaction.forms import RatingForm
from tique.satisfaction.forms import panel_context as rating_panel_context
from tique.sla.messages import arrival_message
from tique.tickets import pending_uploads, permissions, selectors, services
from tique.tickets.catalogue import TypedFieldsForm, build_form_class
from tique.tickets.choices import Status
from tique.tickets.models import CatalogueEntry, Ticket
from tique.tickets.search import SNIPPET_FIELDS

# What a history row shows (`history_rows`): a ticket row has 40 columns, and reading and
# converting the rest was a tenth of the page.
HISTORY_ROW_FIELDS = (
    "number",
    "subject",
    "category",
    "status",
    "query_kind",
    "request_type",
    "incident_kind",
    "team",
    "created_at",
    "last_activity_at",
    "requester__full_name",
    "requester__email",
    *SNIPPET_FIELDS,
)


@customer_view
def ticket_list(request: HttpRequest, customer: Customer) -> HttpResponse:
    requesters = account_user_choices(customer.account) if customer.is_admin else None
    form = HistoryFilterForm(request.GET or None, requesters=requesters)
    form.is_valid()
    tickets = selectors.ticket_history(
        membership=customer.membership, filters=form.filters(), tz=customer.tz
    ).only(*HISTORY_ROW_FIELDS)
    paginator = LookaheadPaginator(
        tickets, settings.TIQUE_TICKETS_PER_PAGE, wanted=request.GET.get("page")
    )
    page = paginator.page_for_request()
    context = {
        "form": form,
        "page": page,
        "can_open": permissions.can_open_tickets(customer.membership),
    }
    return render_page_or_fragment(
        request, "portal/tickets/list.html", "portal/tickets/_results.html", context
    )


def _usable_kinds(customer: Customer, category: str) -> list[CatalogueEntry]:
    entries = selectors.catalogue_entries(category)
    return [kind for kind in entries if permissions.can_use_kind(customer.membership, kind)]


@customer_view
def ticket_new(request: HttpRequest, customer: Customer) -> HttpResponse:
    if not permissions.can_open_tickets(customer.membership):
        return render(request, "portal/tickets/cannot_open.html", status=403)
    sections = [(category, _usable_kinds(customer, category)) for category in selectors.CATALOGUE]
    return render(request, "portal/tickets/new.html", {"sections": sections})


def suggestion_sources(kind: CatalogueEntry) -> list[str]:
    """The fields whose text feeds the help-centre suggestions: subject and description."""
    return [spec.name for spec in kind.field_specs() if spec.role in ("subject", "body")]


def _kind_or_404(customer: Customer, category: str, slug: str) -> CatalogueEntry:
    kind = selectors.catalogue_entry(category, slug)
    if kind is None or not permissions.can_use_kind(customer.membership, kind):
        raise Http404("No such ticket kind")
    return kind


@customer_view
def ticket_create(
    request: HttpRequest, customer: Customer, category: str, slug: str
) -> HttpResponse:
    if not permissions.can_open_tickets(customer.membership):
        return render(request, "portal/tickets/cannot_open.html", status=403)
    kind = _kind_or_404(customer, category, slug)
    form_class = build_form_class(kind.field_specs())
    kept: list[pending_uploads.KeptFile] = []
    if request.method == "POST":
        submission = _bind_with_kept_files(request, customer, form_class)
        form = submission.form
        if form.is_valid():
            ticket = services.ticket_create(
                draft=services.TicketDraft(
                    membership=customer.membership,
                    created_by=customer.user,
                    kind=kind,
                    values=form.typed_values(),
                    subject=form.role_value("subject"),
                    body=form.role_value("body"),
                    uploads=form.uploads(),
                )
            )
            pending_uploads.discard(submission.kept)
            kb_services.suggestion_session_submitted(
                key=request.POST.get("suggest_key", ""), user=customer.user, ticket=ticket
            )
            arrival = arrival_message(ticket, get_language() or "es")
            messages.success(
                request,
                _("Ticket #%(number)s created.") % {"number": ticket.number} + " " + arrival,
            )
            return redirect("portal:ticket-detail", number=ticket.number)
        kept = _keep_valid_files(customer, submission)
    else:
        form = form_class()
    for name in suggestion_sources(kind):
        if name in form.fields:
            form.fields[name].widget.attrs["data-suggest"] = "true"
    context = {
        "suggest_key": request.POST.get("suggest_key") or uuid.uuid4().hex,
        "kind": kind,
        "category": category,
        "form": form,
        "kept": kept,
        "max_upload": settings.TIQUE_ATTACHMENT_MAX_BYTES,
    }
    status = 400 if form.is_bound else 200
    return render(request, "portal/tickets/form.html", context, status=status)


@dataclass
class _Submission:
    form: TypedFieldsForm
    kept: list[pending_uploads.KeptFile]
    restored: list[UploadedFile]


def _bind_with_kept_files(
    request: HttpRequest, customer: Customer, form_class: type[TypedFieldsForm]
) -> _Submission:
    """Bind the form to what was sent plus the files kept from the last try (those the
    customer did not discard)."""
    discarded = set(request.POST.getlist("discard"))
    wanted = [t for t in request.POST.getlist("kept") if t not in discarded]
    user_id = customer.user.pk
    kept = pending_uploads.restore(user_id=user_id, tokens=wanted)
    pending_uploads.discard(pending_uploads.restore(user_id=user_id, tokens=discarded))
    files = request.FILES.copy()
    restored = []
    for item in kept:
        upload = pending_uploads.open_kept(item)
        files.appendlist(item.field, upload)
        restored.append(upload)
    return _Submission(form_class(request.POST, files), kept, restored)


def _keep_valid_files(
    customer: Customer, submission: _Submission
) -> list[pending_uploads.KeptFile]:
    """After a failed submission: keep every new file that passed its own checks, so the
    customer does not have to pick it again."""
    new = [
        pending_uploads.keep(user_id=customer.user.pk, field=field, upload=upload)
        for field, upload in submission.form.uploads()
        if not any(upload is old for old in submission.restored)
    ]
    return [*submission.kept, *new]


def _detail_context(
    customer: Customer,
    ticket: Ticket,
    reply_form: ReplyForm,
    rating_form: RatingForm | None = None,
) -> dict[str, Any]:
    membership = customer.membership_in(ticket.account_id)
    return {
        "ticket": ticket,
        "thread": selectors.ticket_thread(ticket=ticket, include_internal=False),
        "field_rows": selectors.ticket_field_rows(ticket=ticket, reveal_sensitive=False),
        "reply_form": reply_form,
        "arrival": arrival_message(ticket, get_language() or "es")
        if ticket.first_responded_at is None and ticket.is_open
        else "",
        "can_reply": permissions.can_reply(customer.user, ticket, membership),
        "can_solve": permissions.can_set_status(customer.user, ticket, membership, Status.SOLVED),
        "can_reopen": permissions.can_set_status(customer.user, ticket, membership, Status.OPEN),
        **rating_panel_context(customer.user, ticket, rating_form),
    }


@customer_view
def ticket_detail(request: HttpRequest, customer: Customer, number: int) -> HttpResponse:
    ticket = selectors.ticket_get_visible(user=customer.user, number=number)
    if ticket.merged_into_id is not None:
        survivor = selectors.ticket_survivor(ticket)
        if Ticket.objects.visible_to(customer.user).filter(pk=survivor.pk).exists():
            messages.info(
                request,
                _("Ticket #%(old)s was merged into #%(new)s: the conversation goes on here.")
                % {"old": ticket.number, "new": survivor.number},
            )
            return redirect("portal:ticket-detail", number=survivor.number)
    context = _detail_context(customer, ticket, ReplyForm())
    return render(request, "portal/tickets/detail.html", context)


@require_POST
@customer_view
def ticket_reply(request: HttpRequest, customer: Customer, number: int) -> HttpResponse:
    ticket = selectors.ticket_get_visible(user=customer.user, number=number)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.message_add(
                ticket=ticket,
                author=customer.user,
                membership=customer.membership_in(ticket.account_id),
                body=form.cleaned_data["body"],
                uploads=form.cleaned_data["attachments"],
            )
        except ValidationError as error:
            form.add_error("body", error.message_dict.get("body", error.messages))
        except PermissionDenied:
            form.add_error("body", _("You cannot reply to this ticket."))
        else:
            messages.success(request, _("Your reply was added."))
            url = reverse("portal:ticket-detail", kwargs={"number": number})
            return redirect(f"{url}#latest")
    context = _detail_context(customer, ticket, form)
    return render(request, "portal/tickets/detail.html", context, status=400)


@require_POST
@customer_view
def ticket_status(request: HttpRequest, customer: Customer, number: int) -> HttpResponse:
    ticket = selectors.ticket_get_visible(user=customer.user, number=number)
    wanted = request.POST.get("status", "")
    if wanted not in (Status.SOLVED, Status.OPEN):
        return HttpResponse(_("Unknown status."), status=400)
    try:
        services.ticket_set_status(
            ticket=ticket,
            actor=customer.user,
            membership=customer.membership_in(ticket.account_id),
            status=Status(wanted),
        )
    except PermissionDenied:
        messages.error(request, _("The ticket's status cannot be changed that way now."))
    else:
        if wanted == Status.SOLVED:
            messages.success(request, _("The ticket is marked as solved. Thank you!"))
        else:
            messages.success(request, _("The ticket is open again."))
    return redirect("portal:ticket-detail", number=number)


@require_POST
@customer_view
def ticket_rate(request: HttpRequest, customer: Customer, number: int) -> HttpResponse:
    """The requester rates their solved ticket (or changes their rating)."""
    ticket = selectors.ticket_get_visible(user=customer.user, number=number)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            rating_services.rating_record(
                ticket=ticket,
                user=customer.user,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
                channel=RatingChannel.PANEL,
            )
        except PermissionDenied:
            messages.error(request, _("This ticket cannot be rated now."))
            return redirect("portal:ticket-detail", number=number)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you for rating this ticket."))
            url = reverse("portal:ticket-detail", kwargs={"number": number})
            return redirect(f"{url}#rating")
    context = _detail_context(customer, ticket, ReplyForm(), form)
    return render(request, "portal/tickets/detail.html", context, status=400)


@customer_view
def attachment_download(
    request: HttpRequest, customer: Customer, number: int, attachment_id: int
) -> FileResponse:
    attachment = selectors.attachment_get_visible(
        user=customer.user, number=number, attachment_id=attachment_id
    )
    return attachment_response(request, attachment)


@require_POST
@customer_view
def switch_account(request: HttpRequest, customer: Customer) -> HttpResponse:
    try:
        account_id = int(request.POST.get("account", ""))
    except ValueError:
        account_id = 0
    if customer.membership_in(account_id) is not None:
        request.session[SESSION_ACCOUNT_KEY] = account_id
    return redirect("portal:ticket-list")


@customer_view
def profile(request: HttpRequest, customer: Customer) -> HttpResponse:
    """The customer's own name, phone, language and notifications."""
    user = customer.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            user_update_profile(user=user, **form.cleaned_data)
            messages.success(request, _("Your profile was saved."))
            return redirect("portal:profile")
    else:
        form = ProfileForm(
            initial={
                "full_name": user.full_name,
                "phone": user.phone,
                "language": user.language,
                "muted": user.muted_notifications,
            }
        )
    status = 400 if form.is_bound else 200
    return render(request, "portal/profile.html", {"form": form}, status=status)


TOKEN_PAGES = token_views.TokenPages(
    list_url="portal:api-tokens",
    revoke_url="portal:api-token-revoke",
    back_url="portal:profile",
    back_label=gettext_lazy("Profile"),
)


@customer_view
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest, customer: Customer) -> HttpResponse:
    """The customer's personal API tokens and the form for a new one."""
    return token_views.tokens_page(request, user=customer.user, pages=TOKEN_PAGES)


@customer_view
@require_http_methods(["GET", "POST"])
def api_token_revoke(request: HttpRequest, customer: Customer, token_id: int) -> HttpResponse:
    return token_views.revoke_page(
        request, user=customer.user, token_id=token_id, pages=TOKEN_PAGES
    )
