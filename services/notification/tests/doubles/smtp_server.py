"""A real SMTP server for tests and the benchmark (aiosmtpd): each message it accepts is appended, as one JSON
line, to the record file (Message-ID, envelope recipients, subject, text body), then accepted with 250.

    python smtp_server.py --port 2525 --record /tmp/mail.jsonl
"""

from __future__ import annotations

import argparse
import json
import signal
import threading
from email import message_from_bytes, policy
from typing import Any

from aiosmtpd.controller import Controller


class Recorder:
    def __init__(self, path: str) -> None:
        self.out = open(path, "a", encoding="utf-8")  # noqa: SIM115 - kept open for the server's life
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        body = message.get_body(preferencelist=("plain",))
        line = {
            "message_id": message["Message-ID"],
            "to": list(envelope.rcpt_tos),
            "subject": str(message["Subject"]),
            "body": body.get_content() if body is not None else "",
            "attempt": message["X-HRSS-Attempt"],
        }
        with self.lock:
            self.out.write(json.dumps(line, ensure_ascii=False) + "\n")
            self.out.flush()
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--record", required=True)
    args = parser.parse_args()
    controller = Controller(Recorder(args.record), hostname="127.0.0.1", port=args.port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
