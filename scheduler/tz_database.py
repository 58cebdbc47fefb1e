"""One tz database for the whole service, on every host: the tzdata package pinned in requirements.txt, never the
host's /usr/share/zoneinfo, whose age differs from host to host (rules for Casablanca or Havana differ between
releases, and a meeting would be stored an hour away from what clients with current data compute).

scheduler/__init__.py imports this first, before any zone is read. /readyz reports VERSION. To update: raise
tzdata in requirements.txt and deploy.
"""

import zoneinfo

import tzdata

zoneinfo.reset_tzpath(to=())  # no search path: zoneinfo falls back to the tzdata package
VERSION = tzdata.IANA_VERSION
