//! pest pairs → AST. Spans are shifted by the item's offset in its file.

use super::ast::*;
use super::{Rule, SyntaxError};
use pest::iterators::Pair;

type Result<T> = std::result::Result<T, Vec<SyntaxError>>;

pub(crate) struct Builder {
    pub(super) offset: usize,
}

/// A grammar/builder mismatch; cannot happen for input the grammar accepted,
/// but is reported rather than panicking.
pub(super) fn shape(pair: &Pair<Rule>, offset: usize) -> Vec<SyntaxError> {
    let span = pair.as_span();
    vec![SyntaxError::Unexpected {
        span: Span::new(offset + span.start(), offset + span.end()),
        expected: vec![format!("a well-formed {:?}", pair.as_rule())],
        found: pair.as_str().chars().take(40).collect(),
    }]
}

impl Builder {
    pub(crate) fn new(offset: usize) -> Builder {
        Builder { offset }
    }

    /// The pair's span without the trailing whitespace pest's repetitions
    /// take in, so that labels underline just the text.
    pub(super) fn span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        trimmed_span(pair.as_str(), s.start(), self.offset)
    }

    pub(super) fn spanned<T>(&self, pair: &Pair<Rule>, node: T) -> Spanned<T> {
        Spanned::new(node, self.span(pair))
    }

    pub(crate) fn item(&self, pair: Pair<Rule>) -> Result<Item> {
        let inner = pair
            .clone()
            .into_inner()
            .find(|p| p.as_rule() != Rule::EOI)
            .ok_or_else(|| shape(&pair, self.offset))?;
        match inner.as_rule() {
            Rule::use_decl => {
                let span = self.span(&inner);
                let name = inner
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::service_name)
                    .ok_or_else(|| shape(&pair, self.offset))?;
                Ok(Item::Use(UseDecl {
                    service: self.spanned(&name, name.as_str().to_string()),
                    span: Loc(span),
                }))
            }
            Rule::import_decl => {
                let span = self.span(&inner);
                let s = inner
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::string)
                    .ok_or_else(|| shape(&pair, self.offset))?;
                Ok(Item::Import(ImportDecl {
                    path: self.string(s)?,
                    span: Loc(span),
                }))
            }
            Rule::const_decl => self.const_decl(inner).map(Item::Const),
            Rule::policy_decl => self.policy(inner).map(Item::Policy),
            Rule::test_decl => self.test(inner).map(Item::Test),
            Rule::org_decl => self.org(inner).map(Item::Org),
            Rule::param_decl => self.param(inner).map(Item::Param),
            _ => Err(shape(&inner, self.offset)),
        }
    }

    fn const_decl(&self, pair: Pair<Rule>) -> Result<ConstDecl> {
        let span = self.span(&pair);
        let mut docs = Vec::new();
        let mut name = None;
        let mut values = None;
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::doc_comment => docs.push(doc_text(&p)),
                Rule::ident => name = Some(self.spanned(&p, p.as_str().to_string())),
                Rule::list => {
                    let sp = self.span(&p);
                    values = Some(Spanned::new(self.list(p)?, sp));
                }
                _ => {}
            }
        }
        match (name, values) {
            (Some(name), Some(values)) => Ok(ConstDecl {
                docs,
                name,
                values,
                span: Loc(span),
            }),
            _ => Err(shape(&pair, self.offset)),
        }
    }

    /// The head of a policy: docs, annotations, kind and name, no rules yet.
    pub(crate) fn policy_head(&self, pair: Pair<Rule>) -> Result<PolicyDecl> {
        let span = self.span(&pair);
        let mut docs = Vec::new();
        let mut annotations = Vec::new();
        let mut kind = None;
        let mut name = None;
        let mut rules = Vec::new();
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::doc_comment => docs.push(doc_text(&p)),
                Rule::annotation => annotations.push(self.annotation(p)?),
                Rule::policy_kind => {
                    let Some(k) = PolicyKind::from_keyword(p.as_str()) else {
                        return Err(shape(&p, self.offset));
                    };
                    kind = Some(self.spanned(&p, k));
                }
                Rule::ident => name = Some(self.spanned(&p, p.as_str().to_string())),
                Rule::rule => rules.push(self.rule(p)?),
                _ => {}
            }
        }
        // Vectors grow by doubling; a parsed tree lives for the whole run,
        // so it keeps only what it holds.
        rules.shrink_to_fit();
        docs.shrink_to_fit();
        annotations.shrink_to_fit();
        match (kind, name) {
            (Some(kind), Some(name)) => Ok(PolicyDecl {
                docs,
                annotations,
                kind,
                name,
                rules,
                broken: false,
                span: Loc(span),
            }),
            _ => Err(shape(&pair, self.offset)),
        }
    }

    fn policy(&self, pair: Pair<Rule>) -> Result<PolicyDecl> {
        self.policy_head(pair)
    }

    fn annotation(&self, pair: Pair<Rule>) -> Result<Annotation> {
        let span = self.span(&pair);
        let mut name = None;
        let mut arg = None;
        let mut args = Vec::new();
        let mut fields = Vec::new();
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::ident => name = Some(self.spanned(&p, p.as_str().to_string())),
                Rule::string => arg = Some(self.string(p)?),
                Rule::annotation_arg => {
                    for inner in p.into_inner() {
                        match inner.as_rule() {
                            Rule::string => args.push(self.string(inner)?),
                            Rule::annotation_field => fields.push(self.annotation_field(inner)?),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        match (name, arg) {
            (Some(name), Some(arg)) => Ok(Annotation {
                name,
                arg,
                args,
                fields,
                span: Loc(span),
            }),
            _ => Err(shape(&pair, self.offset)),
        }
    }

    /// `name = "value"` inside an annotation.
    fn annotation_field(&self, pair: Pair<Rule>) -> Result<(Spanned<String>, Spanned<String>)> {
        let mut name = None;
        let mut value = None;
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::ident => name = Some(self.spanned(&p, p.as_str().to_string())),
                Rule::string => value = Some(self.string(p)?),
                _ => {}
            }
        }
        match (name, value) {
            (Some(name), Some(value)) => Ok((name, value)),
            _ => Err(shape(&pair, self.offset)),
        }
    }

    pub(crate) fn rule(&self, pair: Pair<Rule>) -> Result<super::ast::Rule> {
        let span = self.span(&pair);
        let mut docs = Vec::new();
        let mut annotations = Vec::new();
        let mut effect = None;
        let mut principals = Vec::new();
        let mut actions = None;
        let mut resources = None;
        let mut when = None;
        let mut unless = None;
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::doc_comment => docs.push(doc_text(&p)),
                Rule::annotation => annotations.push(self.annotation(p)?),
                Rule::effect => {
                    let e = if p.as_str().starts_with("allow") {
                        Effect::Allow
                    } else {
                        Effect::Deny
                    };
                    effect = Some(self.spanned(&p, e));
                }
                Rule::principals => {
                    for pr in p.into_inner() {
                        principals.push(self.principal(pr)?);
                    }
                }
                Rule::actions => actions = Some(self.actions(p)?),
                Rule::resources => resources = Some(self.resources(p)?),
                Rule::when_clause => when = Some(self.clause(p)?),
                Rule::unless_clause => unless = Some(self.clause(p)?),
                _ => {}
            }
        }
        match (effect, actions) {
            (Some(effect), Some(actions)) => Ok(super::ast::Rule {
                docs,
                annotations,
                effect,
                principals,
                actions,
                resources,
                when,
                unless,
                span: Loc(span),
            }),
            _ => Err(shape(&pair, self.offset)),
        }
    }

    fn principal(&self, pair: Pair<Rule>) -> Result<Principal> {
        let span = self.span(&pair);
        let mut kind = None;
        let mut values = Vec::new();
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::kw_anyone => kind = Some(self.spanned(&p, PrincipalKind::Anyone)),
                Rule::principal_kind => {
                    let k = match p.as_str() {
                        "service" => PrincipalKind::Service,
                        "aws" => PrincipalKind::Aws,
                        "federated" => PrincipalKind::Federated,
                        "canonical_user" => PrincipalKind::CanonicalUser,
                        _ => return Err(shape(&p, self.offset)),
                    };
                    kind = Some(self.spanned(&p, k));
                }
                Rule::string => values.push(self.string(p)?),
                Rule::string_list => {
                    for s in p.into_inner() {
                        values.push(self.string(s)?);
                    }
                }
                _ => {}
            }
        }
        let kind = kind.ok_or_else(|| shape(&pair, self.offset))?;
        Ok(Principal {
            kind,
            values,
            span: Loc(span),
        })
    }

    fn action_ref(&self, pair: Pair<Rule>) -> Result<Spanned<ActionRef>> {
        let inner = pair
            .clone()
            .into_inner()
            .next()
            .ok_or_else(|| shape(&pair, self.offset))?;
        let node = match inner.as_rule() {
            Rule::star => ActionRef::Star,
            Rule::string => {
                let s = self.string(inner.clone())?;
                ActionRef::Quoted(s.node)
            }
            Rule::action_name => ActionRef::Name(inner.as_str().to_string()),
            _ => return Err(shape(&inner, self.offset)),
        };
        Ok(self.spanned(&pair, node))
    }

    fn action_refs(&self, pair: Pair<Rule>) -> Result<Vec<Spanned<ActionRef>>> {
        match pair.as_rule() {
            Rule::action_ref => Ok(vec![self.action_ref(pair)?]),
            Rule::action_list => pair.into_inner().map(|p| self.action_ref(p)).collect(),
            _ => Err(shape(&pair, self.offset)),
        }
    }

    fn actions(&self, pair: Pair<Rule>) -> Result<Spanned<ActionSpec>> {
        let span = self.span(&pair);
        let inner = pair
            .clone()
            .into_inner()
            .next()
            .ok_or_else(|| shape(&pair, self.offset))?;
        let node = match inner.as_rule() {
            Rule::all_except => {
                let list = inner
                    .clone()
                    .into_inner()
                    .find(|p| matches!(p.as_rule(), Rule::action_list | Rule::action_ref))
                    .ok_or_else(|| shape(&inner, self.offset))?;
                ActionSpec::AllExcept(self.action_refs(list)?)
            }
            _ => ActionSpec::List(self.action_refs(inner)?),
        };
        Ok(Spanned::new(node, span))
    }

    fn resource_ref(&self, pair: Pair<Rule>) -> Result<Spanned<ResourceRef>> {
        let inner = pair
            .clone()
            .into_inner()
            .next()
            .ok_or_else(|| shape(&pair, self.offset))?;
        let node = match inner.as_rule() {
            Rule::star => ResourceRef::Star,
            Rule::string => ResourceRef::Arn(self.string(inner.clone())?.node),
            Rule::ident => ResourceRef::Const(inner.as_str().to_string()),
            _ => return Err(shape(&inner, self.offset)),
        };
        Ok(self.spanned(&pair, node))
    }

    fn resource_refs(&self, pair: Pair<Rule>) -> Result<Vec<Spanned<ResourceRef>>> {
        match pair.as_rule() {
            Rule::resource_ref => Ok(vec![self.resource_ref(pair)?]),
            Rule::resource_list => pair.into_inner().map(|p| self.resource_ref(p)).collect(),
            _ => Err(shape(&pair, self.offset)),
        }
    }

    fn resources(&self, pair: Pair<Rule>) -> Result<Spanned<ResourceSpec>> {
        let span = self.span(&pair);
        let inner = pair
            .clone()
            .into_inner()
            .find(|p| p.as_rule() != Rule::kw_on)
            .ok_or_else(|| shape(&pair, self.offset))?;
        let node = match inner.as_rule() {
            Rule::resource_except => {
                let list = inner
                    .clone()
                    .into_inner()
                    .find(|p| matches!(p.as_rule(), Rule::resource_list | Rule::resource_ref))
                    .ok_or_else(|| shape(&inner, self.offset))?;
                ResourceSpec::AllExcept(self.resource_refs(list)?)
            }
            _ => ResourceSpec::List(self.resource_refs(inner)?),
        };
        Ok(Spanned::new(node, span))
    }

    fn clause(&self, pair: Pair<Rule>) -> Result<Cond> {
        let cond = pair
            .clone()
            .into_inner()
            .find(|p| p.as_rule() == Rule::condition)
            .ok_or_else(|| shape(&pair, self.offset))?;
        self.condition(cond)
    }

    // Nesting depth is bounded by the lexical pass (scan::MAX_NESTING), so
    // this recursion cannot exhaust the stack.
    fn condition(&self, pair: Pair<Rule>) -> Result<Cond> {
        let span = self.span(&pair);
        let mut parts = Vec::new();
        for p in pair.into_inner() {
            if p.as_rule() == Rule::conjunction {
                parts.push(self.conjunction(p)?);
            }
        }
        Ok(collapse(parts, span, CondKind::Or))
    }

    fn conjunction(&self, pair: Pair<Rule>) -> Result<Cond> {
        let span = self.span(&pair);
        let mut parts = Vec::new();
        for p in pair.into_inner() {
            if p.as_rule() == Rule::negation {
                parts.push(self.negation(p)?);
            }
        }
        Ok(collapse(parts, span, CondKind::And))
    }

    fn negation(&self, pair: Pair<Rule>) -> Result<Cond> {
        let mut nots = Vec::new();
        let mut primary = None;
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::kw_not => nots.push(self.span(&p)),
                Rule::primary => primary = Some(self.primary(p)?),
                _ => {}
            }
        }
        if nots.len() > super::scan::MAX_NESTING {
            // Each `not` is a level of nesting for every later stage.
            let span = nots
                .get(super::scan::MAX_NESTING)
                .copied()
                .unwrap_or_default();
            return Err(vec![SyntaxError::TooDeep { span }]);
        }
        let mut cond = primary.ok_or_else(|| shape(&pair, self.offset))?;
        // Innermost `not` first; each covers the text from its keyword on.
        for not_span in nots.into_iter().rev() {
            let span = not_span.to(cond.span);
            cond = Spanned::new(CondKind::Not(Box::new(cond)), span);
        }
        Ok(cond)
    }

    fn primary(&self, pair: Pair<Rule>) -> Result<Cond> {
        let inner = pair
            .clone()
            .into_inner()
            .next()
            .ok_or_else(|| shape(&pair, self.offset))?;
        match inner.as_rule() {
            Rule::condition => {
                let mut cond = self.condition(inner)?;
                // A parenthesised condition spans its parentheses.
                cond.span = self.span(&pair);
                Ok(cond)
            }
            Rule::comparison => self.comparison(inner),
            _ => Err(shape(&inner, self.offset)),
        }
    }

    fn comparison(&self, pair: Pair<Rule>) -> Result<Cond> {
        let span = self.span(&pair);
        let mut key = None;
        let mut quantifier = None;
        let mut op = None;
        let mut operand = None;
        let mut modifier = None;
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::key => key = Some(self.spanned(&p, p.as_str().to_string())),
                Rule::quantifier => {
                    let q = if p.as_str() == "any" {
                        Quantifier::Any
                    } else {
                        Quantifier::All
                    };
                    quantifier = Some(self.spanned(&p, q));
                }
                Rule::presence => {
                    let o = if p.as_str() == "present" {
                        CmpOp::Present
                    } else {
                        CmpOp::Absent
                    };
                    op = Some(self.spanned(&p, o));
                }
                Rule::operator => {
                    let o = p
                        .clone()
                        .into_inner()
                        .next()
                        .ok_or_else(|| shape(&p, self.offset))?;
                    let o = match o.as_rule() {
                        Rule::op_eq => CmpOp::Eq,
                        Rule::op_ne => CmpOp::Ne,
                        Rule::op_le => CmpOp::Le,
                        Rule::op_ge => CmpOp::Ge,
                        Rule::op_lt => CmpOp::Lt,
                        Rule::op_gt => CmpOp::Gt,
                        Rule::op_in => CmpOp::In,
                        Rule::op_like => CmpOp::Like,
                        Rule::op_not_in => CmpOp::NotIn,
                        Rule::op_not_like => CmpOp::NotLike,
                        _ => return Err(shape(&o, self.offset)),
                    };
                    op = Some(self.spanned(&p, o));
                }
                Rule::operand => operand = Some(self.operand(p)?),
                Rule::modifier => {
                    let m = match p.clone().into_inner().next().map(|m| m.as_rule()) {
                        Some(Rule::mod_ignoring_case) => Modifier::IgnoringCase,
                        Some(Rule::mod_as_string) => Modifier::AsString,
                        Some(Rule::mod_as_arn) => Modifier::AsArn,
                        _ => return Err(shape(&p, self.offset)),
                    };
                    modifier = Some(self.spanned(&p, m));
                }
                _ => {}
            }
        }
        match (key, op) {
            (Some(key), Some(op)) => Ok(Spanned::new(
                CondKind::Cmp(Comparison {
                    key,
                    quantifier,
                    op,
                    operand,
                    modifier,
                }),
                span,
            )),
            _ => Err(shape(&pair, self.offset)),
        }
    }

    fn operand(&self, pair: Pair<Rule>) -> Result<Spanned<Operand>> {
        let span = self.span(&pair);
        let inner = pair
            .clone()
            .into_inner()
            .next()
            .ok_or_else(|| shape(&pair, self.offset))?;
        let node = match inner.as_rule() {
            Rule::list => Operand::List(self.list(inner)?),
            Rule::value => Operand::One(self.value(inner)?.node),
            _ => return Err(shape(&inner, self.offset)),
        };
        Ok(Spanned::new(node, span))
    }

    pub(super) fn list(&self, pair: Pair<Rule>) -> Result<Vec<Spanned<Value>>> {
        let mut values: Vec<Spanned<Value>> = pair
            .into_inner()
            .filter(|p| p.as_rule() == Rule::value)
            .map(|p| self.value(p))
            .collect::<Result<_>>()?;
        values.shrink_to_fit();
        Ok(values)
    }

    pub(super) fn value(&self, pair: Pair<Rule>) -> Result<Spanned<Value>> {
        let inner = pair
            .clone()
            .into_inner()
            .next()
            .ok_or_else(|| shape(&pair, self.offset))?;
        let node = match inner.as_rule() {
            Rule::string => Value::Str(self.string(inner.clone())?.node),
            Rule::number => Value::Num(inner.as_str().to_string()),
            Rule::boolean => Value::Bool(inner.as_str() == "true"),
            Rule::variable => {
                let text = inner.as_str();
                let body = text
                    .strip_prefix("${")
                    .and_then(|t| t.strip_suffix('}'))
                    .unwrap_or(text);
                Value::Var(body.to_string())
            }
            Rule::ident => Value::Const(inner.as_str().to_string()),
            _ => return Err(shape(&inner, self.offset)),
        };
        Ok(self.spanned(&pair, node))
    }

    /// A string literal with its escapes resolved.
    pub(super) fn string(&self, pair: Pair<Rule>) -> Result<Spanned<String>> {
        let span = self.span(&pair);
        let raw = pair
            .clone()
            .into_inner()
            .next()
            .map(|p| p.as_str())
            .unwrap_or("");
        let out = unescape(raw, span.start + 1)?;
        Ok(Spanned::new(out, span))
    }

    fn test(&self, pair: Pair<Rule>) -> Result<TestDecl> {
        let span = self.span(&pair);
        let mut name = None;
        let mut policies = Vec::new();
        let mut boundary = None;
        let mut cases = Vec::new();
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::string => name = Some(self.string(p)?),
                Rule::ident | Rule::org_path => {
                    policies.push(self.spanned(&p, p.as_str().to_string()))
                }
                Rule::test_boundary => {
                    boundary = p
                        .into_inner()
                        .find(|i| i.as_rule() == Rule::ident)
                        .map(|i| self.spanned(&i, i.as_str().to_string()));
                }
                Rule::test_case => cases.push(self.test_case(p)?),
                _ => {}
            }
        }
        match name {
            Some(name) if !policies.is_empty() => Ok(TestDecl {
                name,
                policies,
                boundary,
                cases,
                span: Loc(span),
            }),
            _ => Err(shape(&pair, self.offset)),
        }
    }

    fn test_case(&self, pair: Pair<Rule>) -> Result<TestCase> {
        let span = self.span(&pair);
        let mut action = None;
        let mut resource = None;
        let mut context = Vec::new();
        let mut expect = None;
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::action_name => action = Some(self.spanned(&p, p.as_str().to_string())),
                Rule::string => resource = Some(self.string(p)?),
                Rule::context_entry => {
                    let mut key = None;
                    let mut operand = None;
                    for e in p.clone().into_inner() {
                        match e.as_rule() {
                            Rule::key => key = Some(self.spanned(&e, e.as_str().to_string())),
                            Rule::list => {
                                let sp = self.span(&e);
                                operand = Some(Spanned::new(Operand::List(self.list(e)?), sp));
                            }
                            Rule::value => {
                                let v = self.value(e)?;
                                operand = Some(Spanned::new(Operand::One(v.node), v.span));
                            }
                            _ => {}
                        }
                    }
                    match (key, operand) {
                        (Some(k), Some(o)) => context.push((k, o)),
                        _ => return Err(shape(&p, self.offset)),
                    }
                }
                Rule::expectation => {
                    let text: String = p.as_str().split_whitespace().collect();
                    let e = match text.as_str() {
                        "allow" => Expectation::Allow,
                        "deny" => Expectation::Deny,
                        "deny(explicit)" => Expectation::ExplicitDeny,
                        "deny(implicit)" => Expectation::ImplicitDeny,
                        _ => return Err(shape(&p, self.offset)),
                    };
                    expect = Some(self.spanned(&p, e));
                }
                _ => {}
            }
        }
        match (action, expect) {
            (Some(action), Some(expect)) => Ok(TestCase {
                action,
                resource,
                context,
                expect,
                span: Loc(span),
            }),
            _ => Err(shape(&pair, self.offset)),
        }
    }
}

