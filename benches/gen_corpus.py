#!/usr/bin/env python3
"""Generates a deterministic corpus of realistic `.gov` rules for benchmarks.

    python3 benches/gen_corpus.py --rules 10000 --files 100 --out DIR
    python3 benches/gen_corpus.py --rules 10000 --files 1 --out DIR
    python3 benches/gen_corpus.py --rules 10000 --files 1 --errors --out DIR

The corpus mixes SCPs, identity policies and key policies: deny/allow rules on
SageMaker, S3 and KMS actions with conditions on `sagemaker:InstanceTypes`
(`all like` a const), `sagemaker:AppNetworkAccessType ==`, `aws:SourceIp in`
CIDRs, `ResourceTag == ${aws:PrincipalTag/...}`, `present` / `absent`,
`not`, `or`, and `const` lists. Every rule checks clean against the embedded
catalog (no errors, no warnings); with `--errors` every rule carries one error
(an unknown action), to measure the diagnostics path.

The same arguments always give the same bytes (fixed seed). Prints one line:
`rules=N files=F bytes=B out=DIR`.
"""

import argparse
import os
import random
import re

SEED = 20260926

INSTANCE_TYPES = [
    "ml.t3.medium", "ml.t3.large", "ml.m5.large", "ml.m5.xlarge", "ml.c5.large",
    "ml.c5.xlarge", "ml.g4dn.xlarge", "ml.g5.2xlarge", "ml.p3.2xlarge", "system",
]
TEAMS = ["risk", "pricing", "fraud", "marketing", "research", "platform", "claims"]
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"]
S3_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"]
KMS_ACTIONS = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom"]
SAGEMAKER_READS = [
    "sagemaker:DescribeUserProfile", "sagemaker:DescribeDomain", "sagemaker:DescribeApp",
    "sagemaker:ListApps", "sagemaker:ListUserProfiles",
]


def cidrs(rng, n):
    out = []
    for _ in range(n):
        if rng.random() < 0.5:
            out.append(f'"10.{rng.randrange(256)}.{rng.randrange(256)}.0/24"')
        else:
            out.append(f'"{rng.choice(["192.0.2", "198.51.100", "203.0.113"])}.{rng.randrange(0, 256, 16)}/28"')
    return ", ".join(out)


# Each template returns the text of one rule (indented, no trailing newline);
# `c` is the name of a const list of instance types in scope.
def scp_instance_types(rng, c):
    return (f"    deny sagemaker:CreateApp\n"
            f"        unless sagemaker:InstanceTypes all like {c}\n"
            f"           and sagemaker:InstanceTypes present")


def scp_vpc_only(rng, c):
    return ("    deny sagemaker:CreateDomain\n"
            "        unless sagemaker:AppNetworkAccessType == \"VpcOnly\"\n"
            "           and sagemaker:VpcSubnets present\n"
            "           and sagemaker:VpcSecurityGroupIds present")


def scp_region(rng, c):
    regions = ", ".join(f'"{r}"' for r in rng.sample(REGIONS, rng.randrange(1, 4)))
    action = rng.choice(["sagemaker:CreateTrainingJob", "sagemaker:CreateEndpoint",
                         "sagemaker:CreateNotebookInstance"])
    return f"    deny {action}\n        when aws:RequestedRegion not in [{regions}]"


def scp_tls(rng, c):
    actions = ", ".join(rng.sample(S3_ACTIONS, rng.randrange(1, 4)))
    return f"    deny [{actions}]\n        when aws:SecureTransport == false"


def identity_source_ip(rng, c):
    actions = ", ".join(["sagemaker:CreatePresignedDomainUrl"] + rng.sample(SAGEMAKER_READS, rng.randrange(0, 3)))
    return f"    allow [{actions}]\n        when aws:SourceIp in [{cidrs(rng, rng.randrange(1, 4))}]"


def identity_own_profile(rng, c):
    tag = rng.choice(["studiouserid", "owner", "team"])
    return (f"    allow sagemaker:CreatePresignedDomainUrl\n"
            f"        when sagemaker:ResourceTag/{tag} == ${{aws:PrincipalTag/{tag}}}")


def identity_team_bucket(rng, c):
    team = rng.choice(TEAMS)
    actions = ", ".join(rng.sample(S3_ACTIONS[:3], rng.randrange(1, 3)))
    return (f"    allow [{actions}] on \"arn:aws:s3:::{team}-data-{rng.randrange(1000)}/*\"\n"
            f"        when aws:PrincipalTag/team == \"{team}\"\n"
            f"          or aws:PrincipalTag/role present and not aws:PrincipalTag/contractor present")


