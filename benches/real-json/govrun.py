"""Running the gov binary and reading what it says.

Every command is an argument list (never a shell string), run from the work
folder with relative paths that always start with a folder name, so no policy
name can be taken for an option or split by a shell.
"""

import collections
import re
import subprocess
import sys
import time

# gov's exit codes: 0 clean, 1 findings, 2 usage or I/O errors; a Rust panic is 101.
EXIT_PANIC = 101
DIAG_LINE = re.compile(r"^(error|warning)\[([A-Z]\d{4})\]: (.*)$")
BACKTICKED = re.compile(r"`[^`]*`")
# Backticked words kept when grouping messages: IAM condition operators and
# policy elements (`StringEqualsIgnoreCase`, `ForAnyValue:StringLike`,
# `NotPrincipal`), which say *why*; the rest (actions, keys, ARNs, values,
# policy names) is the policy's own text.
KEPT_WORD = re.compile(
    r"`(?:(?:ForAnyValue|ForAllValues):)?"
    r"(?:String|Numeric|Date|Bool|Binary|IpAddress|NotIpAddress|Arn|Null)[A-Za-z]*`"
    r"|`(?:Not)?(?:Action|Resource|Principal)`|`(?:Version|Effect|Statement|Sid|Condition)`")
NUMBER = re.compile(r"\b\d+\b")
CODE_AT_START = re.compile(r"^((?:[^:`]*: )?)([A-Z]\d{4}):")


class Run:
    """The outcome of one gov command."""

    __slots__ = ("rc", "seconds", "stdout", "stderr", "timed_out")

    def __init__(self, rc, seconds, stdout, stderr, timed_out=False):
        self.rc, self.seconds, self.stdout, self.stderr = rc, seconds, stdout, stderr
        self.timed_out = timed_out

    @property
    def abnormal(self):
        """Why the command did not end as gov means to end, or None."""
        if self.timed_out:
            return "timeout"
        if self.rc == EXIT_PANIC:
            return "panic (exit 101)"
        if self.rc is not None and self.rc < 0:
            return f"killed by signal {-self.rc}"
        if self.rc not in (0, 1, 2):
            return f"exit {self.rc}"
        return None


class Gov:
    """The binary, the folder it runs in, and the time limit of one command."""

    def __init__(self, binary, cwd, timeout):
        self.binary, self.cwd, self.timeout = binary, cwd, timeout

    def run(self, *args):
        cmd = [self.binary, "--color", "never", *args]
        start = time.perf_counter()
        try:
            done = subprocess.run(cmd, cwd=self.cwd, capture_output=True, text=True,
                                  errors="replace", timeout=self.timeout, check=False)
        except subprocess.TimeoutExpired as e:
            out = e.stdout.decode("utf-8", "replace") if isinstance(e.stdout, bytes) else ""
            err = e.stderr.decode("utf-8", "replace") if isinstance(e.stderr, bytes) else ""
            return Run(None, time.perf_counter() - start, out, err, timed_out=True)
        return Run(done.returncode, time.perf_counter() - start, done.stdout, done.stderr)

    def version(self):
        done = subprocess.run([self.binary, "--version"], capture_output=True, text=True,
                              check=False, timeout=60)
        return done.stdout.strip()


def progress(message):
    """A line on stderr, so a long run shows where it is."""
    print(f"[real-json] {message}", file=sys.stderr, flush=True)


def diagnostics(text, severity="error"):
    """(code, message) of each human-rendered diagnostic of `severity` in `text`."""
    found = []
    for line in text.splitlines():
        match = DIAG_LINE.match(line)
        if match and match.group(1) == severity:
            found.append((match.group(2), match.group(3)))
    return found


def reason(code, message):
    """A grouping key for a diagnostic: its code and its message with the policy's text elided."""
    parts = re.split(r"(`[^`]*`)", message)
    shape = "".join(
        (part if KEPT_WORD.fullmatch(part) else "`…`") if part.startswith("`")
        else NUMBER.sub("N", part)
        for part in parts)
    return f"{code}: {shape}"


def failure_reasons(run, wrappers=()):
    """Why a command failed, as reasons: abnormal ends first, then its errors.

    Codes in `wrappers` (such as E0909 "a diff side does not build") are kept
    only when no other error says more.
    """
    if run.abnormal:
        return [run.abnormal]
    errors = diagnostics(run.stderr)
    inner = [e for e in errors if e[0] not in wrappers] or errors
    if not inner:
        tail = run.stderr.strip().splitlines()[-1:] or ["(no message)"]
        return [f"exit {run.rc} without a diagnostic: {tail[0][:160]}"]
    return [reason(code, message) for code, message in inner]


def timing(seconds):
    """Total, mean and percentiles (ms) of a list of durations in seconds."""
    if not seconds:
        return {"count": 0}
    ordered = sorted(seconds)

    def nearest_rank(q):
        return ordered[max(0, -(-len(ordered) * q // 100) - 1)]

    return {
        "count": len(ordered),
        "total_s": round(sum(ordered), 3),
        "mean_ms": round(1000 * sum(ordered) / len(ordered), 2),
        "p50_ms": round(1000 * nearest_rank(50), 2),
        "p95_ms": round(1000 * nearest_rank(95), 2),
        "max_ms": round(1000 * ordered[-1], 2),
    }


class Tally:
    """Counts of reasons and of codes, each with how many items had it and one example item."""

    def __init__(self):
        self.items = collections.Counter()
        self.occurrences = collections.Counter()
        self.example = {}
        self.code_items = collections.Counter()
        self.code_example = {}

    def add(self, item, reasons):
        for r in reasons:
            self.occurrences[r] += 1
        for r in dict.fromkeys(reasons):
            self.items[r] += 1
            self.example.setdefault(r, item)
        for code in dict.fromkeys(code_of(r) for r in reasons):
            self.code_items[code] += 1
            self.code_example.setdefault(code, item)

    def top(self, n=None):
        return [{"reason": r, "items": c, "occurrences": self.occurrences[r],
                 "example": self.example[r]} for r, c in self.items.most_common(n)]

    def by_code(self):
        return [{"code": k, "items": c, "example": self.code_example[k]}
                for k, c in self.code_items.most_common()]


def code_of(reason_text):
    """The diagnostic code of a reason, with its label if any (`import: E0608`), or the
    whole reason when it has none (timeouts, panics)."""
    match = CODE_AT_START.match(reason_text)
    return match.group(1) + match.group(2) if match else reason_text


def rate(part, whole):
    return round(part / whole, 4) if whole else None
