//! One condition entry → the `.gov` comparisons with exactly its meaning
//! (the inverse of the lowering's table), or an `E0608` when gov cannot
//! say it.

use super::*;
use crate::catalog::KeyType;
use crate::catalog::has_wildcard;
use crate::iam::{BaseOperator, OperatorFamily, SetQualifier};
use crate::jsonlint::model::{CondValue, Entry, ValueKind};
use crate::jsonlint::qualified_null_truth;
use crate::rules::operators::{empty_truth, families_fit, key_family};
use crate::syntax::ast::Modifier;

impl Converter<'_> {
    pub(super) fn entry(&mut self, entry: &Entry) -> Option<EntryForm> {
        let file = self.file;
        let spec = entry.spec?;
        let op_name = entry.operator.node.as_str();
        let Some(key) = self.catalog.key(&entry.key.node) else {
            self.diags.push(
                no_form(
                    file,
                    entry.key.span,
                    format!("unknown condition key `{}`", entry.key.node),
                )
                .with_label("not in the catalog"),
            );
            return None;
        };
        let name = key.name.clone();
        if !crate::import::render::is_key_token(&name) {
            self.diags.push(
                no_form(
                    file,
                    entry.key.span,
                    format!("condition key `{name}` has no gov spelling"),
                )
                .with_label("gov cannot write this key")
                .with_help("gov keys are `service:Name` of letters, digits and `_-.:/@+=`"),
            );
            return None;
        }
        let multivalued = key.ty.is_multivalued();
        let lit = |atom: GAtom, positive: bool| Lit { atom, positive };
        let present = |positive: bool| Lit {
            atom: GAtom::Present(name.clone()),
            positive,
        };
        // `Null`, with or without a qualifier.
        if spec.base == BaseOperator::Null {
            let truth = match spec.qualifier {
                Some(q) => qualified_null_truth(q, &entry.values),
                None => {
                    let t = entry
                        .values
                        .iter()
                        .any(|v| v.text.eq_ignore_ascii_case("true"));
                    let f = entry
                        .values
                        .iter()
                        .any(|v| v.text.eq_ignore_ascii_case("false"));
                    (t, f)
                }
            };
            return self.truth_form(entry, truth, &name);
        }
        if entry.values.is_empty() {
            let truth = empty_truth(&spec);
            return self.truth_form(entry, truth, &name);
        }
        let ignoring_case = matches!(
            spec.base,
            BaseOperator::StringEqualsIgnoreCase | BaseOperator::StringNotEqualsIgnoreCase
        );
        let kfam = key_family(key.ty);
        let ofam = spec.base.family();
        // `StringEquals` on a Bool key compares the text IAM puts in the
        // request (`true`, `false`): `as string` says exactly that.
        let bool_as_text = kfam == OperatorFamily::Bool
            && matches!(
                spec.base,
                BaseOperator::StringEquals | BaseOperator::StringNotEquals
            );
        if !families_fit(ofam, kfam) && !bool_as_text {
            self.diags.push(
                no_form(
                    file,
                    entry.operator.span,
                    format!(
                        "`{op_name}` on the {} key `{name}` has no gov form",
                        key.ty.as_str()
                    ),
                )
                .with_label("operator and key type differ"),
            );
            return None;
        }
        let negated = spec.base.is_negated();
        let mut op = match spec.base {
            BaseOperator::StringEquals
            | BaseOperator::StringNotEquals
            | BaseOperator::StringEqualsIgnoreCase
            | BaseOperator::StringNotEqualsIgnoreCase
            | BaseOperator::ArnEquals
            | BaseOperator::ArnNotEquals
            | BaseOperator::NumericEquals
            | BaseOperator::NumericNotEquals
            | BaseOperator::DateEquals
            | BaseOperator::DateNotEquals
            | BaseOperator::BinaryEquals
            | BaseOperator::Bool => GOp::Eq,
            BaseOperator::StringLike
            | BaseOperator::StringNotLike
            | BaseOperator::ArnLike
            | BaseOperator::ArnNotLike => GOp::Like,
            BaseOperator::IpAddress | BaseOperator::NotIpAddress => GOp::Cidr,
            BaseOperator::NumericLessThan | BaseOperator::DateLessThan => GOp::Lt,
            BaseOperator::NumericLessThanEquals | BaseOperator::DateLessThanEquals => GOp::Le,
            BaseOperator::NumericGreaterThan | BaseOperator::DateGreaterThan => GOp::Gt,
            BaseOperator::NumericGreaterThanEquals | BaseOperator::DateGreaterThanEquals => GOp::Ge,
            _ => {
                self.diags.push(
                    no_form(
                        file,
                        entry.operator.span,
                        format!("`{op_name}` has no gov form"),
                    )
                    .with_label("no gov comparison means this"),
                );
                return None;
            }
        };
        // String and ARN operators: gov picks the family by the key's type;
        // where the original used the other family, the comparison says so
        // (`as arn`, `as string`), so the family never changes.
        let texts: Vec<&str> = entry.values.iter().map(|v| v.text.as_str()).collect();
        let any_wildcard = texts.iter().any(|t| has_wildcard(t));
        if ofam == OperatorFamily::Arn && op == GOp::Eq && any_wildcard {
            // `ArnEquals` matches patterns exactly as `ArnLike` does.
            op = GOp::Like;
        }
        if op == GOp::Like
            && texts.contains(&"*")
            && spec.qualifier.is_none()
            && !spec.if_exists
            && !multivalued
        {
            // `*` matches every value: the entry says only whether the key
            // is present (negated: absent), in either family.
            return Some(EntryForm::Parts(vec![Part::Lit(present(!negated))]));
        }
        let modifier = if ignoring_case {
            Some(Modifier::IgnoringCase)
        } else if ofam == kfam {
            None
        } else if ofam == OperatorFamily::Arn {
            Some(Modifier::AsArn)
        } else {
            Some(Modifier::AsString)
        };
        // The family the values are compared in.
        let vfam = match modifier {
            Some(Modifier::AsArn) => OperatorFamily::Arn,
            Some(Modifier::AsString | Modifier::IgnoringCase) => OperatorFamily::String,
            None => kfam,
        };
        let vty = match vfam {
            OperatorFamily::Arn if multivalued => KeyType::ArrayOfArn,
            OperatorFamily::Arn => KeyType::Arn,
            OperatorFamily::String if multivalued => KeyType::ArrayOfString,
            OperatorFamily::String => KeyType::String,
            _ => key.ty,
        };
        let mut values = Vec::new();
        for v in &entry.values {
            values.push(self.value(v, vfam, vty)?);
        }
        values.dedup();
        if matches!(op, GOp::Lt | GOp::Le | GOp::Gt | GOp::Ge) && values.len() > 1 {
            self.diags.push(
                no_form(
                    file,
                    entry.values_span,
                    format!("`{op_name}` with several values has no gov form"),
                )
                .with_label("gov compares with one value")
                .with_help("keep the one value that decides (the largest for `LessThan`, the smallest for `GreaterThan`)"),
            );
            return None;
        }
        if kfam == OperatorFamily::Bool && !bool_as_text {
            let mut distinct = values.clone();
            distinct.sort();
            distinct.dedup();
            if distinct.len() > 1 {
                // A value that is `true` or one that is `false` (a value
                // that is no boolean passes neither).
                let all = spec.qualifier == Some(SetQualifier::ForAllValues);
                if !(multivalued && all) {
                    let quant = if multivalued {
                        Quant::Any
                    } else {
                        Quant::Single
                    };
                    let absent_holds = spec.if_exists || (all && !multivalued);
                    let mut lits = Vec::new();
                    if absent_holds {
                        lits.push(present(false));
                    }
                    for b in [true, false] {
                        lits.push(lit(
                            GAtom::Test {
                                key: name.clone(),
                                quant,
                                op: GOp::Eq,
                                elem_negated: false,
                                values: vec![GVal::Bool(b)],
                                modifier: None,
                            },
                            true,
                        ));
                    }
                    return Some(EntryForm::Parts(vec![Part::Or(lits)]));
                }
                self.diags.push(
                    no_form(
                        file,
                        entry.values_span,
                        format!("`{op_name}` with both `true` and `false` has no gov form"),
                    )
                    .with_label("both booleans"),
                );
                return None;
            }
            values = distinct;
        }
        let test = |quant: Quant, elem_negated: bool, op: GOp| GAtom::Test {
            key: name.clone(),
            quant,
            op,
            elem_negated,
            values: values.clone(),
            modifier,
        };
        let parts = if multivalued {
            let quant = match spec.qualifier {
                Some(SetQualifier::ForAllValues) => Quant::All,
                _ => Quant::Any,
            };
            let atom = lit(test(quant, negated, op), true);
            let absent_holds = match spec.qualifier {
                Some(SetQualifier::ForAllValues) => false, // `all` holds then already
                Some(SetQualifier::ForAnyValue) => spec.if_exists,
                None => spec.if_exists || negated,
            };
            if absent_holds {
                if spec.qualifier.is_none() {
                    self.notes.push(format!(
                        "`{op_name}` on the multivalued key `{name}` without a set qualifier reads as: absent, or some value passes"
                    ));
                }
                vec![Part::Or(vec![present(false), atom])]
            } else {
                vec![Part::Lit(atom)]
            }
        } else {
            if spec.qualifier.is_some() {
                self.notes.push(format!(
                    "`{op_name}` on the single-valued key `{name}` is written without its set qualifier, with the same meaning"
                ));
            }
            let absent_holds = spec.if_exists
                || match spec.qualifier {
                    None => negated,
                    Some(SetQualifier::ForAnyValue) => false,
                    Some(SetQualifier::ForAllValues) => true,
                };
            if !negated {
                let atom = test(Quant::Single, false, op);
                if !absent_holds {
                    vec![Part::Lit(lit(atom, true))]
                } else if spec.if_exists
                    && spec.qualifier.is_none()
                    && kfam != OperatorFamily::Bool
                    && let Some(complement) = complement(op)
                {
                    // `NumericLessThanIfExists` is gov's `not (K >= v)`.
                    vec![Part::Lit(lit(
                        test(Quant::Single, false, complement),
                        false,
                    ))]
                } else if spec.if_exists && spec.qualifier.is_none() && kfam == OperatorFamily::Bool
                {
                    // `BoolIfExists b` is gov's `K != !b`.
                    let flipped: Vec<GVal> = values
                        .iter()
                        .map(|v| match v {
                            GVal::Bool(b) => GVal::Bool(!b),
                            other => other.clone(),
                        })
                        .collect();
                    vec![Part::Lit(lit(
                        GAtom::Test {
                            key: name.clone(),
                            quant: Quant::Single,
                            op,
                            elem_negated: false,
                            values: flipped,
                            modifier,
                        },
                        false,
                    ))]
                } else {
                    vec![Part::Or(vec![present(false), lit(atom, true)])]
                }
            } else {
                let atom = lit(test(Quant::Single, false, op), false);
                if absent_holds {
                    vec![Part::Lit(atom)]
                } else {
                    vec![Part::Lit(present(true)), Part::Lit(atom)]
                }
            }
        };
        Some(EntryForm::Parts(parts))
    }

    /// An entry whose truth depends only on the key's presence.
    fn truth_form(&mut self, entry: &Entry, truth: (bool, bool), name: &str) -> Option<EntryForm> {
        let present = |positive: bool| {
            Part::Lit(Lit {
                atom: GAtom::Present(name.to_string()),
                positive,
            })
        };
        match truth {
            (true, false) => Some(EntryForm::Parts(vec![present(false)])),
            (false, true) => Some(EntryForm::Parts(vec![present(true)])),
            (true, true) => Some(EntryForm::Always),
            (false, false) => {
                self.diags.push(
                    no_form(
                        self.file,
                        entry.operator.span,
                        format!(
                            "`{}` on `{}` never holds, so the statement never applies",
                            entry.operator.node, entry.key.node
                        ),
                    )
                    .with_label("never true")
                    .with_help("gov refuses rules that never apply (E0402); remove the statement"),
                );
                None
            }
        }
    }

    fn value(&mut self, v: &CondValue, fam: OperatorFamily, ty: KeyType) -> Option<GVal> {
        let text = v.text.as_str();
        let bad = |this: &mut Self, why: &str| {
            this.diags.push(
                no_form(
                    this.file,
                    v.span,
                    format!("the value `{text}` has no gov form"),
                )
                .with_label(why.to_string()),
            );
            None
        };
        match fam {
            OperatorFamily::Bool => match text.to_ascii_lowercase().as_str() {
                "true" => Some(GVal::Bool(true)),
                "false" => Some(GVal::Bool(false)),
                _ => bad(self, "not a boolean"),
            },
            // What AWS does with it is not documented (its default prefix,
            // /32, is a network for IPv6): no form is exact (W0212).
            OperatorFamily::Ip if crate::rules::values::is_bare_ipv6(text) => bad(
                self,
                "an IPv6 address without a prefix: AWS's default prefix is /32, a network for IPv6; write the prefix meant",
            ),
            OperatorFamily::Numeric => {
                if is_gov_number(text) {
                    Some(GVal::Num(text.to_string()))
                } else {
                    bad(
                        self,
                        "gov writes numbers as digits with an optional `-` and `.`",
                    )
                }
            }
            OperatorFamily::Date => {
                if v.kind == ValueKind::Num
                    || (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
                {
                    if is_gov_number(text) {
                        Some(GVal::Num(text.to_string()))
                    } else {
                        bad(self, "gov writes epoch dates as digits")
                    }
                } else {
                    Some(GVal::Str(text.to_string()))
                }
            }
            _ => {
                if !self.variables && text.contains("${") && key_family(ty) == OperatorFamily::Arn {
                    self.literal_variable_in_arn(v.span);
                    return None;
                }
                Some(GVal::Str(self.literal_text(text)))
            }
        }
    }
}

pub(crate) enum EntryForm {
    /// Conjuncts.
    Parts(Vec<Part>),
    /// The entry always holds: nothing to add.
    Always,
}

fn complement(op: GOp) -> Option<GOp> {
    match op {
        GOp::Lt => Some(GOp::Ge),
        GOp::Ge => Some(GOp::Lt),
        GOp::Le => Some(GOp::Gt),
        GOp::Gt => Some(GOp::Le),
        _ => None,
    }
}

fn is_gov_number(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}
