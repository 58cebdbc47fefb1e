"""Gzip for feeds, compressed in groups of events that are kept and reused.

A feed rendered again after a booking holds nearly all the events of its last render, and the
big feeds hold many of the same events; compressing the whole of /feeds/all.ics took a third of
its render. Here a feed's pieces (header, time zones, events) are cut into groups at boundaries
that depend only on the pieces themselves, each group is compressed on its own (a deflate stream
flushed to a byte boundary, with no reference to what came before), and this worker keeps each
compressed group for the next feed that holds the same group. The groups joined, closed by a
final empty block and framed as gzip (RFC 1952), are one ordinary gzip stream.
"""

import struct
import threading
import zlib
from collections import OrderedDict

LEVEL = 3  # a third of level 6's time for a duty station's feed, a few percent larger
# A group ends after a piece whose length is a multiple of this (so about this many events a
# group), or once it holds GROUP_MAX_BYTES: where groups end depends only on the pieces, so an
# event added to a feed or changed changes its own group (and may join it to the next), not the others.
GROUP_EVERY = 128
GROUP_MAX_BYTES = 512 * 1024
# Compressed groups kept per worker process (their keys, about 5 KB a group, come on top): the
# all-meetings feed of a duty station is about 0.85 MB compressed, and each feed's own pieces (header,
# the groups its filter makes) add to that.
MAX_BYTES = 32 * 1024 * 1024

# ID1 ID2, deflate, no flags, no modification time, no extra flags, unknown OS (RFC 1952).
_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
_FINAL_BLOCK = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS).flush()  # an empty last block

# A group's key: each piece's hash (Python's 64-bit SipHash, kept by each bytes object once made)
# and the group's length. Not the pieces themselves: the cache would keep alive events that no
# feed holds any more. Two different groups with one key would need a 64-bit hash to collide for
# every differing piece, at the same place in a group of the same length.
_groups: OrderedDict[tuple[int, ...], bytes] = OrderedDict()
_size = 0
_lock = threading.Lock()


def gzipped(pieces: list[bytes], body: bytes) -> bytes:
    """The gzip stream of `body`, which is b"".join(pieces) (the caller has it joined already)."""
    return b"".join(
        [
            _HEADER,
            *map(_compressed, _grouped(pieces)),
            _FINAL_BLOCK,
            struct.pack("<II", zlib.crc32(body), len(body) & 0xFFFFFFFF),
        ]
    )


def _grouped(pieces: list[bytes]):
    group, group_bytes = [], 0
    for piece in pieces:
        group.append(piece)
        group_bytes += len(piece)
        if len(piece) % GROUP_EVERY == 0 or group_bytes >= GROUP_MAX_BYTES:
            yield tuple(group)
            group, group_bytes = [], 0
    if group:
        yield tuple(group)


def _compressed(group: tuple[bytes, ...]) -> bytes:
    global _size
    key = (*map(hash, group), sum(map(len, group)))
    with _lock:
        found = _groups.get(key)
        if found is not None:
            _groups.move_to_end(key)
            return found
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    data = compressor.compress(b"".join(group)) + compressor.flush(zlib.Z_SYNC_FLUSH)
    with _lock:
        if key not in _groups:
            _groups[key] = data
            _size += len(data)
            while _size > MAX_BYTES and len(_groups) > 1:
                _, evicted = _groups.popitem(last=False)  # the least recently used
                _size -= len(evicted)
    return data


def clear() -> None:
    global _size
    with _lock:
        _groups.clear()
        _size = 0
