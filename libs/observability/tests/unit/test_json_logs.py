import json
import logging

from hrss.contracts import current_trace_id
from hrss.observability import JsonFormatter


def record(message: str, **extra: object) -> logging.LogRecord:
    rec = logging.LogRecord("hrss.test", logging.WARNING, __file__, 1, message, (), None)
    rec.__dict__.update(extra)
    return rec


def test_a_log_line_is_one_json_object_with_service_node_and_trace_id():
    token = current_trace_id.set("abc123")
    try:
        line = JsonFormatter("draw", 330102).format(record("抽取完成 %d", draw_id="d-1"))
    finally:
        current_trace_id.reset(token)
    entry = json.loads(line)
    assert entry["service"] == "draw" and entry["nodes"] == "330102"
    assert entry["trace_id"] == "abc123"
    assert entry["level"] == "warning" and entry["draw_id"] == "d-1"
    assert "\n" not in line


def test_newlines_quotes_and_control_characters_cannot_forge_a_second_line():
    hostile = 'ok"}\n{"level":"info","msg":"forged\x1b[31m'
    line = JsonFormatter("audit").format(record(hostile))
    assert line.count("\n") == 0
    assert json.loads(line)["msg"] == hostile


def test_an_explicit_trace_id_wins_and_exceptions_are_kept():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        rec = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    rec.trace_id = "explicit"
    entry = json.loads(JsonFormatter("s").format(rec))
    assert entry["trace_id"] == "explicit"
    assert "ValueError: boom" in entry["exc"]
