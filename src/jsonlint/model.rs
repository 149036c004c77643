//! The policy document as written: every element with its span, read
//! tolerantly so that one bad element does not hide the rest.
//!
//! Reading follows the grammar of [`crate::iam`] (bare strings for
//! one-element arrays, numbers and booleans as condition values, elements
//! in any order) but reports each problem as a diagnostic and goes on.

use crate::diag::{Diagnostic, codes};
use crate::iam::OperatorSpec;
use crate::policy::Effect;
use crate::source::{FileId, Span, Spanned};

use crate::json::{Member, Node, Value};

/// A policy document, element by element.
#[derive(Debug, Clone)]
pub(crate) struct Doc {
    pub version: Option<Spanned<String>>,
    pub id: Option<Spanned<String>>,
    pub statements: Vec<Stmt>,
}

#[derive(Debug, Clone)]
pub(crate) struct Stmt {
    /// From `{` to `}`.
    pub span: Span,
    pub sid: Option<Spanned<String>>,
    pub effect: Option<Spanned<Effect>>,
    pub principal: Option<PrincipalEl>,
    pub actions: Option<ListEl>,
    pub resources: Option<ListEl>,
    /// The `Condition` key, when there is one.
    pub condition: Option<Span>,
    pub entries: Vec<Entry>,
}

impl Stmt {
    /// The span to point at for the statement as a whole: its `Effect`
    /// value, or its opening brace.
    pub fn anchor(&self) -> Span {
        match &self.effect {
            Some(e) => e.span,
            None => Span::new(self.span.start, self.span.start + 1),
        }
    }
}

/// `Action`/`NotAction` or `Resource`/`NotResource`.
#[derive(Debug, Clone)]
pub(crate) struct ListEl {
    /// `NotAction` / `NotResource`.
    pub not: bool,
    pub key_span: Span,
    pub items: Vec<Spanned<String>>,
}

#[derive(Debug, Clone)]
pub(crate) struct PrincipalEl {
    /// `NotPrincipal`.
    pub not: bool,
    pub key_span: Span,
    pub shape: PrincipalShape,
}

#[derive(Debug, Clone)]
pub(crate) enum PrincipalShape {
    /// `"*"`.
    Any,
    /// Principal type (`AWS`, `Service`, …) → values.
    Map(Vec<(Spanned<String>, Vec<Spanned<String>>)>),
}

/// One `"operator": {"key": values}` entry.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub operator: Spanned<String>,
    /// `None` when the operator is unknown (already reported).
    pub spec: Option<OperatorSpec>,
    pub key: Spanned<String>,
    pub values: Vec<CondValue>,
    /// The JSON value after the key: a scalar or an array.
    pub values_span: Span,
    /// The number of items when the values are a JSON array.
    pub array_len: Option<usize>,
}

#[derive(Debug, Clone)]
pub(crate) struct CondValue {
    /// The string, or the number or boolean as written.
    pub text: String,
    pub span: Span,
    pub kind: ValueKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValueKind {
    Str,
    Num,
    Bool,
}

const DOC_ELEMENTS: [&str; 3] = ["Version", "Id", "Statement"];
const STMT_ELEMENTS: [&str; 9] = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];
pub(crate) const PRINCIPAL_TYPES: [&str; 4] = ["AWS", "Service", "Federated", "CanonicalUser"];

struct Builder<'d> {
    file: FileId,
    diags: &'d mut Vec<Diagnostic>,
}

/// Reads the document; `None` when the JSON is not a policy document at all.
pub(crate) fn read(file: FileId, root: &Node, diags: &mut Vec<Diagnostic>) -> Option<Doc> {
    let mut b = Builder { file, diags };
    b.document(root)
}

fn head(span: Span) -> Span {
    Span::new(span.start, span.start + 1)
}

