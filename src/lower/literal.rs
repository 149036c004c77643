//! One condition literal (an atom, possibly negated) → one IAM condition entry,
//! exactly (docs/meaning.md §5; AWS's absent-key rules in docs/iam-sources.md).
//!
//! | literal                      | IAM entry                                      |
//! |------------------------------|------------------------------------------------|
//! | `K present` / `K absent`     | `Null: K false` / `Null: K true`               |
//! | `K in S` / `not K in S`      | `StringEquals` / `StringNotEquals` (absent → true) |
//! | `K like S` / not             | `StringLike` / `StringNotLike`                 |
//! | `K < x` / `not K < x`        | `NumericLessThan` / `NumericGreaterThanEqualsIfExists` |
//! | `K == true` / not            | `Bool true` / `BoolIfExists false`             |
//! | `K any in S` / not           | `ForAnyValue:StringEquals` / `ForAllValues:StringNotEquals` |
//! | `K all in S` / not           | `ForAllValues:StringEquals` / `ForAnyValue:StringNotEquals` |
//!
//! Negating a quantified test flips the quantifier and the element test;
//! negating a single-valued test uses the operator that is true when the key
//! is absent (the negated operators, or `…IfExists` of the complement).

use crate::catalog::KeyType;
use crate::iam::OperatorFamily as Family;
use crate::iam::{BaseOperator, OperatorSpec, SetQualifier};
use crate::ir::{Atom, ElemOp, Literal, Quant};

/// An IAM condition entry: operator, key, values (ORed, or "none of" for
/// negated operators).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Entry {
    pub operator: OperatorSpec,
    pub key: String,
    pub values: Vec<String>,
}

/// Why a literal has no exact IAM form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inexpressible {
    pub key: String,
    pub reason: String,
}

/// A key's operator family is the rule layer's (one table for the checker,
/// the linter, the importer and lowering).
fn family(ty: KeyType) -> Family {
    crate::rules::operators::key_family(ty)
}

/// The IAM operator testing one element: positive, or its element-wise
/// complement when `negated`.
fn element_operator(fam: Family, op: ElemOp, negated: bool) -> Option<BaseOperator> {
    use BaseOperator::*;
    use ElemOp::{Equals, EqualsIgnoringCase, Ge, Gt, InCidr, Le, Like, Lt};
    Some(match (fam, op, negated) {
        (Family::String, Equals, false) => StringEquals,
        (Family::String, Equals, true) => StringNotEquals,
        (Family::String, Like, false) => StringLike,
        (Family::String, Like, true) => StringNotLike,
        (Family::String, EqualsIgnoringCase, false) => StringEqualsIgnoreCase,
        (Family::String, EqualsIgnoringCase, true) => StringNotEqualsIgnoreCase,
        (Family::Arn, Equals, false) => ArnEquals,
        (Family::Arn, Equals, true) => ArnNotEquals,
        (Family::Arn, Like, false) => ArnLike,
        (Family::Arn, Like, true) => ArnNotLike,
        (Family::Ip, InCidr, false) => IpAddress,
        (Family::Ip, InCidr, true) => NotIpAddress,
        (Family::Numeric, Equals, false) => NumericEquals,
        (Family::Numeric, Equals, true) => NumericNotEquals,
        (Family::Numeric, Lt, false) | (Family::Numeric, Ge, true) => NumericLessThan,
        (Family::Numeric, Le, false) | (Family::Numeric, Gt, true) => NumericLessThanEquals,
        (Family::Numeric, Gt, false) | (Family::Numeric, Le, true) => NumericGreaterThan,
        (Family::Numeric, Ge, false) | (Family::Numeric, Lt, true) => NumericGreaterThanEquals,
        (Family::Date, Equals, false) => DateEquals,
        (Family::Date, Equals, true) => DateNotEquals,
        (Family::Date, Lt, false) | (Family::Date, Ge, true) => DateLessThan,
        (Family::Date, Le, false) | (Family::Date, Gt, true) => DateLessThanEquals,
        (Family::Date, Gt, false) | (Family::Date, Le, true) => DateGreaterThan,
        (Family::Date, Ge, false) | (Family::Date, Lt, true) => DateGreaterThanEquals,
        (Family::Bool, Equals, _) => Bool,
        (Family::Binary, Equals, false) => BinaryEquals,
        _ => return None,
    })
}

