"""Files that passed validation on a form that failed for another reason.

Browsers cannot re-fill a file input, so when a new-ticket form comes back with an
error the valid files are kept in storage and the form carries a signed token for
each; the next submission picks them up again. A token names its owner and expires,
so it can neither be forged to read another file nor be used by someone else.
Files of abandoned forms are removed by `sweep()`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core import signing
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from tique.tickets.attachments import guess_type, sanitize_filename

SALT = "tique.tickets.pending-upload"
MAX_AGE = dt.timedelta(days=1)
FOLDER = "pending"


@dataclass(frozen=True)
class KeptFile:
    token: str
    field: str
    name: str
    size: int
    path: str


def keep(*, user_id: int, field: str, upload: UploadedFile) -> KeptFile:
    name = sanitize_filename(upload.name or "")
    path = default_storage.save(f"{FOLDER}/{user_id}/{uuid.uuid4().hex}", upload)
    size = upload.size or 0
    token = signing.dumps(
        {"u": user_id, "f": field, "p": path, "n": name, "s": size}, salt=SALT, compress=True
    )
    return KeptFile(token=token, field=field, name=name, size=size, path=path)


def restore(*, user_id: int, tokens: Iterable[str]) -> list[KeptFile]:
    """The kept files these tokens name, if they are the user's, unexpired and still there."""
    kept = []
    for token in dict.fromkeys(tokens):
        try:
            data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
        except signing.BadSignature:
            continue
        if data.get("u") != user_id or not default_storage.exists(data["p"]):
            continue
        kept.append(
            KeptFile(token=token, field=data["f"], name=data["n"], size=data["s"], path=data["p"])
        )
    return kept


def open_kept(kept: KeptFile) -> UploadedFile:
    handle = default_storage.open(kept.path, "rb")
    return UploadedFile(
        file=handle, name=kept.name, content_type=guess_type(kept.name), size=kept.size
    )


def discard(kept: Sequence[KeptFile]) -> None:
    for item in kept:
        default_storage.delete(item.path)


def sweep(*, older_than: dt.timedelta = MAX_AGE) -> int:
    """Delete kept files older than their tokens can live; returns how many."""
    removed = 0
    limit = timezone.now() - older_than
    try:
        owners, _files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    for owner in owners:
        _dirs, files = default_storage.listdir(f"{FOLDER}/{owner}")
        for name in files:
            path = f"{FOLDER}/{owner}/{name}"
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
                removed += 1
    return removed
