from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tique.mail.delivery import send_again
from tique.mail.models import OutboundEmail


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
