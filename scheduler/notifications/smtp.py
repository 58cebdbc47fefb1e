"""Flask-Mailman's SMTP backend, with STARTTLS that checks the server's certificate and name: smtplib's
own STARTTLS (which Flask-Mailman calls without a context) accepts any certificate. Checked against the
system's certificate authorities, or those of MAIL_CA_FILE (a private CA)."""

import smtplib
import ssl

from flask import current_app
from flask_mailman.backends import smtp


def verifying_context() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=current_app.config.get("MAIL_CA_FILE") or None)


class _VerifyingSMTP(smtplib.SMTP):
    def starttls(self, *args, context=None, **kwargs):
        return super().starttls(*args, context=context or verifying_context(), **kwargs)


class EmailBackend(smtp.EmailBackend):
    @property
    def connection_class(self):
        return smtplib.SMTP_SSL if self.use_ssl else _VerifyingSMTP

    @property
    def ssl_context(self):
        return verifying_context()
