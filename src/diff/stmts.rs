//! The statements of two versions of one policy, each distinct statement
//! once, split into atoms.
//!
//! A statement applies exactly when its action is covered and each of its
//! atoms holds (the evaluator ANDs `Resource`, `Principal` and every
//! condition entry). An atom is one of those parts, evaluated alone by the
//! evaluator on a statement holding only it ([`Atom::probe`]). Statements
//! equal but for their `Sid` are one statement: the `Sid` never decides.

use crate::eval::{self, Request};
use crate::iam::variables::{Piece, pieces};
use crate::iam::{
    Actions, Condition, OperatorSpec, PolicyDocument, Principal, PrincipalSpec, Resources,
    SetQualifier, Statement, VERSION_2012,
};
use crate::policy::Effect;
use std::collections::HashMap;

/// The name of the resource among the keys of a request (no key has it).
pub(super) const RESOURCE: &str = "\u{0}resource";
/// The keys a request's principal is read from, as `gov test` reads it.
pub(super) const PRINCIPAL_KEYS: [&str; 2] = ["aws:principalarn", "aws:principalservicename"];

/// What an atom tests.
#[derive(Clone, Debug)]
pub(super) enum Part {
    /// One condition entry (its operator and key, values merged as JSON
    /// merges them).
    Condition {
        spec: OperatorSpec,
        /// As written.
        key: String,
        values: Vec<String>,
    },
    Resource(Resources),
    // read only through its `Debug` text, which identifies the atom
    #[allow(dead_code)]
    Principal(Principal),
}

/// One part of a statement, evaluated alone.
#[derive(Clone, Debug)]
pub(super) struct Atom {
    pub part: Part,
    /// `Version` 2012-10-17: policy variables are resolved.
    pub variables: bool,
    /// The statement holding only this part (action `*`).
    pub probe: Statement,
    /// The keys it reads, lowercased ([`RESOURCE`] for the resource): the
    /// tested key first, then the keys named by policy variables.
    pub reads: Vec<String>,
}

impl Atom {
    /// Whether it holds on `req`, as the evaluator decides.
    pub(super) fn holds(&self, req: &Request) -> bool {
        let version = self.variables.then_some(VERSION_2012);
        eval::statement_matches_in_version(&self.probe, req, version).unwrap_or(false)
    }

    /// `ForAllValues`: every value must pass; else one value suffices.
    pub(super) fn for_all(&self) -> bool {
        matches!(
            &self.part,
            Part::Condition { spec, .. } if spec.qualifier == Some(SetQualifier::ForAllValues)
        )
    }
}

/// A distinct statement of either version.
#[derive(Clone, Debug)]
pub(super) struct Unified<'a> {
    pub statement: &'a Statement,
    pub effect: Effect,
    /// Its place in each version's document, if it is there.
    pub old: Option<usize>,
    pub new: Option<usize>,
    /// Its atoms (indexes into [`Statements::atoms`]); it applies when its
    /// action is covered and all hold.
    pub atoms: Vec<usize>,
    /// An operator the evaluator cannot read: the statement fails to
    /// evaluate, so as a `Deny` it denies every request, as an `Allow` it
    /// never allows.
    pub erroneous: bool,
}

/// The statements of both versions and their atoms.
#[derive(Default)]
pub(super) struct Statements<'a> {
    pub list: Vec<Unified<'a>>,
    pub atoms: Vec<Atom>,
}

/// The lowercased names of the policy variables in `text`.
fn variable_names(text: &str, into: &mut Vec<String>) {
    for piece in pieces(text) {
        if let Piece::Variable { name, .. } = piece {
            let lower = name.to_ascii_lowercase();
            if !into.contains(&lower) {
                into.push(lower);
            }
        }
    }
}

fn bare(effect: Effect) -> Statement {
    Statement {
        sid: None,
        effect,
        principal: None,
        actions: Actions::Action(vec!["*".to_string()]),
        resources: None,
        conditions: Vec::new(),
    }
}

/// A key identifying an atom's meaning.
fn atom_key(part: &Part, variables: bool) -> String {
    format!("{variables}\u{1}{part:?}")
}

impl<'a> Statements<'a> {
    /// The distinct statements of `old` and `new` (either may be missing).
    pub(super) fn of(old: Option<&'a PolicyDocument>, new: Option<&'a PolicyDocument>) -> Self {
        let mut out = Statements::default();
        let mut by_text: HashMap<String, usize> = HashMap::new();
        let mut by_atom: HashMap<String, usize> = HashMap::new();
        for (is_new, doc) in [(false, old), (true, new)] {
            let Some(doc) = doc else {
                continue;
            };
            let variables = doc.version.as_deref() == Some(VERSION_2012);
            for (index, stmt) in doc.statements.iter().enumerate() {
                let text = format!("{variables}\u{1}{}", statement_text(stmt));
                let at = match by_text.get(&text) {
                    Some(&at) => at,
                    None => {
                        let unified = out.unify(stmt, variables, &mut by_atom);
                        out.list.push(unified);
                        by_text.insert(text, out.list.len() - 1);
                        out.list.len() - 1
                    }
                };
                if let Some(u) = out.list.get_mut(at) {
                    let slot = if is_new { &mut u.new } else { &mut u.old };
                    if slot.is_none() {
                        *slot = Some(index);
                    }
                }
            }
        }
        out
    }

