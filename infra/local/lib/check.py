"""Smoke test of the running local stack, standard library only (run by `stack check`).

- PostgreSQL: password login over TCP, the settings that matter (via psql).
- Elasticsearch: create an index with whitespace/standard analyzed fields, index Chinese
  text, phrase-search it, delete the index.
- MinIO: create a bucket with object lock (S3 REST, SigV4 signed by hand), read back
  versioning and object-lock configuration, put/delete a version, delete the bucket.
"""

import datetime
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

HOST = "127.0.0.1"
PG_PORT = os.environ.get("HRSS_PG_PORT", "15432")
ES = f"http://{HOST}:{os.environ.get('HRSS_ES_PORT', '19200')}"
S3 = f"{HOST}:{os.environ.get('HRSS_MINIO_PORT', '19000')}"
AK, SK, REGION = "hrssminio", "hrssminio-secret", "us-east-1"


def http(method, url, body=b"", headers=None):
    req = urllib.request.Request(url, data=body or None, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=15) as r:
            return r.status, r.read().decode(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), dict(e.headers)


def check_pg():
    sql = (
        "select current_user, version(), current_setting('max_connections'), "
        "current_setting('shared_buffers'), current_setting('fsync'), current_setting('password_encryption')"
    )
    out = subprocess.run(
        [
            "/usr/lib/postgresql/15/bin/psql",
            "-X",
            "-At",
            "-F",
            " | ",
            "-h",
            HOST,
            "-p",
            PG_PORT,
            "-U",
            "hrss_admin",
            "-d",
            "hrss",
            "-c",
            sql,
        ],
        env={**os.environ, "PGPASSWORD": "hrss_admin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    print("postgres:", out)
    user, _ver, maxc, sb, fsync, enc = [x.strip() for x in out.split("|")]
    assert (user, maxc, sb, fsync, enc) == ("hrss_admin", "300", "256MB", "on", "scram-sha-256"), out


def check_es():
    idx = "hrss-stack-check"
    http("DELETE", f"{ES}/{idx}")
    mapping = {
        "mappings": {
            "properties": {
                "tokens": {"type": "text", "analyzer": "whitespace"},
                "text": {"type": "text", "analyzer": "standard"},
            }
        }
    }
    st, body, _ = http("PUT", f"{ES}/{idx}", json.dumps(mapping).encode(), {"Content-Type": "application/json"})
    assert st == 200, body
    doc = {"tokens": "社会保险 稽核 检查", "text": "社会保险稽核检查"}
    st, body, _ = http(
        "PUT",
        f"{ES}/{idx}/_doc/1?refresh=true",
        json.dumps(doc, ensure_ascii=False).encode(),
        {"Content-Type": "application/json"},
    )
    assert st in (200, 201), body
    q = {"query": {"bool": {"must": [{"match": {"tokens": "稽核"}}, {"match_phrase": {"text": "保险稽核"}}]}}}
    st, body, _ = http(
        "POST", f"{ES}/{idx}/_search", json.dumps(q, ensure_ascii=False).encode(), {"Content-Type": "application/json"}
    )
    hits = json.loads(body)["hits"]["total"]["value"]
    assert st == 200 and hits == 1, body
    http("DELETE", f"{ES}/{idx}")
    # GET / is not served: the integ-test zip has no rest-root module (see docs/local-stack.md)
    nodes = json.loads(http("GET", f"{ES}/_nodes/_local?filter_path=nodes.*.version")[1])["nodes"]
    version = next(iter(nodes.values()))["version"]
    print(f"elasticsearch: {version} ok (whitespace + standard phrase search, 1 hit)")


def s3(method, path, body=b"", headers=None, query=""):
    """One SigV4-signed S3 request (path-style). query must already be canonical (sorted, encoded)."""
    now = datetime.datetime.now(datetime.UTC)
    amz, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    payload = hashlib.sha256(body).hexdigest()
    hdrs = {"host": S3, "x-amz-date": amz, "x-amz-content-sha256": payload}
    hdrs.update({k.lower(): v for k, v in (headers or {}).items()})
    names = sorted(hdrs)
    canonical = "\n".join(
        [method, path, query, "".join(f"{k}:{hdrs[k].strip()}\n" for k in names), ";".join(names), payload]
    )
    scope = f"{day}/{REGION}/s3/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + SK).encode()
    for part in (day, REGION, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    sig = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    hdrs["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={AK}/{scope}, SignedHeaders={';'.join(names)}, Signature={sig}"
    )
    del hdrs["host"]
    url = f"http://{S3}{path}" + (f"?{query}" if query else "")
    return http(method, url, body, hdrs)


def check_s3():
    b = f"hrss-stack-check-{int(time.time())}"
    st, body, _ = s3("PUT", f"/{b}", headers={"x-amz-bucket-object-lock-enabled": "true"})
    assert st == 200, f"create bucket with object lock: {st} {body}"
    st, ver, _ = s3("GET", f"/{b}", query="versioning=")
    assert st == 200 and "<Status>Enabled</Status>" in ver, ver
    st, lock, _ = s3("GET", f"/{b}", query="object-lock=")
    assert st == 200 and "<ObjectLockEnabled>Enabled</ObjectLockEnabled>" in lock, lock
    md5 = __import__("base64").b64encode(hashlib.md5(b"evidence").digest()).decode()
    st, body, h = s3("PUT", f"/{b}/e.txt", b"evidence", headers={"content-md5": md5})
    assert st == 200, body
    vid = h.get("x-amz-version-id") or h.get("X-Amz-Version-Id")
    assert vid, h
    st, body, _ = s3("DELETE", f"/{b}/e.txt", query=f"versionId={vid}")
    assert st == 204, body
    st, body, _ = s3("DELETE", f"/{b}")
    assert st == 204, body
    print(f"minio: bucket with object lock created (versioning Enabled, ObjectLockEnabled), version {vid} put/deleted")


def main():
    failed = 0
    for name, fn in (("postgres", check_pg), ("elasticsearch", check_es), ("minio", check_s3)):
        try:
            fn()
        except Exception as e:
            failed += 1
            print(f"{name}: FAILED: {e!r}", file=sys.stderr)
    print("check: all ok" if not failed else f"check: {failed} of 3 FAILED")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
