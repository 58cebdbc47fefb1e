"""Processes: the intergovernmental processes that hold series of meetings."""

from slugify import slugify
from sqlalchemy import func, select

from ..errors import Conflict, FieldErrors, NotFound
from ..extensions import db
from ..meetings.calendar import follow_shown_change
from ..meetings.models import Meeting
from ..meetings.visibility import public_condition
from .models import BODY_SLUG_MAX_LENGTH, Process

SLUG_LENGTH = 80


def body_slug(name: str) -> str:
    """The URL form of a body's name (`general-assembly`), for filters and feed URLs alike."""
    return slugify(name, max_length=BODY_SLUG_MAX_LENGTH)


def list_processes(filters: dict, page: int, page_size: int) -> tuple[list[Process], int]:
    query = select(Process)
    if "body" in filters:
        query = query.where(Process.body_slug == body_slug(filters["body"]))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    items = db.session.scalars(query.order_by(Process.slug).offset((page - 1) * page_size).limit(page_size))
    return list(items), total


def get_process(slug: str) -> Process:
    process = db.session.scalar(select(Process).where(Process.slug == slug))
    if process is None:
        raise NotFound(f"No process {slug!r}")
    return process


def _apply(process: Process, data: dict) -> None:
    for field in ("title", "mandate", "facilitators", "description"):
        if field in data:
            setattr(process, field, data[field])
    if "body" in data:
        process.body, process.body_slug = data["body"], body_slug(data["body"])


def create_process(data: dict) -> Process:
    slug = data.get("slug") or slugify(data["title"], max_length=SLUG_LENGTH, word_boundary=True, save_order=True)
    if not slug:
        raise FieldErrors({"slug": "Give a slug: the title has no letters or digits to make one from"})
    if db.session.scalar(select(Process.id).where(Process.slug == slug)):
        raise Conflict(f"A process with slug {slug!r} exists; give another slug")
    process = Process(slug=slug)
    _apply(process, data)
    db.session.add(process)
    db.session.commit()
    return process


def update_process(slug: str, data: dict) -> Process:
    process = get_process(slug)
    _apply(process, data)
    follow_shown_change(process, Meeting.process_id == process.id)
    db.session.commit()
    return process


def list_bodies() -> list[dict]:
    """The bodies that processes and meetings serve, by name (the first spelling seen of each slug)."""
    names: dict[str, str] = {}
    for name, slug in db.session.execute(
        select(Process.body, Process.body_slug)
        .union(select(Meeting.body, Meeting.body_slug).where(public_condition()))
        .order_by("body_slug")
    ):
        if slug:
            names.setdefault(slug, name)
    return [{"name": name, "slug": slug} for slug, name in names.items()]