pub(super) fn doc_text(pair: &Pair<Rule>) -> String {
    doc_of(pair.as_str())
}

/// The text of a doc comment (`/// text`): after `///` and one space, without
/// trailing whitespace.
pub(super) fn doc_of(comment: &str) -> String {
    let text = comment.strip_prefix("///").unwrap_or(comment);
    text.strip_prefix(' ')
        .unwrap_or(text)
        .trim_end()
        .to_string()
}

/// The span of `text` (which starts at `start` in its item, the item at
/// `offset` in its file) without the trailing whitespace pest's repetitions
/// take in, so that labels underline just the text.
pub(super) fn trimmed_span(text: &str, start: usize, offset: usize) -> Span {
    let trimmed = text.trim_end_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
    Span::new(offset + start, offset + start + trimmed.len())
}

/// A string literal's content (`raw`, between the quotes, which starts at
/// `content_offset` in the file) with its escapes resolved.
pub(super) fn unescape(raw: &str, content_offset: usize) -> Result<String> {
    if memchr::memchr(b'\\', raw.as_bytes()).is_none() {
        return Ok(raw.to_string());
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let bad = |len: usize| {
            vec![SyntaxError::InvalidEscape {
                span: Span::new(content_offset + i, content_offset + i + len),
                escape: raw.get(i..i + len).unwrap_or("\\").to_string(),
            }]
        };
        match chars.next() {
            Some((_, '"')) => out.push('"'),
            Some((_, '\\')) => out.push('\\'),
            Some((_, 'n')) => out.push('\n'),
            Some((_, 't')) => out.push('\t'),
            Some((_, 'u')) => {
                // \u{XXXX}
                let rest = raw.get(i + 2..).unwrap_or("");
                let close = rest.find('}');
                let code = match (rest.starts_with('{'), close) {
                    (true, Some(close)) => rest
                        .get(1..close)
                        .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                        .and_then(char::from_u32)
                        .map(|ch| (ch, close)),
                    _ => None,
                };
                match code {
                    Some((ch, close)) => {
                        out.push(ch);
                        for _ in 0..=close {
                            chars.next();
                        }
                    }
                    None => return Err(bad(2)),
                }
            }
            Some((_, other)) => return Err(bad(1 + other.len_utf8())),
            None => return Err(bad(1)),
        }
    }
    Ok(out)
}

/// One part stays itself; several become an `and`/`or` node.
pub(super) fn collapse(mut parts: Vec<Cond>, span: Span, make: fn(Vec<Cond>) -> CondKind) -> Cond {
    parts.shrink_to_fit();
    if parts.len() == 1
        && let Some(only) = parts.pop()
    {
        return only;
    }
    Spanned::new(make(parts), span)
}
