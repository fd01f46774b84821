"""A thumbnail service's request loop: each request names an image, and the
rendered thumbnail (a 16 KiB bytes object) is memoized with the standard
library's functools.lru_cache. The good form bounds the cache to the few
hundred images that are hot; VARIANT=bad writes maxsize=None (unbounded), so
every image ever requested stays in memory until the process exits.
Usage: thumbnails.py REQUESTS"""
import functools
import os
import sys

MAXSIZE = None if os.environ.get("VARIANT") == "bad" else 256


@functools.lru_cache(maxsize=MAXSIZE)
def render_thumbnail(image_id):
    seed = image_id.to_bytes(4, "little")
    return seed * 4096  # 16 KiB


def serve(requests):
    sent = 0
    for r in range(requests):
        # a hot set of 200 images, and a long tail of images asked for once
        image = r % 200 if r % 3 else 1000 + r
        sent += len(render_thumbnail(image))
    return sent


print(serve(int(sys.argv[1])) // 1024, "KiB sent")
