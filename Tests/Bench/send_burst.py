#!/usr/bin/env python3
"""Send-code burst: N distinct phones, C concurrent keep-alive connections, all to loopback.
Prints sends/s and latency percentiles. Usage: send_burst.py PORT [N=1000] [C=32]"""
import http.client
import json
import sys
import threading
import time

port = int(sys.argv[1])
total = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
concurrency = int(sys.argv[3]) if len(sys.argv) > 3 else 32
phones = ["+1312%07d" % (1_000_000 + i) for i in range(total)]
latencies, statuses, lock, cursor = [], {}, threading.Lock(), iter(phones)


def worker():
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while True:
        with lock:
            phone = next(cursor, None)
        if phone is None:
            break
        body = json.dumps({"phone": phone})
        start = time.perf_counter()
        conn.request("POST", "/auth/send-code", body, {"Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        elapsed = time.perf_counter() - start
        with lock:
            latencies.append(elapsed)
            statuses[response.status] = statuses.get(response.status, 0) + 1
    conn.close()


started = time.perf_counter()
threads = [threading.Thread(target=worker) for _ in range(concurrency)]
for t in threads:
    t.start()
for t in threads:
    t.join()
wall = time.perf_counter() - started
latencies.sort()


def pct(p):
    return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000


print(f"send-code burst: {total} distinct phones, concurrency {concurrency}: {total / wall:.0f} sends/s, "
      f"p50 {pct(50):.1f} ms, p99 {pct(99):.1f} ms, max {latencies[-1] * 1000:.1f} ms, statuses {statuses}")
