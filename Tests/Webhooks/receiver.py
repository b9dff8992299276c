#!/usr/bin/env python3
"""A webhook receiver for WebhookTests, verifying with the standardwebhooks package from PyPI (not ours).

Prints its port, then serves on 127.0.0.1: every POST but /control is a delivery, verified against each secret it
holds (the indexes that verify are recorded) and answered 500 while failures are owed, 204 otherwise.
POST /control {"secrets": [...], "fail": N} sets the secrets and the failures owed; GET / lists what came.
"""
import json
import os
import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

state = {"secrets": [], "fail": 0, "received": []}
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body=b""):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        if body:
            self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        with lock:
            body = json.dumps(state["received"]).encode()
        self.answer(200, body)

    def do_POST(self):
        data = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/control":
            command = json.loads(data)
            with lock:
                state["secrets"] = command.get("secrets", state["secrets"])
                state["fail"] = command.get("fail", state["fail"])
            return self.answer(204)
        headers = {name: value for name, value in self.headers.items()}
        with lock:
            secrets = list(state["secrets"])
        verified = []
        for index, secret in enumerate(secrets):
            try:
                Webhook(secret).verify(data, headers)
                verified.append(index)
            except WebhookVerificationError:
                pass
        with lock:
            failing = state["fail"] > 0
            if failing:
                state["fail"] -= 1
            status = 500 if failing else 204
            state["received"].append({
                "id": headers.get("webhook-id"), "type": json.loads(data).get("type"), "body": json.loads(data),
                "verified": verified, "status": status,
            })
        self.answer(status)


# The test runner blocks SIGTERM, and a blocked (or ignored) signal stays so across exec: take it back here.
signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])
server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
