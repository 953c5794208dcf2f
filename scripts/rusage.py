"""Peak memory and CPU of one program, not of the script that starts it.

Used by scripts/bench-offline, bench-live and bench-org (standard library
only). A child's ru_maxrss includes the high-water mark of the process it
was forked (or posix_spawn'ed) from, which Linux keeps across exec: a tool
started straight from a benchmark script is charged with the script's own
peak memory (/bin/true measured 513 MB after the script had once held 500
MB). So the tool is started by a small process, GNU time where installed,
else a bare Python, that forks it and reports its rusage to a file.

    argv, path = wrapped(["conform", "scan", ...])
    ... run argv, wait for it ...
    user, system, maxrss_kib = read(path)   # also removes the file
"""

import json
import os
import sys
import tempfile

GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None

_WRAPPER = r"""
import json, os, sys
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, st, ru = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    json.dump({"utime": ru.ru_utime, "stime": ru.ru_stime, "maxrss_kb": ru.ru_maxrss}, f)
code = os.waitstatus_to_exitcode(st)
sys.exit(code if code >= 0 else 128 - code)
"""


def wrapped(argv):
    """`argv` run through the measuring process, and the file its rusage goes to."""
    fd, path = tempfile.mkstemp(prefix="bench-rusage.")
    os.close(fd)
    if GNU_TIME:
        return [GNU_TIME, "-q", "-o", path, "-f", "%U %S %M", *argv], path
    return [sys.executable, "-I", "-S", "-c", _WRAPPER, path, *argv], path


def read(path):
    """(user seconds, system seconds, peak RSS in KiB) of the measured
    program, from the file `wrapped` named; the file is removed."""
    try:
        text = open(path).read().strip()
    finally:
        os.unlink(path)
    if GNU_TIME:
        # GNU time writes "Command exited with non-zero status N" first when
        # the program fails; the figures are on the last line.
        user, system, maxrss = (float(x) for x in text.splitlines()[-1].split())
        return user, system, maxrss
    ru = json.loads(text)
    return ru["utime"], ru["stime"], ru["maxrss_kb"]
