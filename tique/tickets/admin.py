import json
from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tique.tickets.catalogue import parse_specs
from tique.tickets.models import (
    Attachment,
    CannedReply,
    CatalogueEntry,
    IncidentKind,
    Message,
    QueryKind,
    RequestType,
    Ticket,
    TicketEvent,
)


class CatalogueEntryForm(forms.ModelForm[CatalogueEntry]):
    def clean_fields(self) -> Any:
        value = self.cleaned_data["fields"]
        try:
            parse_specs(value)
        except (KeyError, TypeError, ValueError) as error:
            raise forms.ValidationError(
                _("Invalid field list: %(error)s"), params={"error": error}
            ) from error
        return value


class CatalogueEntryAdmin(admin.ModelAdmin[Any]):
    form = CatalogueEntryForm
    list_display = ["name_es", "name_en", "slug", "team", "position", "is_active"]
    list_filter = ["is_active", "team"]
    list_editable = ["position", "is_active"]
    search_fields = ["slug", "name_es", "name_en"]


admin.site.register(QueryKind, CatalogueEntryAdmin)


@admin.register(RequestType)
class RequestTypeAdmin(CatalogueEntryAdmin):
    list_display = [*CatalogueEntryAdmin.list_display, "admin_only"]


@admin.register(IncidentKind)
class IncidentKindAdmin(CatalogueEntryAdmin):
    list_display = [*CatalogueEntryAdmin.list_display, "service_affecting"]


class MessageInline(admin.StackedInline[Message, Ticket]):
    model = Message
    extra = 0
    readonly_fields = ["author", "channel", "email_message_id", "created_at"]


class EventInline(admin.TabularInline[TicketEvent, Ticket]):
    model = TicketEvent
    extra = 0
    readonly_fields = ["actor", "kind", "old_value", "new_value", "data", "created_at"]
    can_delete = False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin[Ticket]):
    list_display = ["number", "subject", "account", "category", "status", "priority", "created_at"]
    list_filter = ["category", "status", "priority", "channel"]
    search_fields = ["=number", "subject", "account__customer_code"]
    raw_id_fields = ["account", "requester", "created_by", "assignee"]
    readonly_fields = ["number", "fields_pretty"]
    exclude = ["fields"]
    inlines = [MessageInline, EventInline]
    list_select_related = ["account"]

    @admin.display(description=_("fields"))
    def fields_pretty(self, obj: Ticket) -> str:
        return json.dumps(obj.fields, indent=2, ensure_ascii=False)


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin[Attachment]):
    list_display = ["original_name", "ticket", "size", "content_type", "created_at"]
    raw_id_fields = ["ticket", "message", "uploaded_by"]


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin[CannedReply]):
    list_display = ["title", "team", "owner", "is_active"]
    list_filter = ["is_active", "team"]
    search_fields = ["title", "body"]
    raw_id_fields = ["owner"]
