"""A real HTTP server standing in for the provincial SMS platform's webhook, for tests and the benchmark: it checks
the HMAC-SHA256 signature over `<timestamp>.<body>` with the shared secret, answers 401 when it is wrong, and
appends every request it accepts (with its idempotency key) as one JSON line to the record file.

    python sms_gateway.py --port 8899 --record /tmp/sms.jsonl --secret s3cret
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--record", required=True)
    parser.add_argument("--secret", required=True)
    args = parser.parse_args()
    secret = args.secret.encode("utf-8")
    out = open(args.record, "a", encoding="utf-8")  # noqa: SIM115 - kept open for the server's life
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # answer in one segment: no 40 ms delayed-ACK stall per request

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            timestamp = self.headers.get("X-HRSS-Timestamp", "")
            expected = hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(expected, self.headers.get("X-HRSS-Signature", "")):
                self._answer(401, {"code": "signature_invalid"})
                return
            line = {**json.loads(body), "idempotency_key": self.headers.get("Idempotency-Key")}
            with lock:
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
                out.flush()
            self._answer(200, {"accepted": True})

        def _answer(self, status: int, payload: dict[str, object]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:  # quiet: bodies are not logged
            pass

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    signal.signal(signal.SIGINT, lambda *_: threading.Thread(target=server.shutdown).start())
    server.serve_forever()


if __name__ == "__main__":
    main()
