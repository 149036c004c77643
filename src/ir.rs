//! The typed IR: what the checker proves well-formed and the lowering consumes.
//!
//! Names are resolved to the catalog's spelling, constants are inlined,
//! every comparison is typed, and a rule's `when W unless U` is one predicate
//! `W and not U`, with the meaning of docs/meaning.md §4.

use crate::catalog::KeyType;
pub use crate::policy::{Effect, PolicyKind};
use crate::source::FileId;
pub use crate::source::Span;
pub use crate::syntax::ast::PrincipalKind;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Program {
    pub policies: Vec<std::sync::Arc<Policy>>,
    pub tests: Vec<TestSuite>,
}

/// A `test` block: requests and the decision each must get from a policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestSuite {
    pub name: String,
    /// The policies under test (`for A, B`), as named in the test; each is
    /// evaluated in the layer of its kind.
    pub policies: Vec<String>,
    /// `with boundary C`: an identity policy used as the permissions boundary.
    pub boundary: Option<String>,
    pub cases: Vec<TestCase>,
    pub file: FileId,
    pub span: Span,
}

impl TestSuite {
    /// The node of the organization the test names (`Root/Sandbox`), if it
    /// names one instead of policies.
    pub fn node_path(&self) -> Option<&str> {
        match self.policies.as_slice() {
            [one] if one.contains('/') => Some(one),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestCase {
    /// The catalog's spelling: `sagemaker:CreateApp`.
    pub action: String,
    pub resource: Option<String>,
    /// Key (catalog spelling) → values; a key left out is absent.
    pub context: Vec<(String, Vec<String>)>,
    pub expect: Expectation,
    pub span: Span,
}

pub use crate::syntax::ast::Expectation;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub name: String,
    pub kind: PolicyKind,
    pub docs: Vec<String>,
    /// The `@control("…")` annotations, in source order.
    pub controls: Vec<String>,
    /// `@sid("…")` on the policy: the prefix of its statement ids.
    pub sid_prefix: Option<String>,
    pub rules: Vec<Rule>,
    pub file: FileId,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub effect: Effect,
    /// `@sid("…")` on the rule.
    pub sid: Option<String>,
    pub docs: Vec<String>,
    pub principals: Vec<Principal>,
    pub actions: Actions,
    pub resources: Resources,
    /// When the rule applies: `W and not U`; [`Expr::True`] without conditions.
    pub condition: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    pub kind: PrincipalKind,
    pub values: Vec<String>,
}

/// Action names in the catalog's spelling (`sagemaker:CreateApp`), IAM
/// wildcards kept as written (`kms:Encrypt*`), `*` for every action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actions {
    Only(Vec<String>),
    AllExcept(Vec<String>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resources {
    Only(Vec<String>),
    AllExcept(Vec<String>),
}

/// A predicate on the request context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    True,
    False,
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Atom(Atom),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    /// The catalog's spelling, template filled: `sagemaker:ResourceTag/team`.
    pub name: String,
    pub ty: KeyType,
}

/// How the values of a key are tested.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quant {
    /// A single-valued key: its one value (false when absent).
    Single,
    /// Some value of a multivalued key (false when absent).
    Any,
    /// Every value of a multivalued key (true when absent).
    All,
}

/// The element test, before any negation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ElemOp {
    /// The value equals one of the list.
    Equals,
    /// The value equals one of the list, case aside (`ignoring case`).
    EqualsIgnoringCase,
    /// The value matches one of the globs (`*`, `?`).
    Like,
    /// The value is in one of the CIDR ranges.
    InCidr,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Atom {
    /// The key has at least one value.
    Present(Key),
    /// `quant` over the key's values of `op` against `values` (ORed), each
    /// element test negated when `negated` (so `all not in S`: no value in S).
    Test {
        key: Key,
        quant: Quant,
        op: ElemOp,
        negated: bool,
        values: Vec<Literal>,
    },
}

/// A typed literal. Strings may hold `${…}` policy variables, already checked.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Literal {
    Str(String),
    Num(String),
    Bool(bool),
}

impl Literal {
    pub fn text(&self) -> String {
        self.as_str().to_string()
    }

    /// [`Literal::text`], borrowed.
    pub fn as_str(&self) -> &str {
        match self {
            Literal::Str(s) | Literal::Num(s) => s,
            Literal::Bool(true) => "true",
            Literal::Bool(false) => "false",
        }
    }
}

impl Expr {
    pub fn and(parts: Vec<Expr>) -> Expr {
        match parts.len() {
            0 => Expr::True,
            1 => parts.into_iter().next().unwrap_or(Expr::True),
            _ => Expr::And(parts),
        }
    }

    pub fn or(parts: Vec<Expr>) -> Expr {
        match parts.len() {
            0 => Expr::False,
            1 => parts.into_iter().next().unwrap_or(Expr::False),
            _ => Expr::Or(parts),
        }
    }

    pub fn negate(e: Expr) -> Expr {
        match e {
            Expr::True => Expr::False,
            Expr::False => Expr::True,
            Expr::Not(inner) => *inner,
            other => Expr::Not(Box::new(other)),
        }
    }

    /// Every atom, in order of appearance.
    pub fn atoms(&self) -> Vec<&Atom> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(e) = stack.pop() {
            match e {
                Expr::Atom(a) => out.push(a),
                Expr::And(v) | Expr::Or(v) => stack.extend(v.iter().rev()),
                Expr::Not(inner) => stack.push(inner),
                Expr::True | Expr::False => {}
            }
        }
        out
    }
}

impl Atom {
    pub fn key(&self) -> &Key {
        match self {
            Atom::Present(k) => k,
            Atom::Test { key, .. } => key,
        }
    }
}
