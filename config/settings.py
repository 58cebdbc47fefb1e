"""Settings read from the environment, with safe defaults for local use.

Every setting has one name in the environment and the same name in `app.config`.
"""

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_DIR", PROJECT_ROOT / "instance"))

# The constant an earlier release used when SECRET_KEY was not set; production refuses it.
DEVELOPMENT_SECRET_KEY = "dev-only-not-secret"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


class ConfigurationError(RuntimeError):
    """The environment does not describe a safe configuration."""


def normalise_database_url(url: str) -> str:
    """Let operators write the usual postgres:// URL and still get psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def default_database_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'scheduler.sqlite3'}"


def _nice_increment(text: str) -> int:
    if not text.strip().isdigit() or int(text) > 19:
        raise ConfigurationError(f"FEED_RENDER_NICE must be a whole number from 0 to 19, not {text!r}")
    return int(text)


def _seconds(environ, name: str, default: str) -> float:
    text = environ.get(name, default)
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 86400:
        raise ConfigurationError(f"{name} must be a number of seconds from 0 to 86400, not {text!r}")
    return value


def instance_secret_key(directory: Path) -> str:
    """A random key kept in the instance folder (`secret_key`, mode 600), made on first use: sessions
    survive restarts, and no two installations share a key (a published one lets anyone sign a
    session cookie). The first process to make it wins; the others read it."""
    path = directory / "secret_key"
    if not path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        draft = directory / f".secret_key.{os.getpid()}"
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(48))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


def development_exposure(bind: str, environ=os.environ) -> str | None:
    """A warning when development settings are served beyond this machine, else None."""
    if environ.get("SCHEDULER_ENV", "development") == "production":
        return None
    exposed = [address for address in bind.split(",") if address.rsplit(":", 1)[0] not in LOOPBACK_HOSTS]
    if not exposed:
        return None
    return (
        f"Serving development settings on {', '.join(exposed)}, beyond this machine: set SCHEDULER_ENV=production "
        "(with SECRET_KEY and PUBLIC_URL) for a service others reach (docs/DEPLOY.md)"
    )


def _mail_settings(environ) -> dict:
    """Mail (scheduler/notifications) through Flask-Mailman: SMTP when MAIL_SERVER is set, else one .eml
    file a message in MAIL_DIR (instance/mail), so that `make run` needs no mail server."""
    server = environ.get("MAIL_SERVER", "")
    return {
        "MAIL_BACKEND": "scheduler.notifications." + ("smtp" if server else "eml_folder") + ".EmailBackend",
        "MAIL_SERVER": server or "localhost",
        "MAIL_PORT": int(environ.get("MAIL_PORT", "587")),
        # STARTTLS on the submission port; MAIL_USE_SSL=1 for implicit TLS (port 465) instead.
        "MAIL_USE_TLS": environ.get("MAIL_USE_TLS", "1") == "1",
        "MAIL_USE_SSL": environ.get("MAIL_USE_SSL", "0") == "1",
        "MAIL_USERNAME": environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": environ.get("MAIL_DEFAULT_SENDER", "meetings@scheduler.invalid"),
        "MAIL_TIMEOUT": _seconds(environ, "MAIL_TIMEOUT", "30"),
        # The certificate authorities the server's certificate is checked against (default: the system's).
        "MAIL_CA_FILE": environ.get("MAIL_CA_FILE", ""),
        "MAIL_DIR": environ.get("MAIL_DIR") or str(INSTANCE_DIR / "mail"),
        # A message the server refused is tried again after 30 s, then twice as long each time up to
        # MAIL_RETRY_MAX_SECONDS, and given up (status failed) after MAIL_MAX_ATTEMPTS tries.
        "MAIL_RETRY_SECONDS": _seconds(environ, "MAIL_RETRY_SECONDS", "30"),
        "MAIL_RETRY_MAX_SECONDS": _seconds(environ, "MAIL_RETRY_MAX_SECONDS", "300"),
        "MAIL_MAX_ATTEMPTS": int(environ.get("MAIL_MAX_ATTEMPTS", "100")),
    }


def load_settings(environ=os.environ) -> dict:
    env = environ.get("SCHEDULER_ENV", "development")
    secret_key = environ.get("SECRET_KEY", "")
    if env == "production" and (not secret_key or secret_key == DEVELOPMENT_SECRET_KEY or len(secret_key) < 32):
        raise ConfigurationError(
            "SCHEDULER_ENV=production needs SECRET_KEY set to a random value of at least 32 characters "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )
    if env == "production" and not environ.get("PUBLIC_URL", "").startswith(("https://", "http://")):
        # Feeds carry their own URL; without this they would carry whatever Host a client sent.
        raise ConfigurationError("SCHEDULER_ENV=production needs PUBLIC_URL, e.g. https://meetings.example.org")
    return {
        "SCHEDULER_ENV": env,
        "SECRET_KEY": secret_key or instance_secret_key(Path(environ.get("INSTANCE_DIR", INSTANCE_DIR))),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(environ.get("DATABASE_URL") or default_database_url()),
        # Pre-ping drops connections that a PostgreSQL restart closed, instead of failing the next request.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # How many working days ahead the alternatives of a refused booking look for free times.
        "ALTERNATIVE_SEARCH_DAYS": int(environ.get("ALTERNATIVE_SEARCH_DAYS", "10")),
        # Where clients reach the service (feed URLs in the API and in feeds); else the request's host.
        "PUBLIC_URL": environ.get("PUBLIC_URL", ""),
        # The right-hand side of every event UID. Set it once for a deployment and never change it:
        # calendar clients recognise a meeting by its UID.
        "ICAL_UID_DOMAIN": environ.get("ICAL_UID_DOMAIN", "scheduler.invalid"),
        # Feeds hold meetings that ended at most this many days ago, and everything ahead.
        "FEED_PAST_DAYS": int(environ.get("FEED_PAST_DAYS", "90")),
        # The feed worker runs this much less urgent for the kernel (as `nice -n`): bookings get the CPU first.
        "FEED_RENDER_NICE": _nice_increment(environ.get("FEED_RENDER_NICE", "10")),
        # Where this host keeps the feeds it serves (files the feed worker copies; nginx may serve them).
        "FEED_DIR": environ.get("FEED_DIR") or str(INSTANCE_DIR / "feeds"),
        # How often the feed worker looks for changes to render and feeds to copy.
        "FEED_POLL_SECONDS": _seconds(environ, "FEED_POLL_SECONDS", "0.2"),
        # A private feed is rendered again at most this often (its Cache-Control allows 300 s).
        "FEED_PRIVATE_INTERVAL": _seconds(environ, "FEED_PRIVATE_INTERVAL", "300"),
        # How long the first request of a feed never rendered (a filtered one) waits for it.
        "FEED_FIRST_RENDER_WAIT": _seconds(environ, "FEED_FIRST_RENDER_WAIT", "10"),
        # Write an access line for each public feed answered from its file too (off: counted in /metrics only).
        "FEED_ACCESS_LOG": environ.get("FEED_ACCESS_LOG", "0") == "1",
        # Tests only: a feed request renders what changed first, in its own transaction.
        "FEEDS_RENDER_ON_REQUEST": False,
        # Logs on standard error: "json" (one object a line, for collectors) or "text"; JSON in production.
        "LOG_FORMAT": environ.get("LOG_FORMAT") or ("json" if env == "production" else "text"),
        "LOG_LEVEL": environ.get("LOG_LEVEL", "INFO").upper(),
        # Prometheus metrics at /metrics; with METRICS_TOKEN set, a scrape must send "Authorization: Bearer <it>".
        "METRICS_ENABLED": environ.get("METRICS_ENABLED", "1") != "0",
        "METRICS_TOKEN": environ.get("METRICS_TOKEN", ""),
        # Without a token, /metrics answers this machine only (loopback), unless this says it is open to all.
        "METRICS_OPEN": environ.get("METRICS_OPEN", "0") == "1",
        # Rate limits (Flask-Limiter). memory:// counts per worker; redis://host:6379 shares the counts.
        "RATELIMIT_ENABLED": environ.get("RATELIMIT_ENABLED", "1") != "0",
        # How many reverse proxies in front set X-Forwarded-For/-Proto/-Host (0: none is trusted).
        "TRUSTED_PROXIES": int(environ.get("TRUSTED_PROXIES", "0")),
        "RATELIMIT_STORAGE_URI": environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_KEY_PREFIX": environ.get("RATELIMIT_KEY_PREFIX", "scheduler"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_WRITES": environ.get("RATELIMIT_WRITES", "300 per minute"),
        "RATELIMIT_FEED_MISSES": environ.get("RATELIMIT_FEED_MISSES", "20 per minute"),
        "RATELIMIT_SIGN_IN": environ.get("RATELIMIT_SIGN_IN", "10 per minute"),
        # The largest request body accepted (413 beyond): a booking with 20,000-character texts is under 100 KiB.
        "MAX_CONTENT_LENGTH": int(environ.get("MAX_CONTENT_LENGTH", str(256 * 1024))),
        # The venue the Journal and the console show first, when several are loaded.
        "DEFAULT_VENUE": environ.get("DEFAULT_VENUE", "UNHQ"),
        **_mail_settings(environ),
        # Web pages: signed-in people hold a session cookie, sent only over HTTPS when the service is
        # reached over HTTPS, never readable by scripts, and not sent with cross-site form posts.
        "SESSION_COOKIE_NAME": "scheduler_session",
        "SESSION_COOKIE_SECURE": environ.get("PUBLIC_URL", "").startswith("https://"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": int(environ.get("SESSION_HOURS", "12")) * 3600,
        # Forms are checked against the session's CSRF token only on web pages (see scheduler/web).
        "WTF_CSRF_CHECK_DEFAULT": False,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    }
