#!/usr/bin/env python3
"""A fault-injecting HTTP proxy between conform and the AWS emulator.

Used by tests/it/faults.rs (through tests/it/common/faults.rs); stdlib only.

    fault_proxy.py --upstream http://127.0.0.1:PORT [--rules FILE] [--max-seconds N]
                   [--upstream-timeout SECONDS]

It listens on a free port of 127.0.0.1 (never any other address), prints
`listening 127.0.0.1:<port>` on its first line of standard output, and
forwards every request to the upstream emulator (which must be on loopback
too) unless a rule says otherwise. It exits by itself after --max-seconds
(default 600), when its standard input reaches end of file (its test is
gone), or when killed.

Each request is identified as (service, region, operation):

- service and region from the SigV4 `Authorization` header's credential
  scope (`Credential=AKID/20250101/eu-north-1/ec2/aws4_request`); ELB's two
  generations share the scope `elasticloadbalancing`: requests of API
  version 2015-12-01 are given the service `elasticloadbalancingv2`;
- operation from the `X-Amz-Target` header (JSON protocols:
  `Logs_20140328.DescribeLogGroups` -> `DescribeLogGroups`), from `Action=`
  in the form body or the query string (query protocols: EC2, ELB, RDS,
  ElastiCache, Auto Scaling, STS), or, for S3 (path-style addressing, which
  the SDK uses for an IP endpoint), from the method, path and query
  (`GET /` -> ListBuckets, `GET /b?encryption` -> GetBucketEncryption; an
  `x-id=` parameter names the operation itself).

Rules (a JSON list, from --rules or `PUT /__fault_proxy__/rules`) are tried
in order; the first that matches a request decides, and counts the request
against its `times`:

    {"service": "ec2",                       # optional; scope service
     "operation": "DescribeSecurityGroups",  # optional
     "region": "eu-north-1",                 # optional
     "bucket": "my-bucket",                  # optional; S3 only
     "times": 2,                             # optional: the first N matches; default always
     "fault": "throttle",                    # what to do, see below
     "status": 503, "code": "...",           # optional overrides (throttle, deny, error)
     "seconds": 10,                          # delay only
     "body": "<...>"}                        # answer only

Faults, each answered in the protocol's own error shape (EC2's
`<Response><Errors><Error>`, query's `<ErrorResponse><Error>`, JSON's
`{"__type": ...}` with `x-amzn-ErrorType`, S3's `<Error>`):

- `throttle`: EC2 `RequestLimitExceeded` (503), query `Throttling` (400),
  JSON `ThrottlingException` (400), S3 `SlowDown` (503);
- `http429`: HTTP 429 with the protocol's throttling code;
- `deny`: EC2 `UnauthorizedOperation` (403), query and S3 `AccessDenied`
  (403), JSON `AccessDeniedException` (400);
- `error`: `status` (default 500) with `code` (default `InternalError`,
  `InternalFailure` for JSON, `ServiceUnavailable` for 503);
- `delay`: wait `seconds`, then forward (a client that gave up meanwhile
  just gets nothing);
- `reset`: forward, send the headers and half the body, then reset the
  connection (TCP RST);
- `truncate`: forward, send the headers (with the full Content-Length) and
  half the body, then close the connection;
- `stall`: forward, send the headers and half the body, then wait
  `seconds` before closing (a body that stops arriving);
- `drop`: read the request and reset the connection without any answer;
- `malformed`: answer 200 with a body of the right content type that does
  not parse (an unclosed XML element, an unclosed JSON object);
- `empty`: answer 200 with an empty body;
- `pass`: forward (a rule that exempts requests from later rules);
- `answer`: answer 200 with the rule's `body` (a string) in the
  protocol's content type, without asking the emulator: an AWS-shaped
  response for what the emulator does not return (tests/README.md).

Control endpoints (requests under `/__fault_proxy__/` without an
`Authorization` header; S3 bucket names cannot contain `_`, so no AWS
request collides):

- `PUT /__fault_proxy__/rules` with a JSON list: replaces the rules (and
  their `times` counters);
- `GET /__fault_proxy__/counts`: `{"operations": [{"service", "operation",
  "requests", "faults", "forwarded"}...], "requests": [{"service", "region",
  "operation", "bucket", "fault", "t", "done"}...]}`, in arrival order for
  `requests`; `t` is when the request arrived and `done` when its answer had
  been sent (`time.monotonic()` of the proxy, seconds; no `done` while it is
  in flight or when the client went away).
  `faults` counts the requests a fault answered, wholly or in part (`reset`,
  `truncate` and `stall` forward the request but spoil the answer);
  `forwarded` those answered by the emulator as it answered (`delay`
  included);
- `POST /__fault_proxy__/reset`: forgets the counts.
"""

