"""The reference for bench/feeds.py: the least a Flask app under gunicorn can do to serve a feed,
the same bytes from memory (BARE_PLAIN, BARE_GZIP: files), with an ETag and 304s."""

import hashlib
import os

from flask import Flask, Response, request

app = Flask(__name__)
PLAIN, GZIP = (open(os.environ[name], "rb").read() for name in ("BARE_PLAIN", "BARE_GZIP"))
TAGS = {False: hashlib.md5(PLAIN).hexdigest(), True: hashlib.md5(GZIP).hexdigest()}


@app.get("/feeds/all.ics")
def feed():
    gzipped = request.accept_encodings["gzip"] > 0
    response = Response(GZIP if gzipped else PLAIN, content_type="text/calendar; charset=utf-8")
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    response.set_etag(TAGS[gzipped])
    return response.make_conditional(request)
