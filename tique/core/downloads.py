"""Serving an attachment that the caller has already checked the user may see."""

from django.http import FileResponse, HttpRequest

from tique.tickets.models import Attachment


def attachment_response(request: HttpRequest, attachment: Attachment) -> FileResponse:
    """As a download, or inline for a raster image when asked (`?inline=1`); never sniffed,
    and sandboxed should a browser render it anyway."""
    inline = attachment.is_raster_image and request.GET.get("inline") == "1"
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not inline,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=0, no-store"
    return response
