"""The human summary of real_json.py, rendered from the machine-readable one."""


def pct(rate):
    return "n/a" if rate is None else f"{100 * rate:.1f} %"


def ms(timing):
    if not timing.get("count"):
        return "none run"
    return (f"mean {timing['mean_ms']:.1f} ms, p50 {timing['p50_ms']:.1f}, "
            f"p95 {timing['p95_ms']:.1f}, max {timing['max_ms']:.1f} (total {timing['total_s']:.1f} s)")


def reasons(lines, rows, key="reason", count="items", indent="    "):
    for row in rows:
        lines.append(f"{indent}{row[count]:>5}  {row[key]}  (e.g. {row['example']})")


def render(s):
    pkg, sel, gov = s["package"], s["selection"], s["gov"]
    out = [
        f"gov on real IAM JSON: {pkg['name']}@{pkg['version']} "
        f"({pkg['policies']} policies, {pkg['versions']} stored versions)",
        f"binary: {gov['version']}, commit {gov['commit']}; JOBS={s['jobs']}; timeout {s['timeout_s']} s per command",
        f"selected: {sel['policies']} policies (by name"
        f"{', LIMIT=' + str(sel['limit']) if sel['limit'] else ''}), "
        f"{sel['pairs']} consecutive version pairs ({sel['pairs_across_a_gap']} across a gap "
        f"in the stored history)",
        "",
    ]

    if "lint" in s:
        lint = s["lint"]
        out += [
            f"LINT  gov lint --kind policy --format json, latest versions, "
            f"{lint['processes']} process(es)",
            f"  {lint['documents']} documents in {lint['seconds']:.2f} s = "
            f"{lint['documents_per_s']} documents/s",
            f"  {lint['findings']} findings {lint['by_severity']}; documents with errors "
            f"{lint['documents_with_errors']}, with any finding {lint['documents_with_findings']}, "
            f"clean {lint['documents_clean']}, lint broke on {lint['documents_lint_broke_on']}",
            "  by code:",
        ]
        for row in lint["by_code"]:
            out.append(f"    {row['findings']:>5}  {row['code']} {row['severity']}  "
                       f"(e.g. {row['example']})")
        out.append("  most findings: " + ", ".join(
            f"{r['policy']} {r['findings']} (errors: {r['errors']})" for r in lint["top_policies"]))
        reasons(out, lint["lint_broke"])

    if "import" in s:
        imp = s["import"]
        out += [
            "",
            f"IMPORT  gov import --kind policy, one process per latest version",
            f"  imported {imp['imported']} of {imp['documents']} = {pct(imp['import_rate'])}; "
            f"refused {imp['refused']}",
            f"  time per document: {ms(imp['time'])}",
            "  refusals by code (policies):",
        ]
        reasons(out, imp["refusals_by_code"], key="code")
        out.append("  top refusal reasons (policies):")
        reasons(out, imp["refusal_reasons"][:10])

    if "imported" in s:
        out += ["", "IMPORTED FILES  each imported .gov on its own"]
        for step, label in (("check", "gov check"), ("fmt", "gov fmt --check"),
                            ("build", "gov build")):
            row = s["imported"][step]
            out.append(f"  {label:<16} {row['passed']} of {row['of']} = {pct(row['rate'])}; "
                       f"{ms(row['time'])}")
            reasons(out, row["failure_reasons"], indent="      ")
        if s["imported"]["check"].get("warnings_by_code"):
            out.append(f"  check warnings by code: {s['imported']['check']['warnings_by_code']}")
        size = s["imported"].get("size")
        if size and size["compared"]:
            out.append(f"  size, non-whitespace characters, built vs AWS's own: no larger for "
                       f"{size['no_larger']} of {size['compared']} = {pct(size['no_larger_rate'])}; "
                       f"ratio median {size['ratio_median']:.3f}, max {size['ratio_max']:.3f}")
            for row in size["largest_growth"][:5]:
                out.append(f"      {row['policy']}: {row['aws']} -> {row['gov']}")

    if "round_trip" in s:
        rt = s["round_trip"]
        out += ["", "ROUND TRIP  O = original JSON, A = import(O), R = build(A), B = import(R)"]
        out.append(f"  policies compared (imported and built): {rt['policies']}")
        out.append(f"  O and R same statements (normalised text) : "
                   f"{rt['json_same_statements']} = {pct(rt['rates']['json_same_statements'])}")
        out.append(f"  R re-imported                              : {rt['reimported']}")
        out.append(f"  A and B same .gov text (fixpoint)          : "
                   f"{rt['gov_text_equal']} = {pct(rt['rates']['gov_text_equal'])}")
        out.append(f"  A and B same .gov text but for @sid lines  : "
                   f"{rt['gov_text_equal_but_sids']} = {pct(rt['rates']['gov_text_equal_but_sids'])}")
        out.append(f"  gov diff A B: no change                    : "
                   f"{rt['gov_diff'].get('no_change', 0)} = "
                   f"{pct(rt['rates']['gov_diff_no_change'])}  {rt['gov_diff']}")
        if isinstance(rt["json_diff"], dict):
            out.append(f"  gov diff O R (JSON sides): no change       : "
                       f"{rt['json_diff'].get('no_change', 0)} = "
                       f"{pct(rt['rates']['json_diff_no_change'])}  {rt['json_diff']}")
        else:
            out.append(f"  gov diff O R (JSON sides)                  : {rt['json_diff']}")
        out.append(f"  diff A B time: {ms(rt['diff_time'])}")
        out.append("  what \"equal\" means:")
        for key, text in rt["meaning"].items():
            out.append(f"    {key}: {text}")
        reasons(out, rt["problems"])

    if "pairs" in s:
        pr = s["pairs"]
        out += [
            "",
            f"PAIRS  gov diff --format json of consecutive stored versions; sides: {pr['sides']}",
            f"  diffable {pr['diffable']} of {pr['pairs']} = {pct(pr['diffable_rate'])}; "
            f"outcomes {pr['outcomes']}",
            f"  diff time per pair: {ms(pr['diff_time_per_pair'])}",
        ]
        if pr["import_time_per_version"].get("count"):
            out.append(f"  import time per version: {ms(pr['import_time_per_version'])}")
        out.append("  slowest: " + ", ".join(f"{r['pair']} {r['seconds']:.2f} s"
                                             for r in pr["slowest"]))
        out.append("  not diffable, by code (pairs):")
        reasons(out, pr["failures_by_code"], key="code")
        out.append("  top reasons (pairs):")
        reasons(out, pr["failure_reasons"])

    ran = [k for k in ("lint", "import", "imported", "round_trip", "pairs") if k in s]
    out += ["", "PHASE WALL TIMES  " + ", ".join(
        f"{k} {s[k]['phase_wall_s']:.1f} s" for k in ran) +
        f"; whole harness {s['harness_wall_s']:.1f} s"]
    return "\n".join(out)
