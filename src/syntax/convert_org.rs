//! pest pairs → the syntax tree of an `org` declaration.

use super::Rule;
use super::SyntaxError;
use super::ast::*;
use super::convert::{Builder, doc_text, shape};
use pest::iterators::Pair;

type Result<T> = std::result::Result<T, Vec<SyntaxError>>;

/// What an `ou` or `account` declaration is made of.
#[derive(Default)]
struct NodeParts {
    docs: Vec<String>,
    name: Option<Spanned<String>>,
    id: Option<Spanned<String>>,
    body: Option<Vec<OrgEntry>>,
}

impl Builder {
    pub(crate) fn org(&self, pair: Pair<Rule>) -> Result<OrgDecl> {
        let span = self.span(&pair);
        let mut docs = Vec::new();
        let mut name = None;
        let mut body = None;
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::doc_comment => docs.push(doc_text(&p)),
                Rule::ident => name = Some(self.spanned(&p, p.as_str().to_string())),
                Rule::org_body => body = Some(self.org_body(p)?),
                _ => {}
            }
        }
        match (name, body) {
            (Some(name), Some(body)) => Ok(OrgDecl {
                docs,
                name,
                body,
                span: Loc(span),
            }),
            _ => Err(shape(&pair, self.offset)),
        }
    }

    fn org_body(&self, pair: Pair<Rule>) -> Result<Vec<OrgEntry>> {
        let mut out = Vec::new();
        for entry in pair.into_inner() {
            if entry.as_rule() != Rule::org_entry {
                continue;
            }
            let Some(inner) = entry.clone().into_inner().next() else {
                return Err(shape(&entry, self.offset));
            };
            out.push(match inner.as_rule() {
                Rule::ou_decl => OrgEntry::Ou(self.ou(inner)?),
                Rule::account_decl => OrgEntry::Account(self.account(inner)?),
                Rule::attach => OrgEntry::Attach(self.attach(inner)?),
                Rule::detach => OrgEntry::Detach(self.detach(inner)?),
                Rule::set_value => OrgEntry::Set(self.set_value(inner)?),
                _ => return Err(shape(&inner, self.offset)),
            });
        }
        Ok(out)
    }

    /// The parts of an OU or account: its doc comments, name, id (an
    /// account's) and body, each as far as written.
    fn node_parts(&self, pair: &Pair<Rule>) -> Result<NodeParts> {
        let mut parts = NodeParts::default();
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::doc_comment => parts.docs.push(doc_text(&p)),
                Rule::ident => parts.name = Some(self.spanned(&p, p.as_str().to_string())),
                Rule::string => parts.id = Some(self.string(p)?),
                Rule::org_body => parts.body = Some(self.org_body(p)?),
                _ => {}
            }
        }
        Ok(parts)
    }

    fn ou(&self, pair: Pair<Rule>) -> Result<OuDecl> {
        let span = self.span(&pair);
        let NodeParts {
            docs, name, body, ..
        } = self.node_parts(&pair)?;
        match (name, body) {
            (Some(name), Some(body)) => Ok(OuDecl {
                docs,
                name,
                body,
                span: Loc(span),
            }),
            _ => Err(shape(&pair, self.offset)),
        }
    }

    fn account(&self, pair: Pair<Rule>) -> Result<AccountDecl> {
        let span = self.span(&pair);
        let NodeParts {
            docs,
            name,
            id,
            body,
        } = self.node_parts(&pair)?;
        match (name, id) {
            (Some(name), Some(id)) => Ok(AccountDecl {
                docs,
                name,
                id,
                body,
                span: Loc(span),
            }),
            _ => Err(shape(&pair, self.offset)),
        }
    }

    fn attach(&self, pair: Pair<Rule>) -> Result<Attach> {
        let span = self.span(&pair);
        let mut kind = None;
        let mut targets = Vec::new();
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::policy_kind => {
                    let Some(k) = PolicyKind::from_keyword(p.as_str().trim()) else {
                        return Err(shape(&p, self.offset));
                    };
                    kind = Some(self.spanned(&p, k));
                }
                Rule::attach_target => {
                    let Some(inner) = p.clone().into_inner().next() else {
                        return Err(shape(&p, self.offset));
                    };
                    let target = match inner.as_rule() {
                        Rule::ident => AttachTarget::Name(inner.as_str().to_string()),
                        Rule::control_pattern => {
                            let s = inner
                                .clone()
                                .into_inner()
                                .find(|q| q.as_rule() == Rule::string)
                                .ok_or_else(|| shape(&inner, self.offset))?;
                            AttachTarget::Control(self.string(s)?.node)
                        }
                        _ => return Err(shape(&inner, self.offset)),
                    };
                    targets.push(self.spanned(&p, target));
                }
                _ => {}
            }
        }
        match kind {
            Some(kind) if !targets.is_empty() => Ok(Attach {
                kind,
                targets,
                span: Loc(span),
            }),
            _ => Err(shape(&pair, self.offset)),
        }
    }

    /// A list or one value, with whether it was written as a list.
    fn values(&self, pair: Pair<Rule>) -> Result<(Spanned<Vec<Spanned<Value>>>, bool)> {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::list => Ok((Spanned::new(self.list(pair)?, span), true)),
            _ => {
                let v = self.value(pair)?;
                Ok((Spanned::new(vec![v], span), false))
            }
        }
    }

    fn set_value(&self, pair: Pair<Rule>) -> Result<SetValue> {
        let span = self.span(&pair);
        let mut name = None;
        let mut values = None;
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::ident => name = Some(self.spanned(&p, p.as_str().to_string())),
                Rule::list | Rule::value => values = Some(self.values(p)?),
                _ => {}
            }
        }
        match (name, values) {
            (Some(name), Some((values, list))) => Ok(SetValue {
                name,
                values,
                list,
                span: Loc(span),
            }),
            _ => Err(shape(&pair, self.offset)),
        }
    }

    pub(crate) fn param(&self, pair: Pair<Rule>) -> Result<ParamDecl> {
        let span = self.span(&pair);
        let mut docs = Vec::new();
        let mut name = None;
        let mut ty = None;
        let mut default = None;
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::doc_comment => docs.push(doc_text(&p)),
                Rule::ident => name = Some(self.spanned(&p, p.as_str().to_string())),
                Rule::param_type => {
                    let list = p.as_str().trim_start().starts_with('[');
                    let base_text = p
                        .clone()
                        .into_inner()
                        .find(|q| q.as_rule() == Rule::param_base)
                        .map(|q| q.as_str().trim().to_string())
                        .unwrap_or_default();
                    let Some(base) = ParamBase::ALL
                        .into_iter()
                        .find(|b| b.keyword() == base_text)
                    else {
                        return Err(shape(&p, self.offset));
                    };
                    ty = Some(self.spanned(&p, ParamType { base, list }));
                }
                Rule::list | Rule::value => default = Some(self.values(p)?),
                _ => {}
            }
        }
        match (name, ty) {
            (Some(name), Some(ty)) => Ok(ParamDecl {
                docs,
                name,
                ty,
                default_list: default.as_ref().is_some_and(|d| d.1),
                default: default.map(|d| d.0),
                span: Loc(span),
            }),
            _ => Err(shape(&pair, self.offset)),
        }
    }

    fn detach(&self, pair: Pair<Rule>) -> Result<Detach> {
        let span = self.span(&pair);
        let name = pair
            .clone()
            .into_inner()
            .find(|p| p.as_rule() == Rule::ident)
            .ok_or_else(|| shape(&pair, self.offset))?;
        Ok(Detach {
            name: self.spanned(&name, name.as_str().to_string()),
            span: Loc(span),
        })
    }
}
