"""A webhook receiver for the e2e tests: a small HTTP server that verifies every delivery with
the Standard Webhooks reference library (`standardwebhooks` from PyPI) and records it."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook


class Receiver:
    def __init__(self):
        self.secret = None
        self.deliveries = []     # every request: {id, headers, body, verified, status, at}
        self.fail_next = 0       # answer 500 to this many requests first
        self.hold = threading.Event()
        self.hold.set()          # cleared: requests wait (up to 30 s) before being answered
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", "0"))).decode()
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.hold.wait(30)
                verified = False
                try:
                    if receiver.secret:
                        Webhook(receiver.secret).verify(body, headers)
                        verified = True
                except Exception:
                    verified = False
                with receiver.lock:
                    status = 500 if receiver.fail_next > 0 else (204 if verified else 400)
                    if receiver.fail_next > 0:
                        receiver.fail_next -= 1
                    receiver.deliveries.append({"id": headers.get("webhook-id"), "headers": headers, "body": body,
                                                "verified": verified, "status": status, "at": time.time()})
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

        class Server(ThreadingHTTPServer):
            request_queue_size = 256  # the default listen backlog (5) drops connections under load
            daemon_threads = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def accepted(self):
        """The deliveries it verified and answered 2xx, as (webhook-id, parsed body)."""
        with self.lock:
            return [(d["id"], json.loads(d["body"])) for d in self.deliveries if d["verified"] and d["status"] < 300]

    def of_type(self, event_type):
        return [body for _, body in self.accepted() if body["type"] == event_type]

    def close(self):
        self.hold.set()
        self.server.shutdown()
