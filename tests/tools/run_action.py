"""Runs a composite GitHub Action (action.yml) the way the runner does.

    run_action.py ACTION_DIR WORKSPACE --input NAME=VALUE ... [--cache DIR]

For each step, in order: `if:` is evaluated (default `success()`), the
step's `env:` and `with:` are expanded from `${{ }}` expressions, and a
`run:` step is executed by `bash --noprofile --norc -eo pipefail FILE` in the
workspace, with the runner's environment: GITHUB_ACTION_PATH, GITHUB_OUTPUT
(a fresh file per step, read back as `steps.<id>.outputs`), GITHUB_ENV,
GITHUB_PATH (both applied to the following steps), GITHUB_STEP_SUMMARY,
GITHUB_WORKSPACE, RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, RUNNER_TOOL_CACHE.
As on the runner, a composite action's inputs reach its steps only through
expressions (`${{ inputs.x }}`), not as INPUT_ variables.

`uses:` steps cannot run here; the two this project's action uses are
emulated with a local directory (--cache): actions/cache/restore (an exact
key match copies the saved files back and sets `cache-hit`) and
actions/cache/save (copies the path under its key; a key is never
overwritten, as on GitHub). Saved files are stored by the path's position,
not its absolute name: each emulated runner has a RUNNER_TOOL_CACHE of its
own, where GitHub's runners share one path (/opt/hostedtoolcache). Any
other `uses:` is an error.

Prints the log (every step's output, workflow commands included) and then
one line `RESULT <json>` with the outcome, each step's outcome and outputs,
the action's outputs and the job summary. Exits 0 when the action
succeeded, 1 when a step failed. Standard library only.
"""

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile

try:
    import yaml  # PyYAML, in the test virtualenv
except ImportError:  # pragma: no cover
    sys.exit("run_action.py needs PyYAML (tests/tools/requirements.txt)")


# --- expressions ---------------------------------------------------------

TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)"
    r"|(?P<op>==|!=|&&|\|\||<=|>=|[()!<>,.\[\]*])|(?P<name>[A-Za-z_][A-Za-z0-9_-]*))"
)


def tokenize(text):
    pos, out = 0, []
    text = text.strip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ValueError(f"cannot parse expression at {text[pos:]!r}")
        pos = m.end()
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
    return out