/// An operator without set qualifier, plain or `…IfExists`.
fn single(base: BaseOperator, if_exists: bool) -> OperatorSpec {
    OperatorSpec {
        qualifier: None,
        base,
        if_exists,
    }
}

/// Lowers `atom` (negated when `positive` is false) to one IAM entry.
pub fn lower_literal(atom: &Atom, positive: bool) -> Result<Entry, Inexpressible> {
    match atom {
        Atom::Present(key) => Ok(Entry {
            operator: single(BaseOperator::Null, false),
            key: key.name.clone(),
            values: vec![if positive { "false" } else { "true" }.to_string()],
        }),
        Atom::Test {
            key,
            quant,
            op,
            negated,
            values,
        } => {
            let fam = family(key.ty);
            let fail = |reason: &str| Inexpressible {
                key: key.name.clone(),
                reason: reason.to_string(),
            };
            // Bool: the element test is "value is one of these booleans";
            // its complement is "value is one of the other booleans".
            let (mut values_text, elem_negated): (Vec<String>, bool) = if fam == Family::Bool {
                let wanted: Vec<bool> = values
                    .iter()
                    .filter_map(|l| match l {
                        Literal::Bool(b) => Some(*b),
                        _ => None,
                    })
                    .collect();
                let chosen: Vec<bool> = if *negated {
                    [true, false]
                        .into_iter()
                        .filter(|b| !wanted.contains(b))
                        .collect()
                } else {
                    wanted
                };
                (chosen.iter().map(|b| b.to_string()).collect(), false)
            } else {
                (values.iter().map(Literal::text).collect(), *negated)
            };
            // `like` a bare `*` holds for every value: the test says only that
            // the key is present, and `Null` says it in every family (what
            // `ArnLike "*"` does with a value that is no ARN is not relied on).
            if *quant == Quant::Single
                && *op == ElemOp::Like
                && !*negated
                && values_text.iter().any(|v| v == "*")
            {
                return lower_literal(&Atom::Present(key.clone()), positive);
            }
            match quant {
                Quant::Single => {
                    if positive {
                        let operator = element_operator(fam, *op, elem_negated)
                            .ok_or_else(|| fail("no IAM operator tests this"))?;
                        if values_text.is_empty() {
                            // `K == true` negated within a single key cannot
                            // occur; an empty Bool set is never true.
                            return Err(fail("the condition has no values"));
                        }
                        Ok(Entry {
                            operator: single(operator, false),
                            key: key.name.clone(),
                            values: values_text,
                        })
                    } else {
                        // not (present and test) = absent or not test.
                        if fam == Family::Bool {
                            let others: Vec<String> = ["true", "false"]
                                .iter()
                                .filter(|b| !values_text.iter().any(|v| v == *b))
                                .map(|b| b.to_string())
                                .collect();
                            if others.is_empty() {
                                // not (present) = absent.
                                return Ok(Entry {
                                    operator: single(BaseOperator::Null, false),
                                    key: key.name.clone(),
                                    values: vec!["true".to_string()],
                                });
                            }
                            return Ok(Entry {
                                operator: single(BaseOperator::Bool, true),
                                key: key.name.clone(),
                                values: others,
                            });
                        }
                        let complement = element_operator(fam, *op, true).ok_or_else(|| {
                            fail("IAM has no operator for the negation of this test")
                        })?;
                        // Negated operators already hold when the key is
                        // absent; ordering complements (`<` ↔ `>=`) need
                        // IfExists to.
                        Ok(Entry {
                            operator: single(complement, !complement.is_negated()),
                            key: key.name.clone(),
                            values: values_text,
                        })
                    }
                }
                Quant::Any | Quant::All => {
                    // not (∃v. t(v)) = ∀v. not t(v); not (∀v. t(v)) = ∃v. not t(v).
                    let (quant, elem_negated) = if positive {
                        (*quant, elem_negated)
                    } else {
                        let flipped = if *quant == Quant::Any {
                            Quant::All
                        } else {
                            Quant::Any
                        };
                        if fam == Family::Bool {
                            let others: Vec<String> = ["true", "false"]
                                .iter()
                                .filter(|b| !values_text.iter().any(|v| v == *b))
                                .map(|b| b.to_string())
                                .collect();
                            values_text = others;
                            (flipped, false)
                        } else {
                            (flipped, !elem_negated)
                        }
                    };
                    let operator = element_operator(fam, *op, elem_negated).ok_or_else(|| {
                        fail("IAM has no operator for this test on a multivalued key")
                    })?;
                    if values_text.is_empty() {
                        return Err(fail(
                            "the quantified test has no values left after negation",
                        ));
                    }
                    let qualifier = if quant == Quant::Any {
                        SetQualifier::ForAnyValue
                    } else {
                        SetQualifier::ForAllValues
                    };
                    Ok(Entry {
                        operator: OperatorSpec {
                            qualifier: Some(qualifier),
                            base: operator,
                            if_exists: false,
                        },
                        key: key.name.clone(),
                        values: values_text,
                    })
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Key;

    fn key(name: &str, ty: KeyType) -> Key {
        Key {
            name: name.to_string(),
            ty,
        }
    }

    fn test(k: Key, quant: Quant, op: ElemOp, negated: bool, values: &[&str]) -> Atom {
        Atom::Test {
            key: k,
            quant,
            op,
            negated,
            values: values.iter().map(|v| Literal::Str(v.to_string())).collect(),
        }
    }

    fn op_of(atom: &Atom, positive: bool) -> String {
        lower_literal(atom, positive).unwrap().operator.to_string()
    }

    #[test]
    fn single_valued_strings() {
        let a = test(
            key("sagemaker:AppNetworkAccessType", KeyType::String),
            Quant::Single,
            ElemOp::Equals,
            false,
            &["VpcOnly"],
        );
        assert_eq!(op_of(&a, true), "StringEquals");
        assert_eq!(op_of(&a, false), "StringNotEquals");
        let l = test(
            key("aws:PrincipalArn", KeyType::Arn),
            Quant::Single,
            ElemOp::Like,
            false,
            &["arn:aws:iam::*:role/Admin"],
        );
        assert_eq!(op_of(&l, true), "ArnLike");
        assert_eq!(op_of(&l, false), "ArnNotLike");
    }

    #[test]
    fn quantifiers_flip_under_negation() {
        let k = key("sagemaker:InstanceTypes", KeyType::ArrayOfString);
        let all_in = test(k.clone(), Quant::All, ElemOp::Like, false, &["ml.t3.*"]);
        assert_eq!(op_of(&all_in, true), "ForAllValues:StringLike");
        assert_eq!(op_of(&all_in, false), "ForAnyValue:StringNotLike");
        let any_not = test(k, Quant::Any, ElemOp::Equals, true, &["x"]);
        assert_eq!(op_of(&any_not, true), "ForAnyValue:StringNotEquals");
        assert_eq!(op_of(&any_not, false), "ForAllValues:StringEquals");
    }

    #[test]
    fn ordering_negation_holds_when_absent() {
        let a = Atom::Test {
            key: key("aws:MultiFactorAuthAge", KeyType::Numeric),
            quant: Quant::Single,
            op: ElemOp::Lt,
            negated: false,
            values: vec![Literal::Num("3600".into())],
        };
        assert_eq!(op_of(&a, true), "NumericLessThan");
        assert_eq!(op_of(&a, false), "NumericGreaterThanEqualsIfExists");
    }

    #[test]
    fn bools_and_presence() {
        let k = key("aws:SecureTransport", KeyType::Bool);
        let t = Atom::Test {
            key: k.clone(),
            quant: Quant::Single,
            op: ElemOp::Equals,
            negated: false,
            values: vec![Literal::Bool(true)],
        };
        assert_eq!(lower_literal(&t, true).unwrap().values, vec!["true"]);
        let n = lower_literal(&t, false).unwrap();
        assert_eq!(
            (n.operator.to_string().as_str(), n.values),
            ("BoolIfExists", vec!["false".to_string()])
        );
        let p = Atom::Present(k);
        assert_eq!(lower_literal(&p, true).unwrap().values, vec!["false"]);
        assert_eq!(lower_literal(&p, false).unwrap().values, vec!["true"]);
    }
}