def identity_kms_via(rng, c):
    region = rng.choice(REGIONS)
    actions = ", ".join(rng.sample(KMS_ACTIONS, rng.randrange(1, 3)))
    return (f"    allow [{actions}] on \"arn:aws:kms:{region}:111122223333:key/*\"\n"
            f"        when kms:ViaService == \"s3.{region}.amazonaws.com\"\n"
            f"         and kms:CallerAccount == \"111122223333\"")


def identity_deny_public(rng, c):
    return ("    deny sagemaker:CreateDomain\n"
            "        when sagemaker:AppNetworkAccessType == \"PublicInternetOnly\"")


def key_policy_logs(rng, c):
    region = rng.choice(REGIONS)
    return (f"    allow service \"logs.{region}.amazonaws.com\"\n"
            f"        to [\"kms:Encrypt*\", \"kms:Decrypt*\", \"kms:ReEncrypt*\", \"kms:GenerateDataKey*\"]\n"
            f"        on \"*\"\n"
            f"        when kms:EncryptionContext:aws:logs:arn like \"arn:aws:logs:{region}:111122223333:*\"")


def key_policy_describe(rng, c):
    region = rng.choice(REGIONS)
    return f"    allow service \"logs.{region}.amazonaws.com\" to kms:DescribeKey on \"*\""


KINDS = {
    "scp": [scp_instance_types, scp_vpc_only, scp_region, scp_tls],
    "policy": [identity_source_ip, identity_own_profile, identity_team_bucket,
               identity_kms_via, identity_deny_public],
    "key_policy": [key_policy_logs, key_policy_describe],
}
KIND_WEIGHTS = [("scp", 5), ("policy", 4), ("key_policy", 1)]


def pick_kind(rng):
    total = sum(w for _, w in KIND_WEIGHTS)
    x = rng.randrange(total)
    for kind, w in KIND_WEIGHTS:
        if x < w:
            return kind
        x -= w
    return KIND_WEIGHTS[0][0]


def break_rule(rule):
    """One error per rule: its first action becomes one the catalog lacks."""
    head_end = min([m.start() for m in re.finditer(r"\b(when|unless)\b", rule)] or [len(rule)])
    head = re.sub(r"\b(sagemaker|s3|kms):(?=[A-Z])", r"\1:Frob", rule[:head_end], count=1)
    return head + rule[head_end:]


def generate(rules, files, errors, out):
    rng = random.Random(SEED)
    os.makedirs(out, exist_ok=True)
    per_file = [rules // files + (1 if i < rules % files else 0) for i in range(files)]
    total_bytes = 0
    policy_no = 0
    for f, count in enumerate(per_file):
        parts = [f"// Generated by benches/gen_corpus.py (seed {SEED}); file {f + 1} of {files}.\n\n"]
        consts = []
        made = 0
        while made < count:
            if not consts or rng.random() < 0.2:
                name = f"approved_{f}_{len(consts)}"
                values = ", ".join(f'"{t}"' for t in rng.sample(INSTANCE_TYPES, rng.randrange(2, 6)))
                parts.append(f"const {name} = [{values}]\n\n")
                consts.append(name)
            kind = pick_kind(rng)
            n = min(count - made, rng.randrange(1, 5))
            body = []
            for _ in range(n):
                rule = rng.choice(KINDS[kind])(rng, rng.choice(consts))
                if errors:
                    rule = break_rule(rule)
                body.append(rule)
            policy_no += 1
            name = f"{''.join(w.capitalize() for w in kind.split('_'))}{policy_no:06d}"
            parts.append(f"/// Generated {kind} number {policy_no}.\n"
                         f"@control(\"bench:{policy_no}\")\n"
                         f"{kind} {name} {{\n" + "\n".join(body) + "\n}\n\n")
            made += n
        text = "".join(parts)
        path = os.path.join(out, f"corpus_{f:04d}.gov")
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        total_bytes += len(text.encode("utf-8"))
    print(f"rules={rules} files={files} bytes={total_bytes} out={out}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rules", type=int, default=10_000)
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--errors", action="store_true", help="one error (an unknown action) per rule")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    if args.files < 1 or args.rules < args.files:
        ap.error("need at least one rule per file")
    generate(args.rules, args.files, args.errors, args.out)


if __name__ == "__main__":
    main()
