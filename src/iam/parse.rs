//! JSON tree -> [`PolicyDocument`], following the policy grammar
//! (reference_policies_grammar.html): a one-element array may be written as
//! the bare value, condition values may be numbers or booleans, blocks may come
//! in any order, and no element may appear twice.

use indexmap::IndexMap;

use super::error::{IamError, push_pointer};
use super::operator::Operator;
use super::{
    Actions, Condition, PolicyDocument, Principal, PrincipalSpec, Resources, Statement,
    VERSION_2008, VERSION_2012,
};
use crate::json::{Member, Node, Value};
use crate::policy::Effect;

const PRINCIPAL_TYPES: [&str; 4] = ["AWS", "Service", "Federated", "CanonicalUser"];

fn error_at(node: &Node, message: String, path: &str) -> IamError {
    IamError::new(message, path).at(node.span)
}

fn object<'a>(node: &'a Node, path: &str, what: &str) -> Result<&'a [Member], IamError> {
    match &node.value {
        Value::Object(members) => Ok(members),
        _ => Err(error_at(
            node,
            format!("{what} must be a JSON object, found {}", node.kind()),
            path,
        )),
    }
}

fn string<'a>(node: &'a Node, path: &str, what: &str) -> Result<&'a str, IamError> {
    match &node.value {
        Value::String(s) => Ok(s),
        _ => Err(error_at(
            node,
            format!("{what} must be a string, found {}", node.kind()),
            path,
        )),
    }
}

/// A string, or an array of strings.
fn string_list(node: &Node, path: &str, what: &str) -> Result<Vec<String>, IamError> {
    match &node.value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                string(item, &push_pointer(path, &i.to_string()), what).map(str::to_string)
            })
            .collect(),
        _ => Err(error_at(
            node,
            format!(
                "{what} must be a string or an array of strings, found {}",
                node.kind()
            ),
            path,
        )),
    }
}

/// A condition value: string, number or boolean, kept as text.
fn scalar_text(node: &Node, path: &str) -> Result<String, IamError> {
    match &node.value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.clone()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err(error_at(
            node,
            format!(
                "a condition value must be a string, number or boolean, found {}",
                node.kind()
            ),
            path,
        )),
    }
}

fn missing(name: &str, path: &str, node: &Node) -> IamError {
    error_at(node, format!("missing element `{name}`"), path)
}

fn both(a: &str, b: &str, path: &str, node: &Node) -> IamError {
    error_at(
        node,
        format!("elements `{a}` and `{b}` cannot appear in the same statement"),
        path,
    )
}

pub(crate) fn document(node: &Node) -> Result<PolicyDocument, IamError> {
    let members = object(node, "", "a policy document")?;
    let mut version = None;
    let mut id = None;
    let mut statements = None;
    for m in members {
        let path = push_pointer("", &m.key);
        match m.key.as_str() {
            "Version" => {
                let v = string(&m.value, &path, "`Version`")?;
                if v != VERSION_2012 && v != VERSION_2008 {
                    return Err(error_at(
                        &m.value,
                        format!(
                            "unsupported version `{v}`: expected `{VERSION_2012}` or `{VERSION_2008}`"
                        ),
                        &path,
                    ));
                }
                version = Some(v.to_string());
            }
            "Id" => id = Some(string(&m.value, &path, "`Id`")?.to_string()),
            "Statement" => statements = Some(statement_list(&m.value, &path)?),
            other => {
                return Err(
                    IamError::new(format!("unknown element `{other}`"), path).at(m.key_span)
                );
            }
        }
    }
    let statements = statements.ok_or_else(|| missing("Statement", "", node))?;
    Ok(PolicyDocument {
        version,
        id,
        statements,
    })
}

fn statement_list(node: &Node, path: &str) -> Result<Vec<Statement>, IamError> {
    match &node.value {
        Value::Object(_) => Ok(vec![statement(node, path)?]),
        Value::Array(items) => {
            if items.is_empty() {
                return Err(error_at(
                    node,
                    "`Statement` must hold at least one statement".to_string(),
                    path,
                ));
            }
            items
                .iter()
                .enumerate()
                .map(|(i, item)| statement(item, &push_pointer(path, &i.to_string())))
                .collect()
        }
        _ => Err(error_at(
            node,
            format!(
                "`Statement` must be an object or an array of objects, found {}",
                node.kind()
            ),
            path,
        )),
    }
}

