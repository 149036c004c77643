//! The canonical JSON printer. See [`super::PolicyDocument::to_canonical_json`].

use super::{Actions, PolicyDocument, Principal, PrincipalSpec, Resources, Statement};

/// The little JSON tree the printer works on: objects keep insertion order.
enum Out {
    Str(String),
    Arr(Vec<Out>),
    Obj(Vec<(String, Out)>),
}

/// A list of strings; one element is written bare, as IAM reads both forms
/// alike (`"Action": "s3:GetObject"`): two characters fewer against the
/// size limit for each such list.
fn strings<S: AsRef<str>>(items: &[S]) -> Out {
    if let [one] = items {
        return Out::Str(one.as_ref().to_string());
    }
    Out::Arr(
        items
            .iter()
            .map(|s| Out::Str(s.as_ref().to_string()))
            .collect(),
    )
}

fn principal_spec(spec: &PrincipalSpec) -> Out {
    match spec {
        PrincipalSpec::Any => Out::Str("*".to_string()),
        PrincipalSpec::Map(map) => Out::Obj(
            map.iter()
                .map(|(kind, values)| (kind.clone(), strings(values)))
                .collect(),
        ),
    }
}

fn statement(stmt: &Statement) -> Out {
    let mut members = Vec::new();
    if let Some(sid) = &stmt.sid {
        members.push(("Sid".to_string(), Out::Str(sid.clone())));
    }
    members.push((
        "Effect".to_string(),
        Out::Str(stmt.effect.as_str().to_string()),
    ));
    match &stmt.principal {
        Some(Principal::Principal(spec)) => {
            members.push(("Principal".to_string(), principal_spec(spec)))
        }
        Some(Principal::NotPrincipal(spec)) => {
            members.push(("NotPrincipal".to_string(), principal_spec(spec)))
        }
        None => {}
    }
    match &stmt.actions {
        Actions::Action(list) => members.push(("Action".to_string(), strings(list))),
        Actions::NotAction(list) => members.push(("NotAction".to_string(), strings(list))),
    }
    match &stmt.resources {
        Some(Resources::Resource(list)) => members.push(("Resource".to_string(), strings(list))),
        Some(Resources::NotResource(list)) => {
            members.push(("NotResource".to_string(), strings(list)))
        }
        None => {}
    }
    let blocks = stmt.condition_blocks();
    if !blocks.is_empty() {
        let condition = blocks
            .iter()
            .map(|block| {
                let keys = block
                    .entries
                    .iter()
                    .map(|entry| (entry.key.to_string(), strings(&entry.values)))
                    .collect();
                (block.operator.as_str().to_string(), Out::Obj(keys))
            })
            .collect();
        members.push(("Condition".to_string(), Out::Obj(condition)));
    }
    Out::Obj(members)
}

pub(crate) fn document(doc: &PolicyDocument, pretty: bool) -> String {
    let mut members = Vec::new();
    if let Some(version) = &doc.version {
        members.push(("Version".to_string(), Out::Str(version.clone())));
    }
    if let Some(id) = &doc.id {
        members.push(("Id".to_string(), Out::Str(id.clone())));
    }
    members.push((
        "Statement".to_string(),
        Out::Arr(doc.statements.iter().map(statement).collect()),
    ));
    let mut out = String::new();
    write(&Out::Obj(members), pretty, 0, &mut out);
    out
}

fn newline(pretty: bool, depth: usize, out: &mut String) {
    if pretty {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    }
}

fn write(value: &Out, pretty: bool, depth: usize, out: &mut String) {
    match value {
        Out::Str(s) => write_string(s, out),
        Out::Arr(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(pretty, depth + 1, out);
                write(item, pretty, depth + 1, out);
            }
            newline(pretty, depth, out);
            out.push(']');
        }
        Out::Obj(members) => {
            if members.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (i, (key, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(pretty, depth + 1, out);
                write_string(key, out);
                out.push(':');
                if pretty {
                    out.push(' ');
                }
                write(item, pretty, depth + 1, out);
            }
            newline(pretty, depth, out);
            out.push('}');
        }
    }
}

