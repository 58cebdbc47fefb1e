"""Each host serves feeds from files in FEED_DIR, which its feed worker copies from the database
(worker.py): a request only opens a file. Public feeds without a query are kept plain and gzipped
under public/, at their URL's path (public/feeds/all.ics), so that nginx can serve them too
(config/nginx/scheduler.conf); the others (private feeds, filtered ones) gzipped only, under private/.

A file's modification time is its feed's Last-Modified, on every host: the ETag, made from it and
the size as nginx makes its own, is then the same whoever serves the file. Every file is written
whole and then renamed into place, so a reader sees one version or the next, never a mix.
"""

import gzip
import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, unquote

from flask import current_app


def feed_dir() -> Path:
    return Path(current_app.config["FEED_DIR"])


def has_plain_copy(key: str) -> bool:
    """Public feeds without a query: kept uncompressed too, at their path, where nginx may serve them."""
    return not key.startswith("subscriptions/") and "?" not in key


def path_of(root, key: str) -> str:
    """Where the gzipped copy of a feed lies (the plain one, if any, is the same without .gz)."""
    if has_plain_copy(key):
        return os.path.join(root, "public", "feeds", f"{key}.gz")
    return os.path.join(root, "private", f"{quote(key, safe='')}.gz")


def etag(stat: os.stat_result) -> str:
    """As nginx makes it: the modification time and the size, in hexadecimal."""
    return f'"{int(stat.st_mtime):x}-{stat.st_size:x}"'


def is_current(root: Path, key: str, last_modified: datetime) -> bool:
    try:
        return int(os.stat(path_of(root, key)).st_mtime) == int(last_modified.timestamp())
    except FileNotFoundError:
        return False


def write(root: Path, key: str, gzipped: bytes, last_modified: datetime) -> None:
    target = Path(path_of(root, key))
    target.parent.mkdir(parents=True, exist_ok=True)
    moment = last_modified.timestamp()
    if has_plain_copy(key):  # first, so that the gzipped copy, which says the feed is current, comes last
        _write(target.with_suffix(""), gzip.decompress(gzipped), moment)
    _write(target, gzipped, moment)


def _write(target: Path, data: bytes, moment: float) -> None:
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".", delete=False) as temporary:
        temporary.write(data)
    os.chmod(temporary.name, 0o644)  # readable by nginx, which runs as a user of its own
    os.utime(temporary.name, (moment, moment))
    os.replace(temporary.name, target)


def keys_on_disk(root: Path) -> set[str]:
    """The key of every feed this host has a copy of."""
    public = {str(path.relative_to(root / "public" / "feeds"))[:-3] for path in (root / "public").rglob("*.gz")}
    private = {unquote(path.name[:-3]) for path in (root / "private").glob("*.gz")}
    return public | private


def remove(root: Path, key: str) -> None:
    target = Path(path_of(root, key))
    target.unlink(missing_ok=True)
    target.with_suffix("").unlink(missing_ok=True)


def clear(root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)
