"""A Flask-Mailman backend for machines without a mail server (`make run`): each message is written
to MAIL_DIR as one .eml file (RFC 5322, as a mail server would have received it), named after its
Message-ID. Any mail program opens it; so does Python's `email` package."""

import re
from pathlib import Path

from flask import current_app
from flask_mailman.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        folder = Path(current_app.config["MAIL_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            parsed = message.message()
            name = re.sub(r"[^A-Za-z0-9.@_-]", "", parsed["Message-ID"] or "") or "message"
            path = folder / f"{name}.eml"
            written = path.with_suffix(".tmp")
            written.write_bytes(parsed.as_bytes(linesep="\r\n"))
            written.replace(path)  # whole or not at all: a reader never sees half a message
        return len(email_messages)