impl Builder<'_> {
    fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn invalid(&mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(codes::E0606, self.file, span, message)
    }

    fn unknown_element(&mut self, m: &Member, known: &[&str], place: &str) {
        let mut d = self
            .invalid(
                m.key_span,
                format!("unknown element `{}` in {place}", m.key),
            )
            .with_label("not an element of the policy grammar");
        match crate::check::closest(&m.key, known.iter().copied()) {
            Some(s) => d = d.with_suggestion(s),
            None => {
                let list: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
                d = d.with_help(format!("the elements here are {}", list.join(", ")));
            }
        }
        self.push(d);
    }

    fn string(&mut self, node: &Node, what: &str) -> Option<Spanned<String>> {
        match &node.value {
            Value::String(s) => Some(Spanned::new(s.clone(), node.span)),
            _ => {
                let d = self
                    .invalid(
                        node.span,
                        format!("{what} must be a string, found {}", node.kind()),
                    )
                    .with_label("wrong JSON type");
                self.push(d);
                None
            }
        }
    }

    fn document(&mut self, root: &Node) -> Option<Doc> {
        let Some(members) = root.members() else {
            let d = Diagnostic::new(
                codes::E0605,
                self.file,
                head(root.span),
                format!(
                    "not a policy document: the top level is {}, not an object",
                    root.kind()
                ),
            )
            .with_label("expected `{`")
            .with_help("a policy document is an object with `Version` and `Statement`");
            self.push(d);
            return None;
        };
        let mut doc = Doc {
            version: None,
            id: None,
            statements: Vec::new(),
        };
        let mut statement: Option<&Member> = None;
        let mut unknown: Vec<&Member> = Vec::new();
        for m in members {
            match m.key.as_str() {
                "Version" if doc.version.is_none() => {
                    if let Some(v) = self.string(&m.value, "`Version`") {
                        if v.node != crate::iam::VERSION_2012 && v.node != crate::iam::VERSION_2008
                        {
                            let d = self
                                .invalid(v.span, format!("unsupported version `{}`", v.node))
                                .with_label("not a policy language version")
                                .with_suggestion(crate::iam::VERSION_2012);
                            self.push(d);
                        }
                        doc.version = Some(v);
                    }
                }
                "Id" if doc.id.is_none() => doc.id = self.string(&m.value, "`Id`"),
                "Statement" if statement.is_none() => statement = Some(m),
                "Version" | "Id" | "Statement" => {} // a duplicate, reported elsewhere
                _ => unknown.push(m),
            }
        }
        let Some(statement) = statement else {
            let found: Vec<String> = members
                .iter()
                .take(3)
                .map(|m| format!("`{}`", m.key))
                .collect();
            let mut d = Diagnostic::new(
                codes::E0605,
                self.file,
                head(root.span),
                "not a policy document: no `Statement` element",
            )
            .with_label("this object has no `Statement`");
            d = if found.is_empty() {
                d.with_help("a policy document is an object with `Version` and `Statement`")
            } else {
                d.with_help(format!(
                    "found {}; a policy document has `Version` and `Statement`",
                    found.join(", ")
                ))
            };
            self.push(d);
            return None;
        };
        for m in unknown {
            self.unknown_element(m, &DOC_ELEMENTS, "a policy document");
        }
        match &statement.value.value {
            Value::Object(_) => {
                if let Some(s) = self.statement(&statement.value) {
                    doc.statements.push(s);
                }
            }
            Value::Array(items) => {
                if items.is_empty() {
                    let d = Diagnostic::new(
                        codes::E0304,
                        self.file,
                        statement.value.span,
                        "policy has no statements",
                    )
                    .with_label("empty `Statement`")
                    .with_help("AWS rejects a policy without statements");
                    self.push(d);
                }
                for item in items {
                    if item.members().is_some() {
                        if let Some(s) = self.statement(item) {
                            doc.statements.push(s);
                        }
                    } else {
                        let d = self
                            .invalid(
                                item.span,
                                format!("a statement must be an object, found {}", item.kind()),
                            )
                            .with_label("not a statement");
                        self.push(d);
                    }
                }
            }
            _ => {
                let d = self
                    .invalid(
                        statement.value.span,
                        format!(
                            "`Statement` must be an object or an array of objects, found {}",
                            statement.value.kind()
                        ),
                    )
                    .with_label("wrong JSON type");
                self.push(d);
            }
        }
        Some(doc)
    }

    fn statement(&mut self, node: &Node) -> Option<Stmt> {
        let members = node.members()?;
        let mut stmt = Stmt {
            span: node.span,
            sid: None,
            effect: None,
            principal: None,
            actions: None,
            resources: None,
            condition: None,
            entries: Vec::new(),
        };
        let mut seen: Vec<&str> = Vec::new();
        for m in members {
            let key = m.key.as_str();
            if seen.contains(&key) {
                continue; // a duplicate, reported elsewhere
            }
            seen.push(key);
            match key {
                "Sid" => stmt.sid = self.string(&m.value, "`Sid`"),
                "Effect" => {
                    let Some(v) = self.string(&m.value, "`Effect`") else {
                        continue;
                    };
                    let effect = match v.node.as_str() {
                        "Allow" => Some(Effect::Allow),
                        "Deny" => Some(Effect::Deny),
                        other => {
                            let mut d = self
                                .invalid(v.span, format!("invalid effect `{other}`"))
                                .with_label("expected `Allow` or `Deny`");
                            if other.eq_ignore_ascii_case("allow") {
                                d = d.with_suggestion("Allow");
                            } else if other.eq_ignore_ascii_case("deny") {
                                d = d.with_suggestion("Deny");
                            } else {
                                d = d
                                    .with_help("`Effect` is `Allow` or `Deny`, spelled exactly so");
                            }
                            self.push(d);
                            None
                        }
                    };
                    stmt.effect = effect.map(|e| Spanned::new(e, v.span));
                }
                "Principal" | "NotPrincipal" => {
                    if let Some(first) = &stmt.principal {
                        let first = first.key_span;
                        self.pair(m, first, "Principal", "NotPrincipal");
                        continue;
                    }
                    stmt.principal = self.principal(m);
                }
                "Action" | "NotAction" => {
                    if let Some(first) = &stmt.actions {
                        let first = first.key_span;
                        self.pair(m, first, "Action", "NotAction");
                        continue;
                    }
                    stmt.actions = self.list(m, key == "NotAction");
                }
                "Resource" | "NotResource" => {
                    if let Some(first) = &stmt.resources {
                        let first = first.key_span;
                        self.pair(m, first, "Resource", "NotResource");
                        continue;
                    }
                    stmt.resources = self.list(m, key == "NotResource");
                }
                "Condition" => {
                    stmt.condition = Some(m.key_span);
                    stmt.entries = self.condition(&m.value);
                }
                _ => self.unknown_element(m, &STMT_ELEMENTS, "a statement"),
            }
        }
        if stmt.effect.is_none() && !seen.contains(&"Effect") {
            let d = self
                .invalid(head(node.span), "statement has no `Effect`")
                .with_label("this statement")
                .with_help("add `\"Effect\": \"Deny\"` or `\"Effect\": \"Allow\"`");
            self.push(d);
        }
        if stmt.actions.is_none() && !seen.contains(&"Action") && !seen.contains(&"NotAction") {
            let d = self
                .invalid(head(node.span), "statement has no `Action` or `NotAction`")
                .with_label("this statement")
                .with_help("name the actions the statement is about");
            self.push(d);
        }
        Some(stmt)
    }

    fn pair(&mut self, m: &Member, first: Span, a: &str, b: &str) {
        let d = self
            .invalid(
                m.key_span,
                format!("elements `{a}` and `{b}` cannot appear in the same statement"),
            )
            .with_label("second of the pair")
            .with_secondary(self.file, first, "first here");
        self.push(d);
    }

    /// A string or an array of strings.
    fn strings(&mut self, node: &Node, what: &str) -> Option<Vec<Spanned<String>>> {
        match &node.value {
            Value::String(s) => Some(vec![Spanned::new(s.clone(), node.span)]),
            Value::Array(items) => {
                let mut out = Vec::new();
                for item in items {
                    if let Some(s) = self.string(item, what) {
                        out.push(s);
                    }
                }
                Some(out)
            }
            _ => {
                let d = self
                    .invalid(
                        node.span,
                        format!(
                            "{what} must be a string or an array of strings, found {}",
                            node.kind()
                        ),
                    )
                    .with_label("wrong JSON type");
                self.push(d);
                None
            }
        }
    }

    fn list(&mut self, m: &Member, not: bool) -> Option<ListEl> {
        let items = self.strings(&m.value, &format!("`{}`", m.key))?;
        if items.is_empty() {
            let d = self
                .invalid(m.value.span, format!("`{}` is empty", m.key))
                .with_label("empty list")
                .with_help("name at least one, or `\"*\"`");
            self.push(d);
            return None;
        }
        Some(ListEl {
            not,
            key_span: m.key_span,
            items,
        })
    }

    fn principal(&mut self, m: &Member) -> Option<PrincipalEl> {
        let not = m.key == "NotPrincipal";
        let shape = match &m.value.value {
            Value::String(s) if s == "*" => PrincipalShape::Any,
            Value::Object(members) => {
                let mut map = Vec::new();
                for p in members {
                    if !PRINCIPAL_TYPES.contains(&p.key.as_str()) {
                        let mut d = self
                            .invalid(p.key_span, format!("unknown principal type `{}`", p.key))
                            .with_label("not a principal type");
                        match crate::check::closest(&p.key, PRINCIPAL_TYPES) {
                            Some(s) => d = d.with_suggestion(s),
                            None => d = d.with_help(
                                "the types are `AWS`, `Service`, `Federated` and `CanonicalUser`",
                            ),
                        }
                        self.push(d);
                        continue;
                    }
                    if let Some(values) = self.strings(&p.value, "a principal") {
                        map.push((Spanned::new(p.key.clone(), p.key_span), values));
                    }
                }
                PrincipalShape::Map(map)
            }
            _ => {
                let d = self
                    .invalid(
                        m.value.span,
                        format!(
                            "`{}` must be `\"*\"` or an object of principal types",
                            m.key
                        ),
                    )
                    .with_label("not a principal")
                    .with_help("write `{\"AWS\": \"arn:…\"}`, `{\"Service\": \"….amazonaws.com\"}` or `\"*\"`");
                self.push(d);
                return None;
            }
        };
        Some(PrincipalEl {
            not,
            key_span: m.key_span,
            shape,
        })
    }

    fn condition(&mut self, node: &Node) -> Vec<Entry> {
        let Some(operators) = node.members() else {
            let d = self
                .invalid(
                    node.span,
                    format!("`Condition` must be an object, found {}", node.kind()),
                )
                .with_label("wrong JSON type")
                .with_help("write `\"Condition\": {\"Operator\": {\"key\": [values]}}`");
            self.push(d);
            return Vec::new();
        };
        let mut out = Vec::new();
        for op in operators {
            let spec = match OperatorSpec::parse(&op.key) {
                Ok(spec) => Some(spec),
                Err(message) => {
                    self.unknown_operator(op, &message);
                    None
                }
            };
            let Some(keys) = op.value.members() else {
                let d = self
                    .invalid(
                        op.value.span,
                        format!(
                            "the block of `{}` must be an object of condition keys, found {}",
                            op.key,
                            op.value.kind()
                        ),
                    )
                    .with_label("wrong JSON type")
                    .with_help(format!("write `\"{}\": {{\"key\": [values]}}`", op.key));
                self.push(d);
                continue;
            };
            for key in keys {
                let mut values = Vec::new();
                let mut array_len = None;
                match &key.value.value {
                    Value::Array(items) => {
                        array_len = Some(items.len());
                        for item in items {
                            if let Some(v) = self.scalar(item) {
                                values.push(v);
                            }
                        }
                    }
                    _ => {
                        if let Some(v) = self.scalar(&key.value) {
                            values.push(v);
                        }
                    }
                }
                out.push(Entry {
                    operator: Spanned::new(op.key.clone(), op.key_span),
                    spec,
                    key: Spanned::new(key.key.clone(), key.key_span),
                    values,
                    values_span: key.value.span,
                    array_len,
                });
            }
        }
        out
    }

    fn unknown_operator(&mut self, op: &Member, message: &str) {
        let mut d = Diagnostic::new(codes::E0607, self.file, op.key_span, message.to_string())
            .with_label("not a condition operator");
        if op.key.to_ascii_lowercase().ends_with("nullifexists") {
            d = d.with_help("`Null` already tests whether the key exists; drop `IfExists`");
        } else if let Some(s) = suggest_operator(&op.key) {
            d = d.with_suggestion(s);
        } else {
            d = d.with_help(
                "operators are `[ForAnyValue:|ForAllValues:]<Operator>[IfExists]`, e.g. `StringEquals`",
            );
        }
        self.push(d);
    }

    fn scalar(&mut self, node: &Node) -> Option<CondValue> {
        let (text, kind) = match &node.value {
            Value::String(s) => (s.clone(), ValueKind::Str),
            Value::Number(n) => (n.clone(), ValueKind::Num),
            Value::Bool(b) => (b.to_string(), ValueKind::Bool),
            _ => {
                let d = self
                    .invalid(
                        node.span,
                        format!(
                            "a condition value must be a string, number or boolean, found {}",
                            node.kind()
                        ),
                    )
                    .with_label("not a condition value");
                self.push(d);
                return None;
            }
        };
        Some(CondValue {
            text,
            span: node.span,
            kind,
        })
    }
}

/// The operator closest to a misspelled one, qualifier and suffix kept.
fn suggest_operator(text: &str) -> Option<String> {
    let (qualifier, rest) = match text.split_once(':') {
        Some((q, rest)) => {
            let q = crate::check::closest(q, ["ForAnyValue", "ForAllValues"])?;
            (format!("{q}:"), rest)
        }
        None => (String::new(), text),
    };
    let mut names: Vec<String> = Vec::new();
    for op in crate::iam::BaseOperator::ALL {
        names.push(op.name().to_string());
        if *op != crate::iam::BaseOperator::Null {
            names.push(format!("{}IfExists", op.name()));
        }
    }
    let best = crate::check::closest(rest, names.iter().map(String::as_str))?;
    Some(format!("{qualifier}{best}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_operators() {
        assert_eq!(
            suggest_operator("StringEqual").as_deref(),
            Some("StringEquals")
        );
        assert_eq!(
            suggest_operator("ForAnyValues:StringLike").as_deref(),
            Some("ForAnyValue:StringLike")
        );
        assert_eq!(
            suggest_operator("ArnNotLikeIfExist").as_deref(),
            Some("ArnNotLikeIfExists")
        );
    }
}