fn statement(node: &Node, path: &str) -> Result<Statement, IamError> {
    let members = object(node, path, "a statement")?;
    let mut sid = None;
    let mut effect = None;
    let mut principal: Option<(Principal, &Member)> = None;
    let mut actions: Option<(Actions, &Member)> = None;
    let mut resources: Option<(Resources, &Member)> = None;
    let mut conditions = Vec::new();
    for m in members {
        let p = push_pointer(path, &m.key);
        let pair_error = |first: &Member| both(&first.key, &m.key, &p, &m.value);
        match m.key.as_str() {
            "Sid" => sid = Some(string(&m.value, &p, "`Sid`")?.to_string()),
            "Effect" => {
                let text = string(&m.value, &p, "`Effect`")?;
                effect = Some(match text {
                    "Allow" => Effect::Allow,
                    "Deny" => Effect::Deny,
                    other => {
                        return Err(error_at(
                            &m.value,
                            format!("invalid effect `{other}`: expected `Allow` or `Deny`"),
                            &p,
                        ));
                    }
                });
            }
            "Principal" | "NotPrincipal" => {
                if let Some((_, first)) = &principal {
                    return Err(pair_error(first));
                }
                let spec = principal_spec(&m.value, &p, &m.key)?;
                let value = if m.key == "Principal" {
                    Principal::Principal(spec)
                } else {
                    Principal::NotPrincipal(spec)
                };
                principal = Some((value, m));
            }
            "Action" | "NotAction" => {
                if let Some((_, first)) = &actions {
                    return Err(pair_error(first));
                }
                let list = string_list(&m.value, &p, &format!("`{}`", m.key))?;
                let value = if m.key == "Action" {
                    Actions::Action(list)
                } else {
                    Actions::NotAction(list)
                };
                actions = Some((value, m));
            }
            "Resource" | "NotResource" => {
                if let Some((_, first)) = &resources {
                    return Err(pair_error(first));
                }
                let list = string_list(&m.value, &p, &format!("`{}`", m.key))?;
                let value = if m.key == "Resource" {
                    Resources::Resource(list)
                } else {
                    Resources::NotResource(list)
                };
                resources = Some((value, m));
            }
            "Condition" => conditions = condition(&m.value, &p)?,
            other => {
                return Err(IamError::new(format!("unknown element `{other}`"), p).at(m.key_span));
            }
        }
    }
    let effect = effect.ok_or_else(|| missing("Effect", path, node))?;
    let (actions, _) = actions.ok_or_else(|| missing("Action` or `NotAction", path, node))?;
    Ok(Statement {
        sid,
        effect,
        principal: principal.map(|(p, _)| p),
        actions,
        resources: resources.map(|(r, _)| r),
        conditions,
    })
}

fn principal_spec(node: &Node, path: &str, element: &str) -> Result<PrincipalSpec, IamError> {
    match &node.value {
        Value::String(s) if s == "*" => Ok(PrincipalSpec::Any),
        Value::Object(members) => {
            let mut map = IndexMap::new();
            for m in members {
                let p = push_pointer(path, &m.key);
                if !PRINCIPAL_TYPES.contains(&m.key.as_str()) {
                    return Err(IamError::new(
                        format!(
                            "unknown principal type `{}`: expected `AWS`, `Service`, `Federated` or `CanonicalUser`",
                            m.key
                        ),
                        p,
                    )
                    .at(m.key_span));
                }
                let values = string_list(&m.value, &p, "a principal value")?;
                map.insert(m.key.clone(), values);
            }
            Ok(PrincipalSpec::Map(map))
        }
        _ => Err(error_at(
            node,
            format!("`{element}` must be `\"*\"` or an object of principal types"),
            path,
        )),
    }
}

