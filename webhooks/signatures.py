"""Standard Webhooks signatures (https://www.standardwebhooks.com/): secrets, sign, verify.

A secret is ``whsec_`` followed by the standard base64 of random key bytes. Each delivery
carries ``webhook-id``, ``webhook-timestamp`` (Unix seconds) and ``webhook-signature``:
``v1,`` and the base64 HMAC-SHA256, keyed with the decoded key bytes, of
``{id}.{timestamp}.{body}``. Receivers verify with any Standard Webhooks or Svix library.

Secrets issued before this scheme are ``whsec_`` and the *URL-safe*, unpadded base64 of 32
random bytes. They stay as issued (the receiver holds the same string, and it is never shown
again) and keep their key: those bytes. The URL-safe alphabet differs only in ``-`` and
``_``, which standard base64 never uses, so ``signing_key`` reads them as ``+`` and ``/``;
a receiver does the same before handing an old secret to a library (README, Webhooks).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time
from datetime import datetime

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
KEY_BYTES = 32  # the specification asks for 24 to 64
SIGNATURE_TOLERANCE_S = 5 * 60


class SecretError(ValueError):
    """The endpoint's secret is not a ``whsec_`` base64 key, so nothing can be signed."""


def new_secret() -> str:
    """A fresh signing secret, spelled as the specification's libraries expect."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def signing_key(secret: str) -> bytes:
    """The HMAC key: the base64-decoded part of ``secret`` after ``whsec_``.

    Padding may be left off, as the reference libraries allow; the URL-safe alphabet of
    secrets issued before the Standard Webhooks scheme reads as the same bytes.
    """
    encoded = secret.removeprefix(SECRET_PREFIX).translate(_URL_SAFE_TO_STANDARD)
    encoded += "=" * (-len(encoded) % 4)
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as error:
        raise SecretError("the secret is not whsec_ and base64") from error
    if not key:
        raise SecretError("the secret is empty")
    return key


def sign(secret: str, msg_id: str, timestamp: str, body: bytes | str) -> str:
    """``v1,<base64 HMAC-SHA256 of "{msg_id}.{timestamp}.{body}">`` keyed by ``secret``."""
    raw = body.encode() if isinstance(body, str) else body
    message = f"{msg_id}.{timestamp}.".encode() + raw
    digest = hmac.new(signing_key(secret), message, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def verify_signature(
    secret: str,
    msg_id: str,
    timestamp: str,
    body: bytes | str,
    header: str,
    *,
    tolerance_s: float = SIGNATURE_TOLERANCE_S,
    now: datetime | float | None = None,
) -> bool:
    """Check a received webhook: ``True`` when ``header`` (``webhook-signature``) carries a
    valid ``v1`` signature and the timestamp is within ``tolerance_s`` of now (an old
    message is a replay).

    ``header`` may hold several space-separated signatures (as during secret rotation);
    any valid ``v1`` one is enough, other versions are ignored.
    """
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError):
        return False
    if now is None:
        current = time.time()
    elif isinstance(now, datetime):
        current = now.timestamp()
    else:
        current = float(now)
    if abs(current - sent_at) > tolerance_s:
        return False
    try:
        expected = sign(secret, msg_id, timestamp, body)
    except SecretError:
        return False
    return any(
        part.startswith("v1,") and hmac.compare_digest(expected.encode(), part.encode())
        for part in header.split()
    )


_URL_SAFE_TO_STANDARD = str.maketrans("-_", "+/")
