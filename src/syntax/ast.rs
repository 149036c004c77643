//! The syntax tree of a `.gov` file, with source spans.
//!
//! Spans are kept out of equality ([`Spanned`] compares only its node), so two
//! trees compare by meaning: the formatter relies on that to prove it changed
//! nothing but layout.

pub use super::ast_org::*;
pub use crate::policy::{Effect, PolicyKind};
pub use crate::source::{Loc, Span, Spanned};

/// One parsed `.gov` file. Items whose syntax was broken are left out (their
/// errors are reported); `broken` says whether that happened.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct File {
    pub items: Vec<Item>,
    pub broken: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Use(UseDecl),
    Import(ImportDecl),
    Const(ConstDecl),
    Policy(PolicyDecl),
    Test(TestDecl),
    Org(OrgDecl),
    Param(ParamDecl),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UseDecl {
    pub service: Spanned<String>,
    pub span: Loc,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportDecl {
    pub path: Spanned<String>,
    pub span: Loc,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConstDecl {
    pub docs: Vec<String>,
    pub name: Spanned<String>,
    pub values: Spanned<Vec<Spanned<Value>>>,
    pub span: Loc,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Annotation {
    pub name: Spanned<String>,
    /// The first argument, a string.
    pub arg: Spanned<String>,
    /// Further string arguments, in order (`@allow("<code>", "<code>", …)`).
    pub args: Vec<Spanned<String>>,
    /// Named arguments, in order (`reason = "…"`).
    pub fields: Vec<(Spanned<String>, Spanned<String>)>,
    pub span: Loc,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyDecl {
    pub docs: Vec<String>,
    pub annotations: Vec<Annotation>,
    pub kind: Spanned<PolicyKind>,
    pub name: Spanned<String>,
    pub rules: Vec<Rule>,
    /// Some rule of this policy failed to parse and was left out.
    pub broken: bool,
    pub span: Loc,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub docs: Vec<String>,
    pub annotations: Vec<Annotation>,
    pub effect: Spanned<Effect>,
    pub principals: Vec<Principal>,
    pub actions: Spanned<ActionSpec>,
    pub resources: Option<Spanned<ResourceSpec>>,
    pub when: Option<Cond>,
    pub unless: Option<Cond>,
    pub span: Loc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PrincipalKind {
    Anyone,
    Aws,
    Service,
    Federated,
    CanonicalUser,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    pub kind: Spanned<PrincipalKind>,
    pub values: Vec<Spanned<String>>,
    pub span: Loc,
}

/// One entry of an action list, as written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ActionRef {
    /// `*`: every action.
    Star,
    /// `sagemaker:CreateApp`, `sagemaker:Create*`, or unqualified `CreateApp`
    /// (resolved by `use`), or the name of a `const` list of action strings.
    Name(String),
    /// `"kms:Encrypt*"`.
    Quoted(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionSpec {
    /// `Action`: these actions.
    List(Vec<Spanned<ActionRef>>),
    /// `* except [...]`: `NotAction`.
    AllExcept(Vec<Spanned<ActionRef>>),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ResourceRef {
    Star,
    Arn(String),
    Const(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResourceSpec {
    List(Vec<Spanned<ResourceRef>>),
    AllExcept(Vec<Spanned<ResourceRef>>),
}

/// A condition, as written.
pub type Cond = Spanned<CondKind>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CondKind {
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
    Cmp(Comparison),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quantifier {
    Any,
    All,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    Ne,
    In,
    NotIn,
    Like,
    NotLike,
    Lt,
    Le,
    Gt,
    Ge,
    Present,
    Absent,
}

impl CmpOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::In => "in",
            CmpOp::NotIn => "not in",
            CmpOp::Like => "like",
            CmpOp::NotLike => "not like",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Present => "present",
            CmpOp::Absent => "absent",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    pub key: Spanned<String>,
    pub quantifier: Option<Spanned<Quantifier>>,
    pub op: Spanned<CmpOp>,
    /// `None` for `present` / `absent`.
    pub operand: Option<Spanned<Operand>>,
    /// `ignoring case`, `as string`, `as arn` after the operand.
    pub modifier: Option<Spanned<Modifier>>,
}

/// How a comparison's values are compared when the key's type would say
/// otherwise (docs/meaning.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Modifier {
    /// Equality without regard to case (`…IgnoreCase`).
    IgnoringCase,
    /// An ARN key compared as text (`String…`: `*` may cross `:`).
    AsString,
    /// A string key compared as an ARN (`Arn…`: part by part).
    AsArn,
}

impl Modifier {
    pub fn as_str(self) -> &'static str {
        match self {
            Modifier::IgnoringCase => "ignoring case",
            Modifier::AsString => "as string",
            Modifier::AsArn => "as arn",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Operand {
    One(Value),
    List(Vec<Spanned<Value>>),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    /// A string literal, escapes resolved; may hold `${…}` policy variables.
    Str(String),
    /// A number as written.
    Num(String),
    Bool(bool),
    /// A bare policy variable: `${aws:PrincipalTag/team}` (the text inside `${}`).
    Var(String),
    /// The name of a `const`.
    Const(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestDecl {
    pub name: Spanned<String>,
    /// The policies evaluated together (`for A, B`), at least one; or, alone,
    /// a node of the organization by its path (`Root/Sandbox`): a name with a `/`.
    pub policies: Vec<Spanned<String>>,
    /// `with boundary C`: the identity policy used as the permissions boundary.
    pub boundary: Option<Spanned<String>>,
    pub cases: Vec<TestCase>,
    pub span: Loc,
}

impl TestDecl {
    /// The first name, when it is a path to a node of the organization
    /// (`Root/Sandbox`: a name with a `/`).
    pub fn node_path(&self) -> Option<&Spanned<String>> {
        self.policies.first().filter(|p| p.node.contains('/'))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Expectation {
    Allow,
    /// Denied, explicitly or implicitly.
    Deny,
    ExplicitDeny,
    ImplicitDeny,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestCase {
    pub action: Spanned<String>,
    pub resource: Option<Spanned<String>>,
    pub context: Vec<(Spanned<String>, Spanned<Operand>)>,
    pub expect: Spanned<Expectation>,
    pub span: Loc,
}
