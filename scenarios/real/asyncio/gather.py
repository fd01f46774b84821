"""An asyncio service waits for a batch of blocking lookups it hands to the
default thread pool (run_in_executor) and, meanwhile, keeps answering
heartbeats. VARIANT=bad waits for the batch by polling a flag with
`await asyncio.sleep(0)` — a pattern often suggested to "yield to the loop" —
so the event loop always has a ready callback and asks epoll for events with
a zero timeout, turn after turn: the loop thread spins on a core for the
whole wait. The good form awaits an asyncio.Event the last lookup sets.
Usage: gather.py LOOKUPS"""
import asyncio
import os
import sys
import time

BAD = os.environ.get("VARIANT") == "bad"


def lookup(key):
    time.sleep(0.02)  # a blocking client library's round trip
    return key * 2


async def heartbeat(stop):
    beats = 0
    while not stop.is_set():
        beats += 1
        await asyncio.sleep(0.05)
    return beats


async def main(count):
    loop = asyncio.get_running_loop()
    done = asyncio.Event()
    results = []

    def finished(future):
        results.append(future.result())
        if len(results) == count:
            done.set()

    for key in range(count):
        loop.run_in_executor(None, lookup, key).add_done_callback(finished)
    stop = asyncio.Event()
    beats = asyncio.create_task(heartbeat(stop))
    if BAD:
        while not done.is_set():
            await asyncio.sleep(0)
    else:
        await done.wait()
    stop.set()
    print(len(results), "lookups,", await beats, "heartbeats")


asyncio.run(main(int(sys.argv[1])))
