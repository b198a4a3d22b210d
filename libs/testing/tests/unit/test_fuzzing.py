"""The callers every service's API fuzzing runs as: anonymous and each staff role a node may hold."""

from __future__ import annotations

from hrss.testing.fuzzing import every_role, leaked


def minted(roles: set[str], node: str) -> str:
    return "+".join(sorted(roles)) + "@" + node


def test_every_staff_role_at_the_county_and_the_province_and_no_token() -> None:
    callers = every_role(minted, "130102", "130000")
    assert callers["anonymous"] is None
    assert set(callers) - {"anonymous"} == {
        f"{role}@{node}"
        for node, admin in (("130102", "county_admin"), ("130000", "province_admin"))
        for role in (admin, "planner", "inspector", "approver", "archive_keeper", "auditor")
    }
    assert all(token == name for name, token in callers.items() if token is not None)  # one role per token


def test_a_city_gets_its_own_administrator_and_never_a_service_identity() -> None:
    callers = every_role(minted, "130102", "130000", "130100")
    assert "city_admin@130100" in callers and "county_admin@130100" not in callers
    assert len(callers) == 1 + 6 * 3
    assert not any(name.startswith("service@") for name in callers)


def test_a_stack_trace_or_sql_in_an_answer_is_a_leak() -> None:
    assert leaked('{"code": "x", "message": "Traceback (most recent call last)"}') == ["Traceback"]
    assert leaked("select * from x") == ["SELECT "]
    assert leaked('{"code": "request.invalid", "message": "请求内容有误"}') == []


def test_a_fault_that_only_one_role_reaches_is_found() -> None:
    """A tiny API whose one operation fails (500) for the auditor's token only: fuzzing as every role finds it."""
    import json
    import threading
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from hrss.testing.fuzzing import fuzz_service

    document = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/things": {
                "get": {
                    "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {}}}}},
                }
            }
        },
    }

    def app(environ, start_response):  # type: ignore[no-untyped-def]
        if environ["PATH_INFO"] == "/openapi.json":
            body = json.dumps(document).encode()
        elif "auditor" in environ.get("HTTP_AUTHORIZATION", ""):
            start_response("500 Internal Server Error", [("Content-Type", "application/json")])
            return [b'{"code": "server.error"}']
        else:
            body = b"{}"
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body]

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = make_server("127.0.0.1", 0, app, handler_class=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        callers = every_role(minted, "130102", "130000")
        problems = fuzz_service(url, callers, examples=2)
    finally:
        server.shutdown()
    assert problems and all("auditor@" in p and "server error" in p for p in problems if "server error" in p)
    assert {p.split("[")[1].split(",")[1].split("]")[0].strip() for p in problems if "server error" in p} == {
        "auditor@130102",
        "auditor@130000",
    }
