"""A real SMTP server in the tests' own process (aiosmtpd), as a mail relay would be: STARTTLS with a
certificate from a test CA (trustme), and AUTH required after it. Every message it accepts is kept,
parsed by the standard `email` package, with how it arrived."""

import email
import email.policy
import socket
import ssl
from dataclasses import dataclass

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USERNAME, PASSWORD = "scheduler", "relay-password"


@dataclass
class Delivery:
    recipients: list[str]
    message: email.message.EmailMessage
    over_tls: bool
    login: str


class Mailbox:
    def __init__(self):
        self.deliveries: list[Delivery] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else ""
        self.deliveries.append(Delivery(list(envelope.rcpt_tos), message, session.ssl is not None, login))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [d.message for d in self.deliveries if address in d.recipients]


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USERNAME.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, auth_data=auth_data if ok else None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailServer:
    """Start, stop and start again on the same port (a relay that goes down and comes back)."""

    def __init__(self, ca_file: str):
        self.ca = trustme.CA()
        self.ca.cert_pem.write_to_path(ca_file)
        self.ca_file = ca_file
        self.port = free_port()
        self.mailbox = Mailbox()
        self.controller = None

    def start(self) -> None:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert("localhost", "127.0.0.1").configure_cert(tls)
        self.controller = Controller(
            self.mailbox,
            hostname="127.0.0.1",
            port=self.port,
            server_hostname="localhost",
            tls_context=tls,
            require_starttls=True,
            authenticator=_authenticate,
            auth_require_tls=True,
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