/// Writes a JSON string literal using only ASCII.
fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::super::*;

    fn sample() -> PolicyDocument {
        let mut principals = indexmap::IndexMap::new();
        principals.insert(
            "Service".to_string(),
            vec!["logs.us-east-1.amazonaws.com".to_string()],
        );
        PolicyDocument {
            version: Some("2012-10-17".into()),
            id: None,
            statements: vec![Statement {
                sid: Some("S1".into()),
                effect: Effect::Deny,
                principal: Some(Principal::Principal(PrincipalSpec::Map(principals))),
                actions: Actions::Action(vec!["kms:Encrypt*".into()]),
                resources: Some(Resources::Resource(vec!["*".into()])),
                conditions: vec![
                    Condition {
                        operator: "StringNotEquals".into(),
                        key: "sagemaker:AppNetworkAccessType".into(),
                        values: vec!["VpcOnly".into()],
                    },
                    Condition {
                        operator: "Null".into(),
                        key: "sagemaker:VpcSubnets".into(),
                        values: vec!["true".into()],
                    },
                    Condition {
                        operator: "StringNotEquals".into(),
                        key: "sagemaker:AppNetworkAccessType".into(),
                        values: vec!["Other".into(), "VpcOnly".into()],
                    },
                ],
            }],
        }
    }

    #[test]
    fn minified_output_is_exact() {
        assert_eq!(
            sample().to_canonical_json(false),
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"S1","Effect":"Deny","Principal":{"Service":"logs.us-east-1.amazonaws.com"},"Action":"kms:Encrypt*","Resource":"*","Condition":{"StringNotEquals":{"sagemaker:AppNetworkAccessType":["VpcOnly","Other"]},"Null":{"sagemaker:VpcSubnets":"true"}}}]}"#
        );
    }

    #[test]
    fn pretty_output_is_exact() {
        let expected = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "S1",
      "Effect": "Deny",
      "Principal": {
        "Service": "logs.us-east-1.amazonaws.com"
      },
      "Action": "kms:Encrypt*",
      "Resource": "*",
      "Condition": {
        "StringNotEquals": {
          "sagemaker:AppNetworkAccessType": [
            "VpcOnly",
            "Other"
          ]
        },
        "Null": {
          "sagemaker:VpcSubnets": "true"
        }
      }
    }
  ]
}"#;
        assert_eq!(sample().to_canonical_json(true), expected);
    }

    #[test]
    fn element_order_ignores_input_order_and_bare_values_become_arrays() {
        let doc = PolicyDocument::from_json(
            r#"{"Statement":{"Resource":"arn:aws:s3:::b","NotAction":"s3:Get*","Effect":"Allow","NotPrincipal":"*","Sid":"x"},"Id":"i","Version":"2008-10-17"}"#,
        )
        .unwrap();
        assert_eq!(
            doc.to_canonical_json(false),
            r#"{"Version":"2008-10-17","Id":"i","Statement":[{"Sid":"x","Effect":"Allow","NotPrincipal":"*","NotAction":"s3:Get*","Resource":"arn:aws:s3:::b"}]}"#
        );
    }

    #[test]
    fn output_is_ascii_with_escapes() {
        let doc = PolicyDocument {
            version: None,
            id: None,
            statements: vec![Statement {
                sid: None,
                effect: Effect::Allow,
                principal: None,
                actions: Actions::Action(vec![]),
                resources: Some(Resources::NotResource(vec![
                    "caf\u{e9} \"q\" \\ \n\t\u{1}\u{7f}\u{1f600}/".into(),
                ])),
                conditions: vec![],
            }],
        };
        let text = doc.to_canonical_json(false);
        assert!(text.is_ascii());
        assert_eq!(
            text,
            r#"{"Statement":[{"Effect":"Allow","Action":[],"NotResource":"caf\u00e9 \"q\" \\ \n\t\u0001\u007f\ud83d\ude00/"}]}"#
        );
        // and it reads back to the same document
        assert_eq!(PolicyDocument::from_json(&text).unwrap(), doc);
    }

    #[test]
    fn round_trip_is_stable() {
        let doc = sample();
        let once = doc.to_canonical_json(true);
        let again = PolicyDocument::from_json(&once)
            .unwrap()
            .to_canonical_json(true);
        assert_eq!(once, again);
        let minified = doc.to_canonical_json(false);
        assert!(!minified.contains(' ') && !minified.contains('\n'));
    }
}
