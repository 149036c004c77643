//! Keys that must be tried together: a policy variable links the key it is
//! compared with (or the resource) to the key it names, and a principal is
//! read from two keys. Such a component is enumerated: every combination of
//! its keys' representative values (`domain/`), up to [`MAX_POINTS`].
//! Representatives of variables are tokens equal to the values they are
//! compared with, other values, and the values a witness captures for them;
//! that is a bound, not a proof, and the README says so.

use super::domain::{self, MAX_REPS_FOR_ALL_SUBSETS};
use super::regions::Pattern;
use super::stmts::{Atom, PRINCIPAL_KEYS, RESOURCE};
use crate::catalog::Catalog;
use crate::eval::Request;
use crate::iam::Statement;

/// At most this many combinations are enumerated per component.
pub const MAX_POINTS: usize = 20_000;

/// One key of a component and the values it takes (`None`: absent).
pub(super) struct JointKey {
    pub lower: String,
    pub display: String,
    pub options: Vec<Option<Vec<String>>>,
}

/// An enumerated component.
pub(super) struct Joint {
    pub keys: Vec<JointKey>,
    /// When the component holds the resource: its values (`None`: unknown).
    pub resources: Option<Vec<Option<String>>>,
    pub points: usize,
    pub complete: bool,
    pub notes: Vec<String>,
}

impl Joint {
    /// The component of `slots` tested by `atoms`; the resource also split
    /// by `formats` and tried with `candidates` first.
    pub(super) fn build(
        slots: &[String],
        atoms: &[&Atom],
        catalog: &Catalog,
        formats: &[Pattern],
        candidates: &[String],
    ) -> Joint {
        let mut by_version: [Vec<&Statement>; 2] = [Vec::new(), Vec::new()];
        for a in atoms {
            by_version[usize::from(a.variables)].push(&a.probe);
        }
        let sides: Vec<domain::Statements<'_>> = by_version
            .iter()
            .enumerate()
            .map(|(v, list)| domain::Statements {
                statements: list.clone(),
                variables: v == 1,
            })
            .collect();
        let d = domain::build(&sides, catalog, formats, candidates);
        let mut notes = d.notes.clone();
        let mut complete = d.complete;
        let keys: Vec<JointKey> = slots
            .iter()
            .filter(|s| s.as_str() != RESOURCE)
            .map(|s| match d.keys.iter().find(|k| k.lower == *s) {
                Some(k) => {
                    let reps = k.options.iter().filter(|o| o.as_ref().is_some_and(|v| v.len() == 1)).count();
                    if k.multivalued && reps > MAX_REPS_FOR_ALL_SUBSETS {
                        complete = false;
                        notes.push(format!(
                            "not exhaustive: `{}` takes {reps} values in combinations with a policy variable; of its sets of three or more values only the whole set was tried",
                            k.display
                        ));
                    }
                    JointKey {
                        lower: k.lower.clone(),
                        display: k.display.clone(),
                        options: k.options.clone(),
                    }
                }
                None => JointKey {
                    lower: s.clone(),
                    display: display_of(s),
                    options: vec![None, Some(vec!["other".to_string()])],
                },
            })
            .collect();
        let resources = slots
            .iter()
            .any(|s| s == RESOURCE)
            .then(|| d.resources.clone());
        let mut points: usize = 1;
        let mut capped = false;
        for k in &keys {
            points = points.saturating_mul(k.options.len().max(1));
        }
        if let Some(r) = &resources {
            points = points.saturating_mul(r.len().max(1));
        }
        if points > MAX_POINTS {
            capped = true;
            points = MAX_POINTS;
        }
        if capped {
            complete = false;
            let names: Vec<String> = keys.iter().map(|k| format!("`{}`", k.display)).collect();
            notes.push(format!(
                "not exhaustive: the values of {} tried together make more than {MAX_POINTS} combinations; the first {MAX_POINTS} were tried",
                names.join(", ")
            ));
        }
        Joint {
            keys,
            resources,
            points,
            complete,
            notes,
        }
    }

    /// The option of each key (then of the resource) at `point`.
    fn digits(&self, mut point: usize) -> Vec<usize> {
        let mut out = Vec::with_capacity(self.keys.len() + 1);
        for k in &self.keys {
            let r = k.options.len().max(1);
            out.push(point % r);
            point /= r;
        }
        if let Some(res) = &self.resources {
            out.push(point % res.len().max(1));
        }
        out
    }

    /// The values of the keys present at `point`, and the resource.
    pub(super) fn values(&self, point: usize) -> (Vec<(&JointKey, Vec<String>)>, Option<String>) {
        let d = self.digits(point);
        let mut present = Vec::new();
        for (k, &i) in self.keys.iter().zip(&d) {
            if let Some(Some(v)) = k.options.get(i) {
                present.push((k, v.clone()));
            }
        }
        let resource = self.resources.as_ref().and_then(|r| {
            r.get(d.get(self.keys.len()).copied().unwrap_or(0))
                .cloned()
                .flatten()
        });
        (present, resource)
    }

    /// The request of `point` (the principal read from the context, as
    /// `gov test` reads it).
    pub(super) fn request(&self, point: usize) -> Request {
        let mut req = Request::new("gov:Probe");
        let (present, resource) = self.values(point);
        for (k, v) in present {
            req.context.insert(k.lower.clone(), v);
        }
        req.resource = resource;
        set_principal(&mut req);
        req
    }
}

/// The principal of a request, read from its context as `gov test` does.
pub(super) fn principal_of(req: &Request) -> Option<String> {
    PRINCIPAL_KEYS
        .iter()
        .find_map(|k| req.context.get(*k))
        .and_then(|v| v.first().cloned())
}

/// Sets the principal of a request built from the diff's values, read from its
/// context ([`principal_of`]); a role session's ARN there stands for that
/// session, under its role's ARN ([`Request::read_session_principal`]).
pub(super) fn set_principal(req: &mut Request) {
    req.principal = principal_of(req);
    req.read_session_principal();
}

fn display_of(lower: &str) -> String {
    match lower {
        "aws:principalarn" => "aws:PrincipalArn".to_string(),
        "aws:principalservicename" => "aws:PrincipalServiceName".to_string(),
        other => other.to_string(),
    }
}