import argparse
import http.client
import http.server
import json
import os
import socket
import struct
import sys
import threading
import time
import urllib.parse
import uuid

CONTROL = "/__fault_proxy__/"
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "trailers",
    "transfer-encoding",
    "upgrade",
}
# S3 sub-resources (query keys) and the noun of their Get/Put/Delete
# operations.
S3_SUBRESOURCES = {
    "accelerate": "BucketAccelerateConfiguration",
    "acl": "BucketAcl",
    "analytics": "BucketAnalyticsConfiguration",
    "cors": "BucketCors",
    "encryption": "BucketEncryption",
    "intelligent-tiering": "BucketIntelligentTieringConfiguration",
    "inventory": "BucketInventoryConfiguration",
    "lifecycle": "BucketLifecycleConfiguration",
    "location": "BucketLocation",
    "logging": "BucketLogging",
    "metrics": "BucketMetricsConfiguration",
    "notification": "BucketNotificationConfiguration",
    "object-lock": "ObjectLockConfiguration",
    "ownershipControls": "BucketOwnershipControls",
    "policy": "BucketPolicy",
    "policyStatus": "BucketPolicyStatus",
    "publicAccessBlock": "PublicAccessBlock",
    "replication": "BucketReplication",
    "requestPayment": "BucketRequestPayment",
    "tagging": "BucketTagging",
    "versioning": "BucketVersioning",
    "website": "BucketWebsite",
}
VERBS = {"GET": "Get", "PUT": "Put", "DELETE": "Delete"}
FAULTS = {
    "throttle",
    "http429",
    "deny",
    "error",
    "delay",
    "reset",
    "truncate",
    "malformed",
    "empty",
    "stall",
    "drop",
    "pass",
    "answer",
}


class State:
    """Rules and counts, shared by the handler threads."""

    def __init__(self, rules):
        self.lock = threading.Lock()
        self.rules = []
        self.set_rules(rules)
        self.operations = {}
        self.requests = []

    def set_rules(self, rules):
        if not isinstance(rules, list):
            raise ValueError("rules must be a JSON list")
        checked = []
        for rule in rules:
            if not isinstance(rule, dict):
                raise ValueError(f"a rule must be an object: {rule!r}")
            fault = rule.get("fault")
            if fault not in FAULTS:
                raise ValueError(f"unknown fault {fault!r} (one of {sorted(FAULTS)})")
            unknown = set(rule) - {
                "service",
                "operation",
                "region",
                "bucket",
                "times",
                "fault",
                "status",
                "code",
                "seconds",
                "body",
            }
            if unknown:
                raise ValueError(f"unknown rule fields {sorted(unknown)}")
            if fault == "answer" and not isinstance(rule.get("body"), str):
                raise ValueError("an answer rule needs a string body")
            checked.append(dict(rule, _hits=0))
        with self.lock:
            self.rules = checked

    def decide(self, request):
        """The fault for a request (None: forward), counted."""
        with self.lock:
            fault = None
            for rule in self.rules:
                if not all(
                    rule.get(k) is None or rule[k] == request.get(k)
                    for k in ("service", "operation", "region", "bucket")
                ):
                    continue
                times = rule.get("times")
                if times is not None and rule["_hits"] >= times:
                    continue
                rule["_hits"] += 1
                fault = None if rule["fault"] == "pass" else rule
                break
            key = (request["service"], request["operation"])
            op = self.operations.setdefault(
                key,
                {
                    "service": key[0],
                    "operation": key[1],
                    "requests": 0,
                    "faults": 0,
                    "forwarded": 0,
                },
            )
            op["requests"] += 1
            if fault is not None and fault["fault"] != "delay":
                op["faults"] += 1
            else:
                op["forwarded"] += 1
            record = {
                "service": request["service"],
                "region": request["region"],
                "operation": request["operation"],
                "bucket": request.get("bucket"),
                "fault": fault["fault"] if fault else None,
                "key": request.get("key"),
                "t": time.monotonic(),
            }
            self.requests.append(record)
            # Set when the answer has been sent ("done", same clock as "t").
            request["record"] = record
            return fault

    def counts(self):
        with self.lock:
            return {
                "operations": sorted(
                    (dict(v) for v in self.operations.values()),
                    key=lambda o: (o["service"], o["operation"]),
                ),
                "requests": list(self.requests),
            }

    def reset(self):
        with self.lock:
            self.operations = {}
            self.requests = []