class Expr:
    """A recursive-descent evaluator of GitHub's expression syntax: literals,
    context paths (a.b['c']), ! == != < <= > >= && ||, and the functions
    success, failure, always, cancelled, format, contains, startsWith,
    endsWith, toJSON, fromJSON."""

    def __init__(self, tokens, ctx):
        self.t, self.i, self.ctx = tokens, 0, ctx

    def peek(self):
        return self.t[self.i] if self.i < len(self.t) else (None, None)

    def take(self, value=None):
        tok = self.peek()
        if value is not None and tok[1] != value:
            raise ValueError(f"expected {value!r}, got {tok[1]!r}")
        self.i += 1
        return tok

    def parse(self):
        v = self.or_()
        if self.i != len(self.t):
            raise ValueError(f"unexpected {self.peek()[1]!r}")
        return v

    def or_(self):
        v = self.and_()
        while self.peek()[1] == "||":
            self.take()
            r = self.and_()
            v = v if truthy(v) else r
        return v

    def and_(self):
        v = self.cmp()
        while self.peek()[1] == "&&":
            self.take()
            r = self.cmp()
            v = r if truthy(v) else v
        return v

    def cmp(self):
        v = self.unary()
        while self.peek()[1] in ("==", "!=", "<", "<=", ">", ">="):
            op = self.take()[1]
            r = self.unary()
            a, b = coerce(v, r)
            v = {"==": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
        return v

    def unary(self):
        if self.peek()[1] == "!":
            self.take()
            return not truthy(self.unary())
        return self.primary()

    def primary(self):
        kind, value = self.take()
        if kind == "str":
            return value[1:-1].replace("''", "'")
        if kind == "num":
            return float(value)
        if value == "(":
            v = self.or_()
            self.take(")")
            return v
        if kind != "name":
            raise ValueError(f"unexpected {value!r}")
        if value in ("true", "false"):
            return value == "true"
        if value == "null":
            return None
        if self.peek()[1] == "(":
            self.take()
            args = []
            while self.peek()[1] != ")":
                args.append(self.or_())
                if self.peek()[1] == ",":
                    self.take()
            self.take(")")
            return self.call(value, args)
        v = self.ctx.get(value)
        while self.peek()[1] in (".", "["):
            if self.take()[1] == ".":
                key = self.take()[1]
            else:
                key = self.or_()
                self.take("]")
            v = v.get(key) if isinstance(v, dict) else None
        return v

    def call(self, name, args):
        status = self.ctx["__status"]
        lower = name.lower()
        if lower == "success":
            return status == "success"
        if lower == "failure":
            return status == "failure"
        if lower == "always":
            return True
        if lower == "cancelled":
            return False
        if lower == "format":
            text = args[0]
            return re.sub(r"\{(\d+)\}", lambda m: to_str(args[int(m.group(1)) + 1]), text)
        if lower == "contains":
            hay, needle = args
            if isinstance(hay, list):
                return any(to_str(x).lower() == to_str(needle).lower() for x in hay)
            return to_str(needle).lower() in to_str(hay).lower()
        if lower == "startswith":
            return to_str(args[0]).lower().startswith(to_str(args[1]).lower())
        if lower == "endswith":
            return to_str(args[0]).lower().endswith(to_str(args[1]).lower())
        if lower == "tojson":
            return json.dumps(args[0], indent=2)
        if lower == "fromjson":
            return json.loads(args[0])
        if lower == "hashfiles":
            raise ValueError("hashFiles() sees only the workspace: do not use it in an action")
        raise ValueError(f"unknown function {name}")


def truthy(v):
    return v not in (None, False, 0, 0.0, "")


def to_str(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else str(v)
    if isinstance(v, (dict, list)):
        return json.dumps(v)
    return str(v)


def coerce(a, b):
    """GitHub compares strings case-insensitively and otherwise as numbers."""
    if isinstance(a, str) and isinstance(b, str):
        return a.lower(), b.lower()

    def num(x):
        if x is None:
            return 0.0
        if isinstance(x, bool):
            return 1.0 if x else 0.0
        if isinstance(x, (int, float)):
            return float(x)
        try:
            return float(x.strip()) if x.strip() else 0.0
        except ValueError:
            return float("nan")

    return num(a), num(b)


def evaluate(text, ctx):
    return Expr(tokenize(text), ctx).parse()


def expand(value, ctx):
    """A string with ${{ }} parts, as GitHub interpolates it."""
    if not isinstance(value, str):
        return to_str(value)
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: to_str(evaluate(m.group(1), ctx)), value, flags=re.S)


def condition(text, ctx):
    text = text.strip()
    m = re.fullmatch(r"\$\{\{(.*)\}\}", text, flags=re.S)
    if m:
        text = m.group(1)
    if not re.search(r"\b(success|failure|always|cancelled)\s*\(", text):
        text = f"success() && ({text})"
    return truthy(evaluate(text, ctx))


# --- files the runner reads back ------------------------------------------

def read_file_commands(path):
    """name=value lines and name<<DELIM heredocs (GITHUB_OUTPUT, GITHUB_ENV)."""
    out = {}
    if not os.path.exists(path):
        return out
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            body = []
            while i < len(lines) and lines[i] != delim:
                body.append(lines[i])
                i += 1
            i += 1
            out[name] = "\n".join(body)
        elif "=" in line:
            name, value = line.split("=", 1)
            out[name] = value
        else:
            raise ValueError(f"{path}: invalid line {line!r}")
    return out


# --- the run -------------------------------------------------------------

def runner_os_arch():
    system = {"Linux": "Linux", "Darwin": "macOS", "Windows": "Windows"}[platform.system()]
    machine = platform.machine().lower()
    arch = {"x86_64": "X64", "amd64": "X64", "aarch64": "ARM64", "arm64": "ARM64"}.get(machine, machine)
    return system, arch


def emulate(uses, with_, cache_dir, log):
    name = uses.split("@", 1)[0]
    outputs = {}
    if name == "actions/cache/restore":
        key = with_["key"]
        saved = os.path.join(cache_dir, key)
        if os.path.isdir(saved):
            for i, path in enumerate(filter(None, with_["path"].splitlines())):
                src = os.path.join(saved, str(i))
                if os.path.exists(src):
                    shutil.copytree(src, path.strip(), dirs_exist_ok=True)
            outputs = {"cache-hit": "true", "cache-primary-key": key, "cache-matched-key": key}
            log(f"Cache restored from key: {key}")
        else:
            outputs = {"cache-hit": "", "cache-primary-key": key}
            log(f"Cache not found for input keys: {key}")
    elif name == "actions/cache/save":
        key = with_["key"]
        saved = os.path.join(cache_dir, key)
        if os.path.isdir(saved):
            log(f"Cache already exists for key {key}: not saved")
        else:
            for i, path in enumerate(filter(None, with_["path"].splitlines())):
                path = path.strip()
                if os.path.exists(path):
                    shutil.copytree(path, os.path.join(saved + ".tmp", str(i)), dirs_exist_ok=True)
            if os.path.isdir(saved + ".tmp"):
                os.rename(saved + ".tmp", saved)
                log(f"Cache saved with key: {key}")
            else:
                log(f"Path does not exist: {with_['path']}: not saved")
    else:
        raise ValueError(f"{uses}: this runner emulates only actions/cache/restore and save")
    return outputs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("action_dir")
    ap.add_argument("workspace")
    ap.add_argument("--input", action="append", default=[], metavar="NAME=VALUE")
    ap.add_argument("--cache", required=True, help="the emulated actions/cache store")
    ap.add_argument("--temp", required=True, help="RUNNER_TEMP (and the tool cache under it)")
    ap.add_argument("--action-ref", default="", help="github.action_ref")
    args = ap.parse_args()

    action_dir = os.path.abspath(args.action_dir)
    workspace = os.path.abspath(args.workspace)
    action = yaml.safe_load(open(os.path.join(action_dir, "action.yml"), encoding="utf-8"))
    if action["runs"]["using"] != "composite":
        sys.exit("not a composite action")

    given = {}
    for item in args.input:
        name, value = item.split("=", 1)
        given[name] = value
    inputs = {}
    for name, spec in (action.get("inputs") or {}).items():
        inputs[name] = given.pop(name, to_str(spec.get("default", "")))
    if given:
        sys.exit(f"unknown inputs: {sorted(given)}")  # GitHub warns; a test should not pass them

    runner_os, runner_arch = runner_os_arch()
    temp = os.path.abspath(args.temp)
    os.makedirs(temp, exist_ok=True)
    tool_cache = os.path.join(temp, "_tool")
    os.makedirs(tool_cache, exist_ok=True)
    files = tempfile.mkdtemp(prefix="files-", dir=temp)
    summary_path = os.path.join(files, "summary.md")
    open(summary_path, "w").close()

    env = dict(os.environ)
    env.update(
        GITHUB_ACTIONS="true",
        CI="true",
        GITHUB_WORKSPACE=workspace,
        GITHUB_ACTION_PATH=action_dir,
        GITHUB_ACTION_REF=args.action_ref,
        RUNNER_OS=runner_os,
        RUNNER_ARCH=runner_arch,
        RUNNER_TEMP=temp,
        RUNNER_TOOL_CACHE=tool_cache,
    )
    extra_path = []
    steps = {}
    ctx = {
        "inputs": inputs,
        "steps": steps,
        "github": {"action_path": action_dir, "action_ref": args.action_ref, "workspace": workspace},
        "runner": {"os": runner_os, "arch": runner_arch, "temp": temp, "tool_cache": tool_cache},
        "env": env,
        "__status": "success",
    }

    def log(line):
        print(line, flush=True)

    for n, step in enumerate(action["runs"]["steps"]):
        sid = step.get("id", f"__{n}")
        name = step.get("name", sid)
        if not condition(to_str(step.get("if", "success()")), ctx):
            log(f"--- step {name}: skipped")
            steps[sid] = {"outputs": {}, "outcome": "skipped", "conclusion": "skipped"}
            continue
        log(f"--- step {name}")
        step_env = {k: expand(v, ctx) for k, v in (step.get("env") or {}).items()}
        if "uses" in step:
            with_ = {k: expand(v, ctx) for k, v in (step.get("with") or {}).items()}
            outputs = emulate(step["uses"], with_, args.cache, log)
            steps[sid] = {"outputs": outputs, "outcome": "success", "conclusion": "success"}
            continue
        if step.get("shell") != "bash":
            sys.exit(f"step {name}: only `shell: bash` is supported")
        script = expand(step["run"], ctx)
        script_path = os.path.join(files, f"step-{n}.sh")
        with open(script_path, "w", encoding="utf-8") as f:
            f.write(script)
        output_path = os.path.join(files, f"output-{n}")
        env_path = os.path.join(files, f"env-{n}")
        path_path = os.path.join(files, f"path-{n}")
        step_summary = os.path.join(files, f"summary-{n}.md")
        for p in (output_path, env_path, path_path, step_summary):
            open(p, "w").close()
        run_env = dict(env)
        run_env.update(step_env)
        run_env.update(
            GITHUB_OUTPUT=output_path,
            GITHUB_ENV=env_path,
            GITHUB_PATH=path_path,
            GITHUB_STEP_SUMMARY=step_summary,
        )
        if extra_path:
            run_env["PATH"] = os.pathsep.join(extra_path + [env.get("PATH", "")])
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", script_path],
            cwd=workspace,
            env=run_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        sys.stdout.write(proc.stdout)
        outputs = read_file_commands(output_path)
        env.update(read_file_commands(env_path))
        for line in open(path_path, encoding="utf-8").read().splitlines():
            if line.strip():
                extra_path.insert(0, line.strip())
        with open(summary_path, "a", encoding="utf-8") as f:
            f.write(open(step_summary, encoding="utf-8").read())
        outcome = "success" if proc.returncode == 0 else "failure"
        if proc.returncode != 0:
            log(f"##[error]Process completed with exit code {proc.returncode}.")
            if not step.get("continue-on-error"):
                ctx["__status"] = "failure"
        steps[sid] = {"outputs": outputs, "outcome": outcome, "conclusion": outcome, "exit_code": proc.returncode}

    ctx["__status"] = ctx["__status"]
    outputs = {name: expand(spec.get("value", ""), ctx) for name, spec in (action.get("outputs") or {}).items()}
    result = {
        "outcome": ctx["__status"],
        "steps": {k: v for k, v in steps.items()},
        "outputs": outputs,
        "summary": open(summary_path, encoding="utf-8").read(),
        "path": extra_path,
    }
    log("RESULT " + json.dumps(result))
    return 0 if ctx["__status"] == "success" else 1


if __name__ == "__main__":
    sys.exit(main())
