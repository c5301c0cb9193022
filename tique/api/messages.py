"""A ticket's thread (public replies and, for staff, internal notes), its files, and
uploads: a file is sent first (`POST /uploads`, multipart) and its token then given in
a new ticket's file field or a message's `attachments`."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile

from tique.accounts.models import User
from tique.api.auth import caller
from tique.api.errors import ApiError, ErrorOut
from tique.api.pagination import keyset_page
from tique.api.schemas import UserRef, user_ref
from tique.api.tickets import StatusName, get_ticket, membership_for
from tique.core.downloads import attachment_response
from tique.tickets import pending_uploads, selectors, services
from tique.tickets.attachments import validate_upload
from tique.tickets.choices import Channel
from tique.tickets.choices import Status as TicketStatus
from tique.tickets.models import Attachment, Message

router = Router(tags=["messages and files"])


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    sha256: str
    field: str = Field(description="The typed field it was given in, if any.")
    message: int | None
    created_at: dt.datetime
    url: str


class MessageOut(Schema):
    id: int
    author: UserRef | None
    body: str
    internal: bool
    channel: str
    created_at: dt.datetime
    attachments: list[AttachmentOut]


class MessagePage(Schema):
    items: list[MessageOut]
    next_cursor: str | None


class MessageIn(Schema):
    body: str = Field("", max_length=50_000)
    internal: bool = Field(False, description="An internal note (staff only).")
    attachments: list[str] = Field(
        default_factory=list, max_length=20, description="Upload tokens."
    )
    status: StatusName | None = Field(
        None, description="Then move the ticket to this status (as allowed)."
    )


class MessageFilters(Schema):
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=2000)


class UploadOut(Schema):
    token: str = Field(description="Give it in a file field or a message's attachments.")
    name: str
    size: int
    expires_at: dt.datetime


def attachment_out(attachment: Attachment, number: int) -> AttachmentOut:
    return AttachmentOut(
        id=attachment.pk,
        name=attachment.original_name,
        size=attachment.size,
        content_type=attachment.content_type,
        sha256=attachment.sha256,
        field=attachment.field_name,
        message=attachment.message_id,
        created_at=attachment.created_at,
        url=f"/api/v1/tickets/{number}/attachments/{attachment.pk}",
    )


def message_out(message: Message, number: int) -> MessageOut:
    return MessageOut(
        id=message.pk,
        author=user_ref(message.author),
        body=message.body,
        internal=message.is_internal,
        channel=message.channel,
        created_at=message.created_at,
        attachments=[attachment_out(a, number) for a in message.attachments.all()],
    )


@router.get("/tickets/{number}/messages", response={200: MessagePage, 404: ErrorOut})
def message_list(request: HttpRequest, number: int, filters: Query[MessageFilters]) -> MessagePage:
    """The thread, oldest first; internal notes only for staff."""
    user = caller(request)
    ticket = get_ticket(user, number)
    messages = selectors.thread_messages(ticket=ticket, include_internal=user.is_staff)
    page = keyset_page(
        messages,
        [F("created_at").asc(), F("id").asc()],
        cursor=filters.cursor,
        limit=filters.limit,
        scope=f"messages:{user.pk}:{ticket.pk}",
    )
    return MessagePage(
        items=[message_out(m, number) for m in page.items], next_cursor=page.next_cursor
    )


def _uploads(user: User, tokens: list[str]) -> list[pending_uploads.KeptFile]:
    kept = pending_uploads.restore(user_id=user.pk, tokens=tokens)
    if len(kept) != len(set(tokens)):
        raise ApiError(
            422,
            "validation_error",
            _("Unknown or expired upload token."),
            {"attachments": [_("Unknown or expired upload token.")]},
        )
    return kept


@router.post(
    "/tickets/{number}/messages",
    response={201: MessageOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def message_create(request: HttpRequest, number: int, payload: MessageIn) -> Status[MessageOut]:
    """A public reply (a customer's reopens a solved ticket) or, for staff, an internal
    note; optionally followed by a status change."""
    user = caller(request)
    ticket = get_ticket(user, number)
    kept = _uploads(user, payload.attachments)
    membership = membership_for(user, ticket)
    message = services.message_add(
        ticket=ticket,
        author=user,
        membership=membership,
        body=payload.body,
        uploads=[pending_uploads.open_kept(item) for item in kept],
        internal=payload.internal,
        channel=Channel.API,
    )
    pending_uploads.discard(kept)
    if payload.status is not None:
        ticket.refresh_from_db()
        if payload.status != ticket.status:
            services.ticket_set_status(
                ticket=ticket,
                actor=user,
                membership=membership,
                status=TicketStatus(payload.status),
            )
    message = selectors.thread_messages(ticket=ticket, include_internal=True).get(pk=message.pk)
    return Status(201, message_out(message, number))


@router.get("/tickets/{number}/attachments", response={200: list[AttachmentOut], 404: ErrorOut})
def attachment_list(request: HttpRequest, number: int) -> list[AttachmentOut]:
    """Every file of the ticket the caller may see (files of internal notes: staff only)."""
    user = caller(request)
    ticket = get_ticket(user, number)
    files = Attachment.objects.filter(ticket=ticket).order_by("created_at", "id")
    if not user.is_staff:
        files = files.exclude(message__is_internal=True)
    return [attachment_out(a, number) for a in files]


@router.get(
    "/tickets/{number}/attachments/{attachment_id}",
    response={200: None, 404: ErrorOut},
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as an attachment, with its own content type "
                "(the attachment's `content_type`).",
                "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def attachment_download(request: HttpRequest, number: int, attachment_id: int) -> FileResponse:
    user = caller(request)
    attachment = selectors.attachment_get_visible(
        user=user, number=number, attachment_id=attachment_id
    )
    return attachment_response(request, attachment)


@router.post("/uploads", response={201: UploadOut, 413: ErrorOut, 422: ErrorOut})
def upload_create(request: HttpRequest, file: File[UploadedFile]) -> Status[UploadOut]:
    """Send one file (multipart/form-data, part `file`); its token is good for a day, for
    this user only."""
    user = caller(request)
    try:
        validate_upload(file)
    except ValidationError as error:
        raise ApiError(
            422, "validation_error", " ".join(error.messages), {"file": error.messages}
        ) from None
    kept = pending_uploads.keep(user_id=user.pk, field="", upload=file)
    return Status(
        201,
        UploadOut(
            token=kept.token,
            name=kept.name,
            size=kept.size,
            expires_at=timezone.now() + pending_uploads.MAX_AGE,
        ),
    )
