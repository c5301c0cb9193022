"""The agents' desk: queues, the ticket view and everything an agent does to a ticket.

Views parse input and call the ticket services and selectors; they write nothing
themselves."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tique.accounts import token_views
from tique.accounts.models import User
from tique.accounts.selectors import user_can_configure, with_configure_rights
from tique.accounts.services import user_set_preferences
from tique.core.downloads import attachment_response
from tique.core.htmx import render_page_or_fragment
from tique.core.pagination import LookaheadPaginator
from tique.desk.context import desk_view
from tique.desk.forms import (
    BroadcastForm,
    BulkForm,
    CannedReplyForm,
    DeskReplyForm,
    PreferencesForm,
    QueueFilterForm,
    TicketNumberForm,
    TicketUpdateForm,
    agents,
)
from tique.mail.models import InboundEmail
from tique.tickets import permissions, selectors, services
from tique.tickets.choices import Priority, Status
from tique.tickets.models import CannedReply, Ticket
from tique.tickets.search import SNIPPET_FIELDS


def _team_ids(agent: User) -> list[int]:
    return list(agent.teams.values_list("pk", flat=True))


# Built once per process and cloned per page (`.all()`, so no page shares another's
# results): building its two EXISTS subqueries cost nearly as much as running it.
_STAFF = with_configure_rights(agents())


def _staff() -> list[User]:
    """The agents by name, with their configure right: a desk page's assignee choices,
    which also answer its header's configuration link (`user_can_configure(among=…)`),
    one query for both."""
    return list(_STAFF.all())


# What a queue row shows (`queue_rows`, with its SLA badge): a ticket row has 40 columns,
# and its account and assignee 13 and 15 more.
QUEUE_ROW_FIELDS = (
    "number",
    "subject",
    "is_outage",
    "category",
    "query_kind",
    "request_type",
    "incident_kind",
    "team",
    "status",
    "priority",
    "last_activity_at",
    "sla_paused_at",
    "first_response_due_at",
    "first_responded_at",
    "next_response_due_at",
    "resolution_due_at",
    *SNIPPET_FIELDS,
    "account__name",
    "account__customer_code",
    "assignee__full_name",
    "assignee__email",
)


@desk_view
def queue(request: HttpRequest, agent: User) -> HttpResponse:
    staff = _staff()  # the assignee choices of both forms on the page
    form = QueueFilterForm(request.GET or None, staff=staff)
    form.is_valid()
    team_ids = _team_ids(agent)
    tickets = selectors.desk_filter(
        selectors.queue_tickets(user=agent, queue=form.chosen_queue, team_ids=team_ids),
        form.filters(),
    ).only(*QUEUE_ROW_FIELDS)
    page = LookaheadPaginator(
        tickets, settings.TIQUE_TICKETS_PER_PAGE, wanted=request.GET.get("page")
    ).page_for_request()
    context = {
        "form": form,
        "page": page,
        "queue": form.chosen_queue,
        "queues": selectors.Queue,
        "counts": selectors.queue_counts(user=agent, team_ids=team_ids),
        "cap": selectors.COUNT_CAP,
        # Its own ids: the filters above have fields of the same names on the same page.
        "bulk_form": BulkForm(tickets=Ticket.objects.none(), staff=staff, auto_id="bulk_%s"),
        "can_configure": user_can_configure(agent, among=staff),
    }
    return render_page_or_fragment(request, "desk/queue.html", "desk/_queue_results.html", context)


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@desk_view
@require_POST
def bulk(request: HttpRequest, agent: User) -> HttpResponse:
    """Assign, change the status or the priority of the ticked rows."""
    form = BulkForm(request.POST, tickets=Ticket.objects.visible_to(agent))
    back = _back(request, reverse("desk:queue"))
    if not form.is_valid():
        errors = [str(e) for errors in form.errors.values() for e in errors]
        messages.error(request, " ".join(errors) or _("Tick some tickets first."))
        return redirect(back)
    changed, refused = 0, []
    for ticket in form.cleaned_data["tickets"]:
        try:
            _apply_bulk(ticket, agent, form.cleaned_data)
        except (PermissionDenied, ValidationError):
            refused.append(f"#{ticket.number}")
        else:
            changed += 1
    if changed:
        messages.success(request, _("%(count)d tickets updated.") % {"count": changed})
    if refused:
        messages.error(
            request,
            _("Not changed (not allowed from their status): %(tickets)s")
            % {"tickets": ", ".join(refused)},
        )
    return redirect(back)


@transaction.atomic
def _apply_bulk(ticket: Ticket, agent: User, data: dict[str, Any]) -> None:
    """All of the action or none of it: a ticket reported as not changed is not."""
    if data.get("assignee"):
        assignee = None if data["assignee"] == "none" else User.objects.get(pk=data["assignee"])
        services.ticket_assign(ticket=ticket, actor=agent, assignee=assignee)
    if data.get("priority"):
        services.ticket_set_priority(
            ticket=ticket, actor=agent, priority=Priority(data["priority"])
        )
    if data.get("status") and data["status"] != ticket.status:
        services.ticket_set_status(
            ticket=ticket, actor=agent, membership=None, status=Status(data["status"])
        )


def _visible_ticket(agent: User, number: int) -> Ticket:
    return selectors.ticket_get_visible(user=agent, number=number)


def _detail_context(
    request: HttpRequest, agent: User, ticket: Ticket, reply_form: DeskReplyForm | None = None
) -> dict[str, Any]:
    team_slugs = set(agent.teams.values_list("slug", flat=True))
    canned = list(selectors.canned_replies_for(agent))
    staff = _staff()
    if reply_form is None:
        initial = {}
        chosen = request.GET.get("canned", "")
        reply = next((c for c in canned if str(c.pk) == chosen), None)
        if reply is not None:
            initial["body"] = selectors.render_canned(reply, ticket)
        reply_form = DeskReplyForm(initial=initial)
    return {
        "ticket": ticket,
        "thread": selectors.ticket_thread(ticket=ticket, include_internal=True),
        "field_rows": selectors.ticket_field_rows(
            ticket=ticket,
            reveal_sensitive=permissions.can_see_sensitive_values(agent, team_slugs),
        ),
        "events": selectors.ticket_events(ticket=ticket),
        "links": selectors.ticket_links(ticket=ticket),
        "other_open": selectors.account_open_tickets(ticket=ticket),
        "presence": selectors.presence_others(ticket=ticket, user=agent),
        "canned": canned,
        "reply_form": reply_form,
        "update_form": TicketUpdateForm(
            initial={
                "status": ticket.status,
                "priority": ticket.priority,
                "team": ticket.team_id,
                "assignee": ticket.assignee_id,
            },
            staff=staff,
        ),
        "can_configure": user_can_configure(agent, among=staff),
        "number_form": TicketNumberForm(),
        # Its own ids: the reply box above has a "body" too.
        "broadcast_form": BroadcastForm(auto_id="broadcast_%s") if ticket.is_outage else None,
        "outage_incidents": list(
            ticket.outage_incidents.select_related("account").order_by("number")
        )
        if ticket.is_outage
        else [],
        "outages": selectors.outages_open() if ticket.category == "incident" else [],
    }


@desk_view
def ticket_detail(request: HttpRequest, agent: User, number: int) -> HttpResponse:
    ticket = _visible_ticket(agent, number)
    if ticket.merged_into_id is not None:
        survivor = selectors.ticket_survivor(ticket)
        messages.info(
            request,
            _("Ticket #%(old)s was merged into #%(new)s.")
            % {"old": ticket.number, "new": survivor.number},
        )
        return redirect("desk:ticket-detail", number=survivor.number)
    services.presence_touch(ticket=ticket, user=agent, replying=False)
    return render(request, "desk/tickets/detail.html", _detail_context(request, agent, ticket))


def _detail_url(ticket: Ticket, anchor: str = "") -> str:
    url = reverse("desk:ticket-detail", kwargs={"number": ticket.number})
    return f"{url}#{anchor}" if anchor else url


def _report(request: HttpRequest, error: ValidationError | PermissionDenied) -> None:
    if isinstance(error, ValidationError):
        messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("That is not allowed for this ticket now."))


@desk_view
@require_POST
def ticket_reply(request: HttpRequest, agent: User, number: int) -> HttpResponse:
    ticket = _visible_ticket(agent, number)
    form = DeskReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.message_add(
                ticket=ticket,
                author=agent,
                membership=None,
                body=form.cleaned_data["body"],
                uploads=form.cleaned_data["attachments"],
                internal=form.cleaned_data["internal"],
            )
            status = form.cleaned_data["status_after"]
            if status and status != ticket.status:
                services.ticket_set_status(
                    ticket=ticket, actor=agent, membership=None, status=Status(status)
                )
        except (ValidationError, PermissionDenied) as error:
            _report(request, error)
        else:
            note = form.cleaned_data["internal"]
            messages.success(request, _("Internal note added.") if note else _("Reply sent."))
            return redirect(_detail_url(ticket, "latest"))
    context = _detail_context(request, agent, ticket, reply_form=form)
    return render(request, "desk/tickets/detail.html", context, status=400)


@desk_view
@require_POST
def ticket_update(request: HttpRequest, agent: User, number: int) -> HttpResponse:
    ticket = _visible_ticket(agent, number)
    form = TicketUpdateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid status, priority, team and assignee."))
        return redirect(_detail_url(ticket))
    data = form.cleaned_data
    try:
        services.ticket_assign(ticket=ticket, actor=agent, assignee=data["assignee"])
        services.ticket_set_team(ticket=ticket, actor=agent, team=data["team"])
        services.ticket_set_priority(
            ticket=ticket, actor=agent, priority=Priority(data["priority"])
        )
        if data["status"] != ticket.status:
            services.ticket_set_status(
                ticket=ticket, actor=agent, membership=None, status=Status(data["status"])
            )
    except (ValidationError, PermissionDenied) as error:
        _report(request, error)
    else:
        messages.success(request, _("Ticket updated."))
    return redirect(_detail_url(ticket))


@desk_view
@require_POST
def ticket_take(request: HttpRequest, agent: User, number: int) -> HttpResponse:
    ticket = _visible_ticket(agent, number)
    services.ticket_assign(ticket=ticket, actor=agent, assignee=agent)
    messages.success(request, _("The ticket is yours."))
    return redirect(_detail_url(ticket))


def _other_ticket(request: HttpRequest, agent: User) -> Ticket | None:
    form = TicketNumberForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a ticket ID."))
        return None
    other = Ticket.objects.visible_to(agent).filter(number=form.cleaned_data["number"]).first()
    if other is None:
        messages.error(request, _("There is no ticket with that ID."))
    return other


@desk_view
@require_POST
def ticket_merge(request: HttpRequest, agent: User, number: int) -> HttpResponse:
    ticket = _visible_ticket(agent, number)
    target = _other_ticket(request, agent)
    if target is None:
        return redirect(_detail_url(ticket))
    try:
        services.ticket_merge(source=ticket, target=target, actor=agent)
    except (ValidationError, PermissionDenied) as error:
        _report(request, error)
        return redirect(_detail_url(ticket))
    messages.success(
        request,
        _("Ticket #%(old)s was merged into this one.") % {"old": ticket.number},
    )
    return redirect(_detail_url(target))


@desk_view
@require_POST
def ticket_link(request: HttpRequest, agent: User, number: int) -> HttpResponse:
    ticket = _visible_ticket(agent, number)
    other = _other_ticket(request, agent)
    if other is not None:
        try:
            if request.POST.get("unlink"):
                services.ticket_unlink(ticket=ticket, other=other, actor=agent)
            else:
                services.ticket_link(ticket=ticket, other=other, actor=agent)
        except (ValidationError, PermissionDenied) as error:
            _report(request, error)
    return redirect(_detail_url(ticket, "links"))


@desk_view
@require_POST
def ticket_outage(request: HttpRequest, agent: User, number: int) -> HttpResponse:
    """Mark or unmark the ticket as a known outage, or attach it to (detach it from) one."""
    ticket = _visible_ticket(agent, number)
    action = request.POST.get("action", "")
    try:
        if action in {"mark", "unmark"}:
            services.ticket_set_outage(ticket=ticket, actor=agent, is_outage=action == "mark")
        elif action == "attach":
            outage = _other_ticket(request, agent)
            if outage is not None:
                services.ticket_attach_to_outage(ticket=ticket, actor=agent, outage=outage)
        elif action == "detach":
            services.ticket_attach_to_outage(ticket=ticket, actor=agent, outage=None)
    except (ValidationError, PermissionDenied) as error:
        _report(request, error)
    return redirect(_detail_url(ticket, "outage"))


@desk_view
@require_POST
def outage_broadcast(request: HttpRequest, agent: User, number: int) -> HttpResponse:
    ticket = _visible_ticket(agent, number)
    form = BroadcastForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the update to post."))
        return redirect(_detail_url(ticket, "outage"))
    try:
        count = services.outage_broadcast(
            outage=ticket,
            actor=agent,
            body=form.cleaned_data["body"],
            solve=form.cleaned_data["solve"],
        )
    except (ValidationError, PermissionDenied) as error:
        _report(request, error)
    else:
        messages.success(
            request, _("Update posted to %(count)d linked tickets.") % {"count": count}
        )
    return redirect(_detail_url(ticket, "outage"))


@desk_view
@require_POST
def presence(request: HttpRequest, agent: User, number: int) -> HttpResponse:
    """The ticket page reports it is open (and whether a reply is being written) and
    gets back who else is on the ticket."""
    ticket = _visible_ticket(agent, number)
    services.presence_touch(ticket=ticket, user=agent, replying=bool(request.POST.get("body")))
    others = selectors.presence_others(ticket=ticket, user=agent)
    return render(request, "desk/tickets/_presence.html", {"presence": others})


@desk_view
def canned_insert(request: HttpRequest, agent: User, number: int) -> HttpResponse:
    """htmx: the reply box with a canned reply added to what was already typed."""
    ticket = _visible_ticket(agent, number)
    canned: QuerySet[Any] = selectors.canned_replies_for(agent)
    chosen = request.GET.get("canned", "")
    reply = get_object_or_404(canned, pk=int(chosen) if chosen.isdigit() else 0)
    typed = request.GET.get("body", "").rstrip()
    text = selectors.render_canned(reply, ticket)
    body = f"{typed}\n\n{text}" if typed else text
    form = DeskReplyForm(initial={"body": body})
    return render(request, "desk/tickets/_reply_body.html", {"field": form["body"]})


@desk_view
def preferences(request: HttpRequest, agent: User) -> HttpResponse:
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            user_set_preferences(
                user=agent,
                is_away=form.cleaned_data["is_away"],
                muted=form.cleaned_data["muted"],
            )
            messages.success(request, _("Preferences saved."))
            return redirect("desk:preferences")
    else:
        form = PreferencesForm(
            initial={"is_away": agent.is_away, "muted": agent.muted_notifications}
        )
    return _preferences_page(request, agent, form, CannedReplyForm())


def _preferences_page(
    request: HttpRequest,
    agent: User,
    form: PreferencesForm,
    canned_form: CannedReplyForm,
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "canned_form": canned_form,
        "own_replies": CannedReply.objects.filter(owner=agent).order_by("title", "id"),
    }
    return render(request, "desk/preferences.html", context, status=status)


@desk_view
@require_POST
def canned_create(request: HttpRequest, agent: User) -> HttpResponse:
    form = CannedReplyForm(request.POST)
    if form.is_valid():
        services.canned_reply_create(
            owner=agent, title=form.cleaned_data["title"], body=form.cleaned_data["body"]
        )
        messages.success(request, _("Canned reply saved."))
        return redirect("desk:preferences")
    prefs = PreferencesForm(initial={"is_away": agent.is_away, "muted": agent.muted_notifications})
    return _preferences_page(request, agent, prefs, form, status=400)


@desk_view
@require_POST
def canned_delete(request: HttpRequest, agent: User, reply_id: int) -> HttpResponse:
    reply = get_object_or_404(CannedReply, pk=reply_id, owner=agent)
    services.canned_reply_delete(reply=reply, actor=agent)
    messages.success(request, _("Canned reply deleted."))
    return redirect("desk:preferences")


@desk_view
def attachment_download(
    request: HttpRequest, agent: User, number: int, attachment_id: int
) -> FileResponse:
    attachment = selectors.attachment_get_visible(
        user=agent, number=number, attachment_id=attachment_id
    )
    return attachment_response(request, attachment)


@desk_view
def message_original(
    request: HttpRequest, agent: User, number: int, message_id: int
) -> HttpResponse:
    """The e-mail a message came from, exactly as it was received (the thread shows it
    without its quoted history and signature)."""
    ticket = _visible_ticket(agent, number)
    message = get_object_or_404(ticket.messages.exclude(email_message_id=""), pk=message_id)
    original = get_object_or_404(InboundEmail, message_id=message.email_message_id)
    response = HttpResponse(bytes(original.raw), content_type="message/rfc822")
    response["Content-Disposition"] = (
        f'attachment; filename="ticket-{ticket.number}-{message.pk}.eml"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


TOKEN_PAGES = token_views.TokenPages(
    list_url="desk:api-tokens",
    revoke_url="desk:api-token-revoke",
    back_url="desk:preferences",
    back_label=gettext_lazy("Preferences"),
)


@desk_view
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest, agent: User) -> HttpResponse:
    """The agent's personal API tokens and the form for a new one."""
    return token_views.tokens_page(request, user=agent, pages=TOKEN_PAGES)


@desk_view
@require_http_methods(["GET", "POST"])
def api_token_revoke(request: HttpRequest, agent: User, token_id: int) -> HttpResponse:
    return token_views.revoke_page(request, user=agent, token_id=token_id, pages=TOKEN_PAGES)
