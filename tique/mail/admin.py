from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tique.mail.choices import InboundState
from tique.mail.delivery import send_again
from tique.mail.inbound import process
from tique.mail.models import InboundEmail, OutboundEmail

RAW_PREVIEW = 20_000


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin[OutboundEmail]):
    """The outbox, to look into (read-only): what was sent, what waits, what failed."""

    list_display = ["created_at", "kind", "to_address", "ticket", "state", "attempts", "sent_at"]
    list_filter = ["state", "kind", "language"]
    search_fields = ["to_address", "message_id", "subject", "ticket__number"]
    list_select_related = ["ticket"]
    date_hierarchy = "created_at"
    actions = ["send_again_action"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_send_again_permission(self, request: HttpRequest) -> bool:
        # The outbox is read-only in the admin; sending again is the one change allowed,
        # to whoever may change outbound e-mails.
        return request.user.has_perm("mail.change_outboundemail")

    @admin.action(
        description=_("Send the selected failed e-mails again"), permissions=["send_again"]
    )
    def send_again_action(self, request: HttpRequest, queryset: QuerySet[OutboundEmail]) -> None:
        count = send_again(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail will be sent again.",
                "%(count)d e-mails will be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin[InboundEmail]):
    """Every e-mail received, raw. Supervisors look into the quarantine here, send a
    message through again once its cause is fixed, or discard it."""

    list_display = ["received_at", "from_address", "subject", "state", "outcome", "ticket"]
    list_filter = ["state", "outcome", "source"]
    search_fields = ["from_address", "subject", "message_id", "ticket__number"]
    list_select_related = ["ticket"]
    date_hierarchy = "received_at"
    exclude = ["raw"]
    readonly_fields = [
        "message_id",
        "source",
        "from_address",
        "subject",
        "state",
        "outcome",
        "reason",
        "ticket",
        "attempts",
        "size",
        "sha256",
        "received_at",
        "processed_at",
        "raw_preview",
    ]
    actions = ["retry_action", "discard_action"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("message as received"))
    def raw_preview(self, obj: InboundEmail) -> str:
        text = bytes(obj.raw[:RAW_PREVIEW]).decode("utf-8", errors="replace")
        return text + ("\n…" if obj.size > RAW_PREVIEW else "")

    @admin.action(description=_("Process the selected quarantined e-mails again"))
    def retry_action(self, request: HttpRequest, queryset: QuerySet[InboundEmail]) -> None:
        outcomes = [
            process.retry(pk)
            for pk in queryset.filter(state=InboundState.QUARANTINED).values_list("pk", flat=True)
        ]
        done = sum(1 for email in outcomes if email.state == InboundState.PROCESSED)
        messages.info(
            request,
            _("%(done)d of %(count)d processed; the rest are still in quarantine.")
            % {"done": done, "count": len(outcomes)},
        )

    @admin.action(description=_("Discard the selected quarantined e-mails"))
    def discard_action(self, request: HttpRequest, queryset: QuerySet[InboundEmail]) -> None:
        for pk in queryset.filter(state=InboundState.QUARANTINED).values_list("pk", flat=True):
            process.discard(pk)