    fn add_atom(
        &mut self,
        part: Part,
        variables: bool,
        probe: Statement,
        reads: Vec<String>,
        by_atom: &mut HashMap<String, usize>,
    ) -> usize {
        let key = atom_key(&part, variables);
        if let Some(&i) = by_atom.get(&key) {
            return i;
        }
        self.atoms.push(Atom {
            part,
            variables,
            probe,
            reads,
        });
        by_atom.insert(key, self.atoms.len() - 1);
        self.atoms.len() - 1
    }

    fn unify(
        &mut self,
        stmt: &'a Statement,
        variables: bool,
        by_atom: &mut HashMap<String, usize>,
    ) -> Unified<'a> {
        let erroneous = stmt.conditions.iter().any(|c| c.operator.spec().is_err());
        let mut atoms = Vec::new();
        if !erroneous {
            // Resource: absent or exactly `*` applies to every resource
            match &stmt.resources {
                Some(Resources::Resource(list)) if list.iter().all(|p| p == "*") => {}
                None => {}
                Some(resources) => {
                    let mut reads = vec![RESOURCE.to_string()];
                    if variables {
                        for p in resources_list(resources) {
                            variable_names(p, &mut reads);
                        }
                    }
                    let probe = Statement {
                        resources: Some(resources.clone()),
                        ..bare(stmt.effect)
                    };
                    atoms.push(self.add_atom(
                        Part::Resource(resources.clone()),
                        variables,
                        probe,
                        reads,
                        by_atom,
                    ));
                }
            }
            match &stmt.principal {
                None | Some(Principal::Principal(PrincipalSpec::Any)) => {}
                Some(principal) => {
                    let probe = Statement {
                        principal: Some(principal.clone()),
                        ..bare(stmt.effect)
                    };
                    atoms.push(self.add_atom(
                        Part::Principal(principal.clone()),
                        variables,
                        probe,
                        PRINCIPAL_KEYS.iter().map(|k| k.to_string()).collect(),
                        by_atom,
                    ));
                }
            }
            for block in stmt.condition_blocks() {
                let Ok(spec) = block.operator.spec() else {
                    continue;
                };
                for entry in block.entries {
                    let values: Vec<String> = entry.values.iter().map(|v| v.to_string()).collect();
                    let mut reads = vec![entry.key.to_ascii_lowercase()];
                    if variables && spec.base.accepts_variables() {
                        for v in &values {
                            variable_names(v, &mut reads);
                        }
                    }
                    let probe = Statement {
                        conditions: vec![Condition {
                            operator: block.operator.clone(),
                            key: entry.key.to_string(),
                            values: values.clone(),
                        }],
                        ..bare(stmt.effect)
                    };
                    atoms.push(self.add_atom(
                        Part::Condition {
                            spec,
                            key: entry.key.to_string(),
                            values,
                        },
                        variables,
                        probe,
                        reads,
                        by_atom,
                    ));
                }
            }
        }
        atoms.sort_unstable();
        atoms.dedup();
        Unified {
            statement: stmt,
            effect: stmt.effect,
            old: None,
            new: None,
            atoms,
            erroneous,
        }
    }
}

pub(super) fn resources_list(r: &Resources) -> &[String] {
    match r {
        Resources::Resource(list) | Resources::NotResource(list) => list,
    }
}

/// The statement's text without its `Sid`.
fn statement_text(stmt: &Statement) -> String {
    let doc = PolicyDocument {
        version: None,
        id: None,
        statements: vec![Statement {
            sid: None,
            ..stmt.clone()
        }],
    };
    doc.to_canonical_json(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(json: &str) -> PolicyDocument {
        PolicyDocument::from_json(json).unwrap()
    }

    #[test]
    fn equal_statements_are_one_and_sids_do_not_count() {
        let old = doc(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:username":"u"}}},{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"}]}"#,
        );
        let new = doc(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"B","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:username":"u"}}}]}"#,
        );
        let s = Statements::of(Some(&old), Some(&new));
        assert_eq!(s.list.len(), 2);
        assert_eq!((s.list[0].old, s.list[0].new), (Some(0), Some(0)));
        assert_eq!((s.list[1].old, s.list[1].new), (Some(1), None));
        // the condition atom, then the resource atom reading the variable
        assert_eq!(s.atoms.len(), 2);
        assert_eq!(s.atoms[1].reads, vec![RESOURCE, "aws:username"]);
        let req = Request::new("s3:GetObject")
            .with_resource("arn:aws:s3:::b/u/k")
            .with_key("aws:username", ["u"]);
        assert!(s.atoms.iter().all(|a| a.holds(&req)));
    }
}
