//! The canonical JSON printer. See [`super::PolicyDocument::to_canonical_json`].
//!
//! The text is written straight from the document, element by element,
//! without building a JSON tree first (the tree cost more than the writing).

use super::{Actions, PolicyDocument, Principal, PrincipalSpec, Resources, Statement};
use std::fmt::Write as _;

/// Writes JSON text: objects and arrays opened and closed in turn, each
/// member or item on its own indented line when `pretty`.
struct Printer {
    out: String,
    pretty: bool,
    depth: usize,
}

impl Printer {
    fn newline(&mut self) {
        if self.pretty {
            self.out.push('\n');
            for _ in 0..self.depth {
                self.out.push_str("  ");
            }
        }
    }

    fn open(&mut self, bracket: char) {
        self.out.push(bracket);
        self.depth += 1;
    }

    fn close(&mut self, bracket: char) {
        self.depth = self.depth.saturating_sub(1);
        self.newline();
        self.out.push(bracket);
    }

    /// Starts the item after `*count` earlier ones of an open array or object.
    fn item(&mut self, count: &mut usize) {
        if *count > 0 {
            self.out.push(',');
        }
        *count += 1;
        self.newline();
    }

    /// Starts a member `"key": ` of an open object.
    fn member(&mut self, count: &mut usize, key: &str) {
        self.item(count);
        write_string(key, &mut self.out);
        self.out.push(':');
        if self.pretty {
            self.out.push(' ');
        }
    }

    /// A list of strings; one element is written bare, as IAM reads both
    /// forms alike (`"Action": "s3:GetObject"`): two characters fewer
    /// against the size limit for each such list.
    fn strings<S: AsRef<str>>(&mut self, items: &[S]) {
        match items {
            [] => self.out.push_str("[]"),
            [one] => write_string(one.as_ref(), &mut self.out),
            _ => {
                self.open('[');
                let mut count = 0;
                for item in items {
                    self.item(&mut count);
                    write_string(item.as_ref(), &mut self.out);
                }
                self.close(']');
            }
        }
    }

    fn principal_spec(&mut self, spec: &PrincipalSpec) {
        match spec {
            PrincipalSpec::Any => write_string("*", &mut self.out),
            PrincipalSpec::Map(map) if map.is_empty() => self.out.push_str("{}"),
            PrincipalSpec::Map(map) => {
                self.open('{');
                let mut count = 0;
                for (kind, values) in map {
                    self.member(&mut count, kind);
                    self.strings(values);
                }
                self.close('}');
            }
        }
    }

    fn statement(&mut self, stmt: &Statement) {
        self.open('{');
        let mut count = 0;
        if let Some(sid) = &stmt.sid {
            self.member(&mut count, "Sid");
            write_string(sid, &mut self.out);
        }
        self.member(&mut count, "Effect");
        write_string(stmt.effect.as_str(), &mut self.out);
        if let Some(principal) = &stmt.principal {
            let (name, spec) = match principal {
                Principal::Principal(spec) => ("Principal", spec),
                Principal::NotPrincipal(spec) => ("NotPrincipal", spec),
            };
            self.member(&mut count, name);
            self.principal_spec(spec);
        }
        let (name, list) = match &stmt.actions {
            Actions::Action(list) => ("Action", list),
            Actions::NotAction(list) => ("NotAction", list),
        };
        self.member(&mut count, name);
        self.strings(list);
        if let Some(resources) = &stmt.resources {
            let (name, list) = match resources {
                Resources::Resource(list) => ("Resource", list),
                Resources::NotResource(list) => ("NotResource", list),
            };
            self.member(&mut count, name);
            self.strings(list);
        }
        if !stmt.conditions.is_empty() {
            let blocks = stmt.condition_blocks();
            self.member(&mut count, "Condition");
            self.open('{');
            let mut block_count = 0;
            for block in &blocks {
                self.member(&mut block_count, block.operator.as_str());
                if block.entries.is_empty() {
                    self.out.push_str("{}");
                    continue;
                }
                self.open('{');
                let mut entry_count = 0;
                for entry in &block.entries {
                    self.member(&mut entry_count, entry.key);
                    self.strings(&entry.values);
                }
                self.close('}');
            }
            self.close('}');
        }
        self.close('}');
    }
}

pub(crate) fn document(doc: &PolicyDocument, pretty: bool) -> String {
    let mut p = Printer {
        out: String::with_capacity(if pretty { 512 } else { 256 }),
        pretty,
        depth: 0,
    };
    p.open('{');
    let mut count = 0;
    if let Some(version) = &doc.version {
        p.member(&mut count, "Version");
        write_string(version, &mut p.out);
    }
    if let Some(id) = &doc.id {
        p.member(&mut count, "Id");
        write_string(id, &mut p.out);
    }
    p.member(&mut count, "Statement");
    if doc.statements.is_empty() {
        p.out.push_str("[]");
    } else {
        p.open('[');
        let mut statement_count = 0;
        for stmt in &doc.statements {
            p.item(&mut statement_count);
            p.statement(stmt);
        }
        p.close(']');
    }
    p.close('}');
    p.out
}

/// Writes a JSON string literal using only ASCII; runs of printable ASCII
/// are copied whole.
fn write_string(s: &str, out: &mut String) {
    out.push('"');
    let mut plain_from = 0;
    for (at, c) in s.char_indices() {
        if matches!(c, ' '..='~') && c != '"' && c != '\\' {
            continue;
        }
        out.push_str(s.get(plain_from..at).unwrap_or_default());
        plain_from = at + c.len_utf8();
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    // writing to a `String` cannot fail
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push_str(s.get(plain_from..).unwrap_or_default());
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
