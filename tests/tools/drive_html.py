"""Drives conform's HTML report in headless Chromium over the DevTools
protocol (--remote-debugging-pipe: NUL-separated JSON on fds 3 and 4, so
no network port and no library beyond the standard one), the way a person
would: choose a status and an account in the filter controls, type a
search, press "Show more", click a rule in the promises table. After each
step it prints the number of matching and drawn rows as JSON, and at the
end every exception and console error the page produced.

Usage: drive_html.py CHROMIUM REPORT.html STATUS ACCOUNT SEARCH RULE
Prints one JSON object; exits 1 if the page never became ready.
"""
import fcntl
import json
import os
import subprocess
import sys
import tempfile
import time

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--remote-debugging-pipe",
]


class Browser:
    def __init__(self, chromium, profile):
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        # Chromium reads commands on fd 3 and writes answers on fd 4.
        def fds():
            # Out of the way first, so that neither lands on the other.
            r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
            w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(r, 3)
            os.dup2(w, 4)
        self.proc = subprocess.Popen(
            [chromium, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            preexec_fn=fds,
            pass_fds=(3, 4),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        while True:
            answer = self.read()
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def read(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.from_chrome, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def main():
    chromium, html, status, account, search, rule = sys.argv[1:]
    with tempfile.TemporaryDirectory() as profile:
        b = Browser(chromium, profile)
        try:
            target = b.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = b.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            b.send("Runtime.enable", session=session)
            b.send("Log.enable", session=session)
            b.send("Page.enable", session=session)
            b.send("Page.navigate", {"url": "file://" + os.path.abspath(html)}, session=session)

            def js(expression):
                r = b.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session)
                if "exceptionDetails" in r:
                    raise RuntimeError(f"{expression}: {r['exceptionDetails']}")
                return r["result"].get("value")

            deadline = time.time() + 60
            # (While the page loads, there may be no document element yet.)
            ready = "document.documentElement && document.location.protocol === 'file:'" \
                " && document.documentElement.getAttribute('data-ready')"
            while js(ready) != "1":
                if time.time() > deadline:
                    print(json.dumps({"error": "the page never became ready"}))
                    return 1
                time.sleep(0.1)

            def state():
                return js(
                    "(() => { const s = document.getElementById('shown-count');"
                    " return {matching: +s.getAttribute('data-matching'),"
                    " rendered: document.querySelectorAll('#findings-body tr').length,"
                    " statuses: [...new Set([...document.querySelectorAll('#findings-body tr')]"
                    ".map(t => t.getAttribute('data-status')))].sort(),"
                    " hash: location.hash}; })()"
                )

            def choose(select, value):
                js(
                    f"(() => {{ const s = document.getElementById({json.dumps(select)});"
                    f" s.value = {json.dumps(value)};"
                    " s.dispatchEvent(new Event('change')); })()"
                )

            steps = {"initial": state()}
            choose("f-status", status)
            steps["status"] = state()
            choose("f-account", account)
            steps["status+account"] = state()
            choose("f-status", "")
            choose("f-account", "")
            js(
                f"(() => {{ const q = document.getElementById('f-q'); q.value = {json.dumps(search)};"
                " q.dispatchEvent(new Event('input')); })()"
            )
            steps["search"] = state()
            js("(() => { const q = document.getElementById('f-q'); q.value = ''; q.dispatchEvent(new Event('input')); })()")
            steps["cleared"] = state()
            js("document.getElementById('more').hidden || document.getElementById('more').click()")
            steps["more"] = state()
            js(f"document.querySelector('[data-filter-rule={json.dumps(rule)}]').click()")
            steps["rule"] = state()
            steps["rule"]["selected"] = js("document.getElementById('f-rule').value")

            problems = []
            for e in b.events:
                method = e.get("method")
                if method == "Runtime.exceptionThrown":
                    problems.append(e["params"]["exceptionDetails"].get("text", "exception"))
                elif method == "Log.entryAdded" and e["params"]["entry"].get("level") == "error":
                    problems.append(e["params"]["entry"].get("text", ""))
                elif method == "Runtime.consoleAPICalled" and e["params"].get("type") == "error":
                    problems.append(str(e["params"].get("args")))
            steps["problems"] = problems
            print(json.dumps(steps))
            return 0
        finally:
            b.close()


if __name__ == "__main__":
    sys.exit(main())
