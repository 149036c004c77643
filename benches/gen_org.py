#!/usr/bin/env python3
"""Writes an organization for `benches/org.sh`: GUARDRAILS SCPs of a few rules
each, and an `org` of OUS OUs (ten top-level OUs, the rest below them) holding
ACCOUNTS accounts, with guardrails attached at the root, at every OU (by name
and by `@control` pattern) and at every seventh account.

    python3 benches/gen_org.py --guardrails 50 --ous 100 --accounts 1000 --out DIR
"""
import argparse
import os

SERVICES = ["s3", "ec2", "sagemaker", "kms", "iam", "lambda", "dynamodb", "sqs"]
VERBS = ["Create", "Delete", "Put", "Update", "Start", "Stop"]


def guardrail(i):
    service = SERVICES[i % len(SERVICES)]
    rules = []
    for r in range(6):
        verb = VERBS[(i + r) % len(VERBS)]
        region = ["eu-west-1", "eu-central-1", "us-east-1"][r % 3]
        rules.append(
            f'    deny "{service}:{verb}*"\n'
            f'        unless aws:RequestedRegion in ["{region}", "eu-north-1"]\n'
            f'            and aws:PrincipalTag/team like "team-{i}-*"'
        )
    return f'@control("bench:G{i:02}")\nscp Guardrail{i:02} {{\n' + "\n".join(rules) + "\n}\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--guardrails", type=int, default=50)
    ap.add_argument("--ous", type=int, default=100)
    ap.add_argument("--accounts", type=int, default=1000)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "guardrails.gov"), "w") as f:
        f.write("\n".join(guardrail(i) for i in range(a.guardrails)))
    top = min(10, a.ous)
    children = [[] for _ in range(top)]
    for k in range(a.ous - top):
        children[k % top].append(k)
    ou_names = [f"Top{t:02}" for t in range(top)] + [f"Team{k:03}" for k in range(a.ous - top)]
    # accounts spread over every OU
    accounts = {name: [] for name in ou_names}
    for n in range(a.accounts):
        accounts[ou_names[n % len(ou_names)]].append(n)
    g = a.guardrails

    def attach(seed):
        picks = sorted({(seed * 7 + j * 3) % g for j in range(4)})
        return "scp " + ", ".join(f"Guardrail{p:02}" for p in picks)

    def body(name, seed, indent):
        pad = " " * indent
        lines = [pad + attach(seed)]
        for n in accounts[name]:
            line = f'{pad}account Acct{n:04} "{100000000000 + n:012d}"'
            if n % 7 == 0:
                line += " {\n" + pad + "    " + attach(n) + "\n" + pad + "}"
            lines.append(line)
        return lines

    out = ["org Bench {", f'    scp @control("bench:G0?")']
    for t in range(top):
        out.append(f"    ou {ou_names[t]} {{")
        out.extend(body(ou_names[t], t, 8))
        for k in children[t]:
            name = ou_names[top + k]
            out.append(f"        ou {name} {{")
            out.extend(body(name, top + k, 12))
            out.append("        }")
        out.append("    }")
    out.append("}")
    with open(os.path.join(a.out, "org.gov"), "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