def credential_scope(authorization):
    """(region, service) of a SigV4 Authorization header, or (None, None)."""
    if not authorization:
        return None, None
    for part in authorization.replace(",", " ").split():
        if part.startswith("Credential="):
            fields = part[len("Credential=") :].split("/")
            if len(fields) >= 5:
                return fields[-3], fields[-2]
    return None, None


def access_key(authorization):
    """The access key id of a SigV4 Authorization header, or None."""
    for part in (authorization or "").replace(",", " ").split():
        if part.startswith("Credential="):
            return part[len("Credential=") :].split("/")[0] or None
    return None


def s3_operation(method, path, query):
    """(operation, bucket) of a path-style S3 request."""
    params = urllib.parse.parse_qs(query, keep_blank_values=True)
    if "x-id" in params:
        operation = params["x-id"][0]
    else:
        operation = None
    parts = [p for p in path.split("/") if p]
    bucket = urllib.parse.unquote(parts[0]) if parts else None
    if operation:
        return operation, bucket
    if bucket is None:
        return ("ListBuckets" if method == "GET" else f"{method}Service"), None
    if len(parts) > 1:
        key_ops = {"GET": "GetObject", "PUT": "PutObject", "HEAD": "HeadObject", "DELETE": "DeleteObject"}
        return key_ops.get(method, f"{method}Object"), bucket
    for sub, noun in S3_SUBRESOURCES.items():
        if sub in params and method in VERBS:
            if sub == "location" and method == "GET":
                return "GetBucketLocation", bucket
            return VERBS[method] + noun, bucket
    if method == "GET":
        return ("ListObjectsV2" if params.get("list-type") == ["2"] else "ListObjects"), bucket
    return {
        "HEAD": "HeadBucket",
        "PUT": "CreateBucket",
        "DELETE": "DeleteBucket",
        "POST": "DeleteObjects" if "delete" in params else "PostBucket",
    }.get(method, f"{method}Bucket"), bucket


def identify(method, target, headers, body):
    """What a request is: service, region, operation, protocol (and bucket)."""
    region, service = credential_scope(headers.get("Authorization"))
    service = service or "unknown"
    parsed = urllib.parse.urlsplit(target)
    path, query = parsed.path, parsed.query
    request = {
        "service": service,
        "region": region,
        "bucket": None,
        "key": access_key(headers.get("Authorization")),
    }
    amz_target = headers.get("X-Amz-Target")
    if amz_target:
        request["operation"] = amz_target.rsplit(".", 1)[-1]
        request["protocol"] = "json"
        return request
    if service == "s3":
        request["operation"], request["bucket"] = s3_operation(method, path, query)
        request["protocol"] = "s3"
        return request
    params = urllib.parse.parse_qs(query)
    content_type = headers.get("Content-Type", "")
    if body and "x-www-form-urlencoded" in content_type:
        params.update(urllib.parse.parse_qs(body.decode("utf-8", "replace")))
    request["operation"] = params.get("Action", ["unknown"])[0]
    if service == "elasticloadbalancing" and params.get("Version") == ["2015-12-01"]:
        request["service"] = "elasticloadbalancingv2"
    request["protocol"] = "ec2" if service == "ec2" else "query"
    return request