fn condition(node: &Node, path: &str) -> Result<Vec<Condition>, IamError> {
    let operators = object(node, path, "`Condition`")?;
    let mut out = Vec::new();
    for op in operators {
        let op_path = push_pointer(path, &op.key);
        let operator = Operator::parse(op.key.as_str());
        if let Err(message) = operator.spec() {
            return Err(IamError::new(message, op_path).at(op.key_span));
        }
        let keys = object(
            &op.value,
            &op_path,
            &format!("the block of condition operator `{}`", op.key),
        )?;
        for key in keys {
            let key_path = push_pointer(&op_path, &key.key);
            let values = match &key.value.value {
                Value::Array(items) => items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| scalar_text(item, &push_pointer(&key_path, &i.to_string())))
                    .collect::<Result<Vec<_>, _>>()?,
                _ => vec![scalar_text(&key.value, &key_path)?],
            };
            out.push(Condition {
                operator: operator.clone(),
                key: key.key.clone(),
                values,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::*;

    fn err(text: &str) -> IamError {
        PolicyDocument::from_json(text).unwrap_err()
    }

    #[test]
    fn refuses_duplicate_keys_where_they_are() {
        let e = err("{\n  \"a\": 1,\n  \"a\": 2\n}");
        assert_eq!(e.message, "duplicate key `a`");
        assert_eq!(e.path, "/a");
        assert_eq!((e.line, e.column), (Some(3), Some(3)));
        let e = err(r#"{"x": {"aws:PrincipalTag/a~b": 1, "aws:PrincipalTag/a~b": 2}}"#);
        assert_eq!(e.path, "/x/aws:PrincipalTag~1a~0b");
        // The byte order mark is not a column; columns count characters.
        let e = err("\u{feff}{\"\u{e9}\": 1, \"\u{e9}\": 2}");
        assert_eq!((e.line, e.column), (Some(1), Some(10)));
    }

    #[test]
    fn refuses_text_that_is_not_json() {
        for bad in [
            "",
            "{",
            "[1,]",
            "{\"a\":1,}",
            "01",
            "1.",
            "\"\\x\"",
            "\"a\nb\"",
            "{} x",
            "\"\\ud800\"",
            "tru",
            "{\"a\" 1}",
        ] {
            assert!(PolicyDocument::from_json(bad).is_err(), "accepted {bad:?}");
        }
        let e = err(&"[".repeat(1000));
        assert_eq!(e.message, "nesting is deeper than 128 levels");
        assert_eq!((e.line, e.column), (Some(1), Some(130)));
        let e = err("{\"Version\": \"2012-10-17\",\n \"Statement\": [1,]}");
        assert_eq!((e.line, e.column), (Some(2), Some(18)));
    }

    #[test]
    fn errors_of_the_grammar_say_where() {
        let e = err("{\"Statement\": [{\"Effect\": \"Allow\",\n  \"Actoin\": \"s3:GetObject\"}]}");
        assert_eq!(e.message, "unknown element `Actoin`");
        assert_eq!((e.line, e.column), (Some(2), Some(3)));
    }

    #[test]
    fn accepts_single_statement_bare_strings_and_scalars() {
        let doc = PolicyDocument::from_json(
            r#"{"Statement":{"Condition":{"NumericLessThan":{"s3:max-keys":10},"Bool":{"aws:SecureTransport":false}},
                "Resource":"*","Action":"s3:ListBucket","Effect":"Allow"},"Version":"2012-10-17"}"#,
        )
        .unwrap();
        assert_eq!(doc.version.as_deref(), Some("2012-10-17"));
        assert_eq!(doc.statements.len(), 1);
        let s = &doc.statements[0];
        assert_eq!(s.effect, Effect::Allow);
        assert_eq!(s.actions, Actions::Action(vec!["s3:ListBucket".into()]));
        assert_eq!(s.resources, Some(Resources::Resource(vec!["*".into()])));
        assert_eq!(s.conditions[0].operator, "NumericLessThan");
        assert_eq!(s.conditions[0].values, vec!["10"]);
        assert_eq!(s.conditions[1].values, vec!["false"]);
    }

    #[test]
    fn reads_principals() {
        let doc = PolicyDocument::from_json(
            r#"{"Statement":[
                {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"},
                {"Effect":"Deny","NotPrincipal":{"Service":"logs.amazonaws.com","AWS":["111122223333","arn:aws:iam::111122223333:root"]},"NotAction":"s3:*","NotResource":"arn:aws:s3:::b/*"}
            ]}"#,
        )
        .unwrap();
        assert_eq!(
            doc.statements[0].principal,
            Some(Principal::Principal(PrincipalSpec::Any))
        );
        match &doc.statements[1].principal {
            Some(Principal::NotPrincipal(PrincipalSpec::Map(m))) => {
                let keys: Vec<_> = m.keys().collect();
                assert_eq!(keys, vec!["Service", "AWS"]);
                assert_eq!(m["AWS"].len(), 2);
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(
            doc.statements[1].actions,
            Actions::NotAction(vec!["s3:*".into()])
        );
    }

    #[test]
    fn rejects_duplicate_element() {
        let e = err(r#"{"Statement":[{"Effect":"Allow","Effect":"Deny","Action":"*"}]}"#);
        assert_eq!(e.message, "duplicate key `Effect`");
        assert_eq!(e.path, "/Statement/0/Effect");
        assert_eq!((e.line, e.column), (Some(1), Some(33)));
    }

    #[test]
    fn rejects_duplicate_condition_key() {
        let e = err(
            r#"{"Statement":{"Effect":"Deny","Action":"*","Condition":{"Null":{"a:b":"true","a:b":"false"}}}}"#,
        );
        assert_eq!(e.message, "duplicate key `a:b`");
        assert_eq!(e.path, "/Statement/Condition/Null/a:b");
    }

    #[test]
    fn rejects_bad_effect() {
        let e = err(r#"{"Statement":[{"Effect":"allow","Action":"*"}]}"#);
        assert_eq!(
            e.message,
            "invalid effect `allow`: expected `Allow` or `Deny`"
        );
        assert_eq!(e.path, "/Statement/0/Effect");
        let e = err(r#"{"Statement":[{"Effect":true,"Action":"*"}]}"#);
        assert_eq!(e.message, "`Effect` must be a string, found a boolean");
    }

    #[test]
    fn rejects_non_objects() {
        let e = err("[]");
        assert_eq!(
            e.message,
            "a policy document must be a JSON object, found an array"
        );
        assert_eq!(e.path, "");
        assert_eq!((e.line, e.column), (Some(1), Some(1)));
        let e = err(r#"{"Statement":"x"}"#);
        assert_eq!(
            e.message,
            "`Statement` must be an object or an array of objects, found a string"
        );
        let e = err(r#"{"Statement":[1]}"#);
        assert_eq!(
            e.message,
            "a statement must be a JSON object, found a number"
        );
        assert_eq!(e.path, "/Statement/0");
        let e = err(r#"{"Statement":{"Effect":"Deny","Action":"*","Condition":[]}}"#);
        assert_eq!(
            e.message,
            "`Condition` must be a JSON object, found an array"
        );
        assert_eq!(e.path, "/Statement/Condition");
    }

    #[test]
    fn rejects_missing_and_unknown_elements() {
        assert_eq!(
            err(r#"{"Version":"2012-10-17"}"#).message,
            "missing element `Statement`"
        );
        let e = err(r#"{"Statement":[{"Action":"*"}]}"#);
        assert_eq!(e.message, "missing element `Effect`");
        assert_eq!(e.path, "/Statement/0");
        assert_eq!(
            err(r#"{"Statement":[{"Effect":"Allow"}]}"#).message,
            "missing element `Action` or `NotAction`"
        );
        let e = err(r#"{"Statement":[{"Effect":"Allow","Action":"*","Actions":"*"}]}"#);
        assert_eq!(e.message, "unknown element `Actions`");
        assert_eq!(e.path, "/Statement/0/Actions");
        assert_eq!(
            err(r#"{"Statement":[{"Effect":"Allow","Action":"*"}],"Foo":1}"#).message,
            "unknown element `Foo`"
        );
        assert_eq!(
            err(r#"{"Statement":[]}"#).message,
            "`Statement` must hold at least one statement"
        );
    }

    #[test]
    fn rejects_pairs_and_bad_values() {
        assert_eq!(
            err(r#"{"Statement":{"Effect":"Allow","Action":"*","NotAction":"s3:*"}}"#).message,
            "elements `Action` and `NotAction` cannot appear in the same statement"
        );
        assert_eq!(
            err(
                r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","NotResource":"*"}}"#
            )
            .message,
            "elements `Resource` and `NotResource` cannot appear in the same statement"
        );
        assert_eq!(
            err(r#"{"Version":"2012-10-18","Statement":{"Effect":"Allow","Action":"*"}}"#).message,
            "unsupported version `2012-10-18`: expected `2012-10-17` or `2008-10-17`"
        );
        assert_eq!(
            err(r#"{"Statement":{"Effect":"Allow","Action":["s3:A",1]}}"#).path,
            "/Statement/Action/1"
        );
        let e = err(
            r#"{"Statement":{"Effect":"Deny","Action":"*","Condition":{"StringEqualz":{"a":"b"}}}}"#,
        );
        assert_eq!(e.message, "unknown condition operator `StringEqualz`");
        assert_eq!(e.path, "/Statement/Condition/StringEqualz");
        assert!(err(r#"{"Statement":{"Effect":"Deny","Action":"*","Condition":{"NullIfExists":{"a":"true"}}}}"#)
            .message
            .contains("IfExists"));
        assert_eq!(
            err(r#"{"Statement":{"Effect":"Deny","Action":"*","Condition":{"Null":{"a":null}}}}"#)
                .message,
            "a condition value must be a string, number or boolean, found null"
        );
        assert_eq!(
            err(
                r#"{"Statement":{"Effect":"Deny","Action":"*","Condition":{"Null":{"a":[["x"]]}}}}"#
            )
            .path,
            "/Statement/Condition/Null/a/0"
        );
        assert!(
            err(r#"{"Statement":{"Effect":"Deny","Principal":{"User":"x"},"Action":"*"}}"#)
                .message
                .starts_with("unknown principal type `User`")
        );
        assert_eq!(
            err(
                r#"{"Statement":{"Effect":"Deny","Principal":"arn:aws:iam::1:root","Action":"*"}}"#
            )
            .message,
            "`Principal` must be `\"*\"` or an object of principal types"
        );
    }

    #[test]
    fn error_display() {
        let e = err("{\n\"Statement\": {\"Effect\": \"Permit\", \"Action\": \"*\"}}");
        assert_eq!(
            e.to_string(),
            "invalid effect `Permit`: expected `Allow` or `Deny` at /Statement/Effect (line 2, column 25)"
        );
    }
}
