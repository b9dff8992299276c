#!/usr/bin/env python3
"""Loopback SMS webhook sink for benchmarks: answers 200 to every POST and remembers the last code per phone.
GET /code?to=+13125550100 returns that code. Usage: sms_sink.py PORT"""
import json
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

codes = {}
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        match = re.search(r"\d{6}", body.get("body", ""))
        with lock:
            codes[body.get("to")] = match.group(0) if match else None
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        to = parse_qs(urlparse(self.path).query).get("to", [""])[0]
        with lock:
            code = (codes.get(to) or "").encode()
        self.send_response(200 if code else 404)
        self.send_header("Content-Length", str(len(code)))
        self.end_headers()
        self.wfile.write(code)

    def log_message(self, *args):
        pass


ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer.request_queue_size = 512  # the default backlog of 5 drops SYNs under a burst
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