def error_answer(protocol, status, code, message):
    """(status, headers, body) of an AWS error in the protocol's shape."""
    request_id = str(uuid.uuid4())
    if protocol == "ec2":
        body = (
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>"
            f"<RequestID>{request_id}</RequestID></Response>"
        )
        return status, {"Content-Type": "text/xml;charset=UTF-8"}, body.encode()
    if protocol == "query":
        kind = "Receiver" if status >= 500 else "Sender"
        body = (
            "<ErrorResponse xmlns=\"http://fault-proxy/doc/\">"
            f"<Error><Type>{kind}</Type><Code>{code}</Code><Message>{message}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        )
        return (
            status,
            {"Content-Type": "text/xml", "x-amzn-RequestId": request_id},
            body.encode(),
        )
    if protocol == "json":
        body = json.dumps({"__type": code, "message": message})
        return (
            status,
            {
                "Content-Type": "application/x-amz-json-1.1",
                "x-amzn-RequestId": request_id,
                "x-amzn-ErrorType": code,
            },
            body.encode(),
        )
    # S3 (REST-XML)
    body = (
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        f"<Error><Code>{code}</Code><Message>{message}</Message>"
        f"<RequestId>{request_id}</RequestId><HostId>fault-proxy</HostId></Error>"
    )
    return (
        status,
        {"Content-Type": "application/xml", "x-amz-request-id": request_id},
        body.encode(),
    )


THROTTLING = {
    "ec2": (503, "RequestLimitExceeded", "Request limit exceeded."),
    "query": (400, "Throttling", "Rate exceeded"),
    "json": (400, "ThrottlingException", "Rate exceeded"),
    "s3": (503, "SlowDown", "Please reduce your request rate."),
}
DENIED = {
    "ec2": (403, "UnauthorizedOperation", "You are not authorized to perform this operation."),
    "query": (403, "AccessDenied", "User is not authorized to perform this action (fault proxy)"),
    "json": (400, "AccessDeniedException", "User is not authorized to perform this action (fault proxy)"),
    "s3": (403, "AccessDenied", "Access Denied"),
}


def malformed_answer(protocol):
    if protocol == "json":
        return 200, {"Content-Type": "application/x-amz-json-1.1"}, b'{"logGroups": [{"logGroupName": '
    return 200, {"Content-Type": "text/xml"}, b"<?xml version=\"1.0\"?>\n<Unclosed><item>&bogus;<"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fault-proxy"
    sys_version = ""

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        if self.server.verbose:
            sys.stderr.write("fault-proxy: " + (format % args) + "\n")

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_any(self):
        try:
            body = self.read_body()
            if self.path.startswith(CONTROL) and "Authorization" not in self.headers:
                return self.control(body)
            request = identify(self.command, self.path, self.headers, body)
            fault = self.server.state.decide(request)
            self.handle_fault(request, fault, body)
            request["record"]["done"] = time.monotonic()
        except OSError:
            # The client went away (it gave up waiting, or the connection
            # was cut on purpose).
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_any

    def control(self, body):
        name = self.path[len(CONTROL) :]
        state = self.server.state
        try:
            if self.command == "GET" and name == "counts":
                answer = state.counts()
            elif self.command == "PUT" and name == "rules":
                state.set_rules(json.loads(body or b"[]"))
                answer = {"ok": True}
            elif self.command == "POST" and name == "reset":
                state.reset()
                answer = {"ok": True}
            else:
                return self.send(404, {"Content-Type": "application/json"}, b'{"error": "no such control"}')
        except (ValueError, json.JSONDecodeError) as e:
            return self.send(400, {"Content-Type": "application/json"}, json.dumps({"error": str(e)}).encode())
        self.send(200, {"Content-Type": "application/json"}, json.dumps(answer).encode())

    def handle_fault(self, request, fault, body):
        protocol = request["protocol"]
        kind = fault["fault"] if fault else None
        if kind in ("throttle", "http429"):
            status, code, message = THROTTLING[protocol]
            if kind == "http429":
                status, code = 429, "TooManyRequestsException"
            status = fault.get("status") or status
            code = fault.get("code") or code
            return self.send(*error_answer(protocol, status, code, message))
        if kind == "deny":
            status, code, message = DENIED[protocol]
            status = fault.get("status") or status
            code = fault.get("code") or code
            return self.send(*error_answer(protocol, status, code, message))
        if kind == "error":
            status = fault.get("status") or 500
            default = "ServiceUnavailable" if status == 503 else (
                "InternalFailure" if protocol == "json" else "InternalError"
            )
            code = fault.get("code") or default
            return self.send(*error_answer(protocol, status, code, f"{code} (fault proxy)"))
        if kind == "malformed":
            return self.send(*malformed_answer(protocol))
        if kind == "empty":
            content_type = "application/x-amz-json-1.1" if protocol == "json" else "text/xml"
            return self.send(200, {"Content-Type": content_type}, b"")
        if kind == "answer":
            content_type = "application/x-amz-json-1.1" if protocol == "json" else "text/xml"
            return self.send(200, {"Content-Type": content_type}, fault["body"].encode())
        if kind == "drop":
            return self.drop()
        if kind == "delay":
            time.sleep(float(fault.get("seconds", 10)))
        try:
            status, headers, answer = self.forward(body)
        except (OSError, http.client.HTTPException) as e:
            message = f"fault proxy: the upstream {self.server.upstream.geturl()} failed: {e}"
            return self.send(502, {"Content-Type": "text/plain"}, message.encode())
        if kind == "reset":
            return self.cut(status, headers, answer, reset=True)
        if kind == "truncate":
            return self.cut(status, headers, answer, reset=False)
        if kind == "stall":
            return self.cut(status, headers, answer, reset=False, stall=float(fault.get("seconds", 10)))
        self.send(status, headers, answer)

    def forward(self, body):
        upstream = self.server.upstream
        conn = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=self.server.upstream_timeout)
        try:
            headers = {
                k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP
            }
            headers["Content-Length"] = str(len(body))
            conn.request(self.command, self.path, body=body, headers=headers)
            response = conn.getresponse()
            answer = response.read()
            out = [
                (k, v)
                for k, v in response.getheaders()
                if k.lower() not in HOP_BY_HOP and k.lower() != "content-length"
            ]
            if self.command == "HEAD":
                length = response.getheader("Content-Length")
                if length is not None:
                    out.append(("Content-Length", length))
            return response.status, out, answer
        finally:
            conn.close()

    def send(self, status, headers, body):
        self.send_response(status)
        items = headers.items() if isinstance(headers, dict) else headers
        for k, v in items:
            self.send_header(k, v)
        if self.command != "HEAD" or not any(k.lower() == "content-length" for k, _ in items):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()

    def drop(self):
        """No answer at all: the connection is reset."""
        self.close_connection = True
        self.connection.setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
        )
        os.close(self.connection.detach())

    def cut(self, status, headers, body, reset, stall=0.0):
        """The headers and half the body, then (after `stall` seconds) a
        reset or a close."""
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        # Promise the whole body (at least one byte more than sent).
        self.send_header("Content-Length", str(max(len(body), 2)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2])
        self.wfile.flush()
        self.close_connection = True
        if stall:
            time.sleep(stall)
        if reset:
            # SO_LINGER with a zero timeout: closing sends RST. The file
            # descriptor is closed directly: the handler's file objects
            # would otherwise keep the socket open.
            self.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
            os.close(self.connection.detach())
        else:
            self.connection.shutdown(socket.SHUT_WR)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    allow_reuse_address = False


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upstream", required=True, help="the emulator, http://127.0.0.1:PORT")
    parser.add_argument("--rules", help="a JSON file with the initial rules")
    parser.add_argument("--max-seconds", type=float, default=600, help="exit after this long")
    parser.add_argument("--verbose", action="store_true", help="log every request on stderr")
    parser.add_argument("--upstream-timeout", type=float, default=60,
                        help="seconds to wait for the emulator's answer before answering 502 (default 60)")
    args = parser.parse_args()

    upstream = urllib.parse.urlsplit(args.upstream)
    if upstream.scheme != "http" or upstream.hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error(f"--upstream {args.upstream} is not an http:// address on loopback")
    rules = []
    if args.rules:
        with open(args.rules, encoding="utf-8") as f:
            rules = json.load(f)

    server = Server(("127.0.0.1", 0), Handler)
    server.state = State(rules)
    server.upstream = upstream
    server.upstream_timeout = args.upstream_timeout
    server.verbose = args.verbose

    def stop(reason):
        sys.stderr.write(f"fault-proxy: stopping ({reason})\n")
        sys.stderr.flush()
        os._exit(0)

    def watch_stdin():
        # The test holds our stdin; when it goes away, so do we.
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except OSError:
            pass
        stop("standard input closed")

    threading.Thread(target=watch_stdin, daemon=True).start()
    timer = threading.Timer(args.max_seconds, stop, args=(f"--max-seconds {args.max_seconds:g} reached",))
    timer.daemon = True
    timer.start()

    host, port = server.server_address[:2]
    print(f"listening {host}:{port}", flush=True)
    server.serve_forever(poll_interval=0.2)


if __name__ == "__main__":
    main()
