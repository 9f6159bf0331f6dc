"""E-mails saved as MIME messages (`.eml`): the header lines a reader sees and the body text.

A message typed or pasted as plain text ('From: ...', 'Subject: ...' lines, then the text) is
read by the text parser as it is. A saved MIME message needs decoding first: encoded header
words ('=?utf-8?q?pr=C3=B3ximos?='), quoted-printable or base64 bodies, multipart messages
with a plain and an HTML version. Python's `email` package does it; the plain version is
preferred, the HTML one read as a page when there is no other. Attachments are not read
(each is a file of its own: save it beside the message to have it processed).
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from email.message import EmailMessage

_HEADER_LINE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9-]*:")
_MIME_MARKS = ("mime-version:", "content-type:", "content-transfer-encoding:", "=?")
_SHOWN = ("From", "To", "Cc", "Date", "Subject")


@dataclass(frozen=True)
class Message:
    headers: list[str]  # 'From: ...', 'Subject: ...' as a reader sees them
    body: str
    html: bool  # the body is an HTML page


def is_mime_message(text: str) -> bool:
    """A saved message: it opens with header lines, and its header block speaks MIME."""
    head = text.lstrip("\ufeff").split("\n\n", 1)[0].replace("\r", "")
    lines = head.split("\n")
    if not lines or not _HEADER_LINE_RE.match(lines[0]):
        return False
    lowered = head.lower()
    return any(mark in lowered for mark in _MIME_MARKS) and (
        "from:" in lowered or "subject:" in lowered
    )


def read_message(data: bytes) -> Message:
    """The decoded header lines and body of a MIME message's bytes."""
    msg = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    headers = []
    for name in _SHOWN:
        value = msg.get(name)
        if value is not None and str(value).strip():
            headers.append(f"{name}: {' '.join(str(value).split())}")
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return Message(headers, "", False)
    try:
        body = part.get_content()
    except (LookupError, ValueError):  # an unknown charset or a broken transfer encoding
        payload = part.get_payload(decode=True)
        body = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if not isinstance(body, str):
        body = ""
    return Message(headers, body, part.get_content_subtype() == "html")
