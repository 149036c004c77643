"""The measurements of real_json.py, one function per phase.

Each phase takes the selected policies (laid out under the work folder),
records per-policy outcomes in `details` and returns its part of the summary.
All paths handed to gov are relative to the work folder.
"""

import collections
import json
import os
import re
import shutil

import normal
from govrun import Tally, failure_reasons, progress, rate, reason, timing

KIND = ("--kind", "policy")
LINT_CHUNK = 4000  # files per `gov lint` process: one for the whole package, far below ARG_MAX
SIDE_WRAPPERS = ("E0909",)  # "a diff side does not build": the errors before it say why
SID_LINE = re.compile(r'^\s*@sid\("(?:[^"\\]|\\.)*"\)\s*$')  # a rule's statement id, alone on its line


def probe_json_sides(gov, work):
    """Whether this gov's `diff` takes policy JSON files as sides.

    Two one-statement policies that differ in one action: a binary that takes
    JSON sides ends with 0 or 1 and prints the JSON report; one that does not
    fails to parse them as `.gov` (exit 2). `--kind policy` is passed when
    `gov diff --help` offers `--kind`.
    """
    help_run = gov.run("diff", "--help")
    with_kind = "--kind" in help_run.stdout
    sides = []
    for side, action in (("old", "s3:GetObject"), ("new", "s3:PutObject")):
        rel = os.path.join("probe", side, "Probe.json")
        os.makedirs(os.path.join(work, os.path.dirname(rel)), exist_ok=True)
        with open(os.path.join(work, rel), "w", encoding="utf-8") as fh:
            json.dump({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": action, "Resource": "*"}]}, fh)
        sides.append(rel)
    run = gov.run("diff", "--format", "json", *(KIND if with_kind else ()), *sides)
    accepted = run.rc in (0, 1) and parse_diff(run.stdout) is not None
    return {"accepted": accepted, "with_kind": with_kind and accepted}


def diff_args(json_sides):
    return ("diff", "--format", "json", *(KIND if json_sides.get("with_kind") else ()))


def parse_diff(stdout):
    try:
        report = json.loads(stdout)
    except ValueError:
        return None
    return report if isinstance(report, dict) and "changes" in report else None


def lint(gov, selected, details):
    """One `gov lint` process per LINT_CHUNK latest versions; a chunk that breaks is redone file by file."""
    by_file = {p["latest_json"]: p["name"] for p in selected}
    files = list(by_file)
    findings = collections.Counter()
    example = {}
    per_policy = collections.Counter()  # findings per policy
    errors_per_policy = collections.Counter()  # findings per policy
    broken = Tally()
    broken_names = set()
    seconds = 0.0

    def take(stdout):
        for line in stdout.splitlines():
            try:
                diag = json.loads(line)
            except ValueError:
                continue
            name = by_file.get(diag.get("file"), diag.get("file"))
            key = (diag.get("code"), diag.get("severity"))
            findings[key] += 1
            example.setdefault(key, name)
            per_policy[name] += 1
            if diag.get("severity") == "error":
                errors_per_policy[name] += 1
            details.get(name, {}).setdefault("lint", []).append(diag.get("code"))

    for start in range(0, len(files), LINT_CHUNK):
        chunk = files[start:start + LINT_CHUNK]
        run = gov.run("lint", *KIND, "--format", "json", *chunk)
        seconds += run.seconds
        if run.rc in (0, 1) and not run.abnormal:
            take(run.stdout)
            continue
        for rel in chunk:  # find the files that break it; their time is not lint time
            single = gov.run("lint", *KIND, "--format", "json", rel)
            if single.rc in (0, 1) and not single.abnormal:
                take(single.stdout)
            else:
                broken.add(by_file[rel], failure_reasons(single))
                broken_names.add(by_file[rel])
                details[by_file[rel]]["lint_broke"] = failure_reasons(single)

    documents = len(files)
    codes = [{"code": c, "severity": s, "findings": n, "example": example[(c, s)]}
             for (c, s), n in findings.most_common()]
    return {
        "documents": documents,
        "processes": -(-documents // LINT_CHUNK),
        "seconds": round(seconds, 3),
        "documents_per_s": round(documents / seconds, 1) if seconds else None,
        "findings": sum(findings.values()),
        "by_severity": dict(collections.Counter(
            s for (_, s) in findings.elements())),
        "by_code": codes,
        "documents_with_errors": len(errors_per_policy),
        "documents_with_findings": len(per_policy),
        "documents_clean": documents - len(set(per_policy) | broken_names),
        "documents_lint_broke_on": len(broken_names),
        "top_policies": [{"policy": n, "findings": c, "errors": errors_per_policy[n]}
                         for n, c in per_policy.most_common(10)],
        "lint_broke": broken.top(),
    }


def import_one(gov, json_rel, out_rel):
    """`gov import` of one file into a folder; the `.gov` path on success, and the run."""
    run = gov.run("import", *KIND, json_rel, "--out", out_rel)
    stem = os.path.splitext(os.path.basename(json_rel))[0]
    gov_rel = os.path.join(out_rel, stem + ".gov")
    ok = run.rc == 0 and os.path.exists(os.path.join(gov.cwd, gov_rel))
    return (gov_rel if ok else None), run


def import_latest(gov, pool, selected, details):
    def task(policy):
        return import_one(gov, policy["latest_json"], os.path.join("imported", policy["slot"]))

    refused = Tally()
    seconds = []
    for policy, (gov_rel, run) in zip(selected, pool.map(task, selected)):
        seconds.append(run.seconds)
        policy["imported_gov"] = gov_rel
        if gov_rel:
            details[policy["name"]]["import"] = "ok"
        else:
            reasons = failure_reasons(run)
            refused.add(policy["name"], reasons)
            details[policy["name"]]["import"] = reasons
    imported = sum(1 for p in selected if p["imported_gov"])
    return {
        "documents": len(selected),
        "imported": imported,
        "refused": len(selected) - imported,
        "import_rate": rate(imported, len(selected)),
        "time": timing(seconds),
        "refusals_by_code": refused.by_code(),
        "refusal_reasons": refused.top(),
    }


def imported(gov, pool, selected, details):
    """`gov check`, `gov fmt --check` and `gov build` of every imported file."""
    todo = [p for p in selected if p["imported_gov"]]

    def task(policy):
        gov_rel = policy["imported_gov"]
        check = gov.run("check", "--format", "json", gov_rel)
        fmt = gov.run("fmt", "--check", gov_rel)
        out_rel = os.path.join("built", policy["slot"])
        build = gov.run("build", gov_rel, "--out", out_rel)
        return check, fmt, build, built_document(gov.cwd, out_rel) if build.rc == 0 else None

    tallies = {step: Tally() for step in ("check", "fmt", "build")}
    seconds = {step: [] for step in tallies}
    passed = collections.Counter()
    check_warnings = collections.Counter()
    for policy, (check, fmt, build, doc) in zip(todo, pool.map(task, todo)):
        name = policy["name"]
        policy["built_json"] = doc
        for step, run in (("check", check), ("fmt", fmt), ("build", build)):
            seconds[step].append(run.seconds)
        check_errors = []
        for line in check.stdout.splitlines():
            try:
                diag = json.loads(line)
            except ValueError:
                continue
            if diag.get("severity") == "error":
                check_errors.append(reason(diag.get("code"), diag.get("message", "")))
            else:
                check_warnings[diag.get("code")] += 1
        outcome = {}
        if check.rc == 0 and not check.abnormal:
            passed["check"] += 1
        else:
            outcome["check"] = failure_reasons(check) if check.abnormal else (
                check_errors or failure_reasons(check))
        if fmt.rc == 0:
            passed["fmt"] += 1
        else:
            outcome["fmt"] = (["would reformat"] if fmt.rc == 1 and fmt.stdout.strip()
                              and not fmt.abnormal else failure_reasons(fmt))
        if doc:
            passed["build"] += 1
        else:
            outcome["build"] = failure_reasons(build) if build.rc != 0 else [
                "built, but the manifest lists no single policy document"]
        for step, reasons in outcome.items():
            tallies[step].add(name, reasons)
        details[name]["imported"] = outcome or "ok"
    total = len(todo)
    sizes = size_comparison(gov.cwd, todo)
    return {
        "size": sizes,
        **{
        step: {"passed": passed[step], "of": total, "rate": rate(passed[step], total),
               "time": timing(seconds[step]), "failures_by_code": tallies[step].by_code(),
               "failure_reasons": tallies[step].top(10),
               **({"warnings_by_code": dict(check_warnings.most_common())}
                  if step == "check" else {})}
        for step in ("check", "fmt", "build")
        },
    }


def non_whitespace(path):
    """What AWS counts against a policy's size: characters other than whitespace."""
    with open(path, encoding="utf-8") as fh:
        return sum(1 for c in fh.read() if not c.isspace())


def size_comparison(cwd, policies):
    """The built document of each imported policy against AWS's own, in non-whitespace characters."""
    ratios = []
    larger = []
    for policy in policies:
        built = policy.get("built_json")
        if not built:
            continue
        original = non_whitespace(os.path.join(cwd, policy["latest_json"]))
        rebuilt = non_whitespace(os.path.join(cwd, built))
        ratios.append(rebuilt / original if original else 1.0)
        if rebuilt > original:
            larger.append((rebuilt - original, policy["name"], original, rebuilt))
    ratios.sort()
    larger.sort(reverse=True)
    n = len(ratios)
    return {
        "compared": n,
        "no_larger": n - len(larger),
        "no_larger_rate": rate(n - len(larger), n),
        "ratio_median": ratios[n // 2] if n else None,
        "ratio_max": ratios[-1] if n else None,
        "largest_growth": [
            {"policy": name, "aws": o, "gov": r} for _, name, o, r in larger[:10]
        ],
    }


def built_document(cwd, out_rel):
    """The one JSON document `gov build` wrote into out_rel (from its manifest), or None."""
    try:
        with open(os.path.join(cwd, out_rel, "manifest.json"), encoding="utf-8") as fh:
            listed = json.load(fh).get("policies", [])
    except (OSError, ValueError):
        return None
    if len(listed) != 1 or not isinstance(listed[0].get("path"), str):
        return None
    return os.path.join(out_rel, listed[0]["path"])


def round_trip(gov, pool, selected, details, json_sides):
    """Original JSON → .gov (A) → rebuilt JSON → .gov again (B), compared three or four ways."""
    todo = [p for p in selected if p.get("built_json")]

    def task(policy):
        slot_rel = os.path.join("rt", policy["slot"])
        rebuilt_rel = os.path.join(slot_rel, policy["stem"] + ".json")
        os.makedirs(os.path.join(gov.cwd, slot_rel), exist_ok=True)
        shutil.copyfile(os.path.join(gov.cwd, policy["built_json"]),
                        os.path.join(gov.cwd, rebuilt_rel))
        again, import_run = import_one(gov, rebuilt_rel, slot_rel)
        diff_run = gov.run("diff", "--format", "json", policy["imported_gov"], again) \
            if again else None
        json_run = gov.run(*diff_args(json_sides), policy["latest_json"], rebuilt_rel) \
            if json_sides["accepted"] else None
        return rebuilt_rel, again, import_run, diff_run, json_run

    counts = collections.Counter()
    problems = Tally()
    diff_seconds = []
    for policy, (rebuilt_rel, again, import_run, diff_run, json_run) in zip(
            todo, pool.map(task, todo)):
        name = policy["name"]
        record = {}
        original = policy["documents"][policy["latest"]]
        with open(os.path.join(gov.cwd, rebuilt_rel), encoding="utf-8") as fh:
            rebuilt = json.load(fh)
        record["json_same_statements"] = normal.same_statements(original, rebuilt)
        counts["json_same_statements"] += record["json_same_statements"]
        if not again:
            problems.add(name, ["re-import: " + r for r in failure_reasons(import_run)])
            record["reimport"] = failure_reasons(import_run)
        else:
            counts["reimported"] += 1
            text_a, text_b = read(gov.cwd, policy["imported_gov"]), read(gov.cwd, again)
            record["gov_text_equal"] = text_a == text_b
            record["gov_text_equal_but_sids"] = without_sids(text_a) == without_sids(text_b)
            counts["gov_text_equal"] += record["gov_text_equal"]
            counts["gov_text_equal_but_sids"] += record["gov_text_equal_but_sids"]
            diff_seconds.append(diff_run.seconds)
            record["gov_diff"] = judge(diff_run, problems, name, "diff of the two imports: ")
            counts["gov_diff_" + record["gov_diff"]] += 1
        if json_run is not None:
            record["json_diff"] = judge(json_run, problems, name, "JSON diff: ")
            counts["json_diff_" + record["json_diff"]] += 1
        details[name]["round_trip"] = record
    total = len(todo)
    return {
        "meaning": {
            "compared": "every latest version that imported and built: original JSON O, "
                        "A = import(O), R = build(A), B = import(R)",
            "json_same_statements": "O and R have the same statements after a light "
                                    "normalisation (Sids dropped, lists sorted and "
                                    "de-duplicated, actions and condition keys lower-cased, a "
                                    "single value as a one-element list): equal text up to "
                                    "layout, a lower bound on equal meaning",
            "gov_text_equal": "A and B are the same text: import and build are stable on "
                              "this policy (a fixpoint), not proof that R means O",
            "gov_text_equal_but_sids": "A and B are the same text once `@sid(…)` lines are "
                                       "dropped (R carries the Sids gov generated where O had "
                                       "none, and B keeps them)",
            "gov_diff_no_change": "`gov diff A B --format json` lists no change: build(A) and "
                                  "build(B) decide every request gov's diff explores alike "
                                  "(exhaustive unless it says otherwise) and render the same "
                                  "JSON",
            "json_diff_no_change": "`gov diff O R` on the JSON itself lists no change: the "
                                   "rebuilt JSON means the original (only with a gov whose "
                                   "diff takes JSON sides)",
        },
        "policies": total,
        "json_same_statements": counts["json_same_statements"],
        "reimported": counts["reimported"],
        "gov_text_equal": counts["gov_text_equal"],
        "gov_text_equal_but_sids": counts["gov_text_equal_but_sids"],
        "gov_diff": {k[len("gov_diff_"):]: v for k, v in counts.items()
                     if k.startswith("gov_diff_")},
        "json_diff": ({k[len("json_diff_"):]: v for k, v in counts.items()
                       if k.startswith("json_diff_")}
                      if json_sides["accepted"] else "not available: this gov's diff takes no JSON sides"),
        "rates": {k: rate(counts[k], total) for k in (
            "json_same_statements", "gov_text_equal", "gov_text_equal_but_sids",
            "gov_diff_no_change",
            *(("json_diff_no_change",) if json_sides["accepted"] else ()))},
        "diff_time": timing(diff_seconds),
        "problems": problems.top(10),
    }


def judge(run, problems, name, label):
    """no_change | same_access (only text differs) | changed | failed, from a `gov diff` run."""
    report = parse_diff(run.stdout) if run.rc in (0, 1) else None
    if report is None:
        problems.add(name, [label + r for r in failure_reasons(run, SIDE_WRAPPERS)])
        return "failed"
    if not report["changes"]:
        return "no_change"
    if not report.get("widens") and not report.get("narrows"):
        return "same_access"
    return "changed"


def without_sids(text):
    return "".join(line for line in text.splitlines(keepends=True) if not SID_LINE.match(line))


def read(cwd, rel):
    with open(os.path.join(cwd, rel), encoding="utf-8") as fh:
        return fh.read()


def pairs(gov, pool, selected, details, json_sides):
    """`gov diff` of each consecutive pair of stored versions; exit 2 means not diffable."""
    sides = {}  # (policy index, version) -> path gov diffs, or reasons it cannot
    import_seconds = []
    if json_sides["accepted"]:
        for i, policy in enumerate(selected):
            for version, rel in policy["version_json"].items():
                sides[(i, version)] = rel
    else:
        todo = [(i, version, rel) for i, policy in enumerate(selected)
                for version, rel in policy["version_json"].items()]

        def import_task(item):
            _, _, rel = item
            return import_one(gov, rel, os.path.dirname(rel))

        progress(f"  importing {len(todo)} versions")
        for (i, version, _), (gov_rel, run) in zip(todo, pool.map(import_task, todo)):
            import_seconds.append(run.seconds)
            sides[(i, version)] = gov_rel or ["import: " + r for r in failure_reasons(run)]

    work = [(i, old, new) for i, policy in enumerate(selected) for old, new in policy["pairs"]]

    def diff_task(item):
        i, old, new = item
        a, b = sides[(i, old)], sides[(i, new)]
        if isinstance(a, list) or isinstance(b, list):
            return None
        return gov.run(*diff_args(json_sides), a, b)

    failures = Tally()
    outcome = collections.Counter()
    seconds = []
    slowest = []
    step = max(1, len(work) // 10)
    for done, ((i, old, new), run) in enumerate(zip(work, pool.map(diff_task, work)), 1):
        if done % step == 0:
            progress(f"  {done} of {len(work)} pairs")
        name = selected[i]["name"]
        record = {"old": old, "new": new}
        if run is None:
            reasons = [r for side in (old, new) if isinstance(sides[(i, side)], list)
                       for r in sides[(i, side)]]
            record["not_diffable"] = reasons
            failures.add(f"{name} {old}→{new}", reasons)
        else:
            seconds.append(run.seconds)
            slowest.append((run.seconds, f"{name} {old}→{new}"))
            report = parse_diff(run.stdout) if run.rc in (0, 1) else None
            if report is None:
                record["not_diffable"] = failure_reasons(run, SIDE_WRAPPERS)
                failures.add(f"{name} {old}→{new}", record["not_diffable"])
            else:
                record["widens"] = bool(report.get("widens"))
                record["narrows"] = bool(report.get("narrows"))
                record["exhaustive"] = bool(report.get("exhaustive", True))
                outcome["widens"] += record["widens"]
                outcome["narrows"] += record["narrows"]
                outcome["no_access_change"] += not (record["widens"] or record["narrows"])
                outcome["not_exhaustive"] += not record["exhaustive"]
            record["seconds"] = round(run.seconds, 3)
        outcome["not_diffable"] += "not_diffable" in record
        details[name].setdefault("pairs", []).append(record)
    total = len(work)
    diffable = total - outcome["not_diffable"]
    return {
        "sides": "JSON files" if json_sides["accepted"] else "each version imported to .gov first",
        "pairs": total,
        "diffable": diffable,
        "not_diffable": total - diffable,
        "diffable_rate": rate(diffable, total),
        "outcomes": {k: v for k, v in outcome.items() if k != "not_diffable"},
        "diff_time_per_pair": timing(seconds),
        "import_time_per_version": timing(import_seconds),
        "slowest": [{"pair": p, "seconds": round(s, 3)} for s, p in sorted(slowest)[::-1][:5]],
        "failures_by_code": failures.by_code(),
        "failure_reasons": failures.top(10),
    }
