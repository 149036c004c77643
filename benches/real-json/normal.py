"""A light normal form of policy JSON, to tell "the same statements" from "rewritten".

Two documents with the same normal form say the same thing in the same
statements; different normal forms may still mean the same (gov folds and
splits statements, drops entries that always hold), so equal normal forms are
a lower bound on equal meaning, never a substitute for `gov diff`.
"""

import json

LISTS = ("Action", "NotAction", "Resource", "NotResource")
CASELESS = ("Action", "NotAction")  # IAM matches action names without regard to case


def as_list(value):
    return value if isinstance(value, list) else [value]


def scalar(value):
    """A condition or principal value as text: `true` and "true" are one value to IAM."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def statement_form(statement):
    if not isinstance(statement, dict):
        return json.dumps(statement, sort_keys=True)
    form = {}
    for element, value in statement.items():
        if element == "Sid":
            continue
        if element in LISTS:
            values = [v.lower() if element in CASELESS and isinstance(v, str) else scalar(v)
                      for v in as_list(value)]
            form[element] = sorted(set(values))
        elif element == "Condition" and isinstance(value, dict):
            form[element] = {
                operator: {key.lower(): sorted({scalar(v) for v in as_list(values)})
                           for key, values in entries.items()}
                if isinstance(entries, dict) else entries
                for operator, entries in value.items()
            }
        elif element in ("Principal", "NotPrincipal") and isinstance(value, dict):
            form[element] = {kind: sorted({scalar(v) for v in as_list(who)})
                             for kind, who in value.items()}
        else:
            form[element] = value
    return json.dumps(form, sort_keys=True)


def normal_form(document):
    """The Version and the sorted statement forms (duplicates kept), or None if not a policy."""
    if not isinstance(document, dict) or "Statement" not in document:
        return None
    return (document.get("Version"),
            sorted(statement_form(s) for s in as_list(document["Statement"])))


def same_statements(original, rebuilt):
    form = normal_form(original)
    return form is not None and form == normal_form(rebuilt)
