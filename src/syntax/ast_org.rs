//! The syntax tree of an `org` declaration: the organization's root, its OUs
//! and accounts, and the policies attached to each (checked by the `org` module).

use super::ast::{ConstDecl, Loc, PolicyKind, Spanned, Value};

/// `org Name { … }`: the root of the organization and everything below it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgDecl {
    pub docs: Vec<String>,
    pub name: Spanned<String>,
    pub body: Vec<OrgEntry>,
    pub span: Loc,
}

/// One line or block inside a node of the organization.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OrgEntry {
    Ou(OuDecl),
    Account(AccountDecl),
    Attach(Attach),
    Detach(Detach),
    Set(SetValue),
}

/// `set name = value`: a param's value at this node and below.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetValue {
    pub name: Spanned<String>,
    pub values: Spanned<Vec<Spanned<Value>>>,
    /// Written as a list (`[…]`) rather than one value.
    pub list: bool,
    pub span: Loc,
}

/// The type of a param: a base type, or a list of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ParamType {
    pub base: ParamBase,
    pub list: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParamBase {
    String,
    Arn,
    Cidr,
    AccountId,
    Number,
    Bool,
}

impl ParamBase {
    pub const ALL: [ParamBase; 6] = [
        ParamBase::String,
        ParamBase::Arn,
        ParamBase::Cidr,
        ParamBase::AccountId,
        ParamBase::Number,
        ParamBase::Bool,
    ];

    pub fn keyword(self) -> &'static str {
        match self {
            ParamBase::String => "string",
            ParamBase::Arn => "arn",
            ParamBase::Cidr => "cidr",
            ParamBase::AccountId => "account_id",
            ParamBase::Number => "number",
            ParamBase::Bool => "bool",
        }
    }
}

impl ParamType {
    /// As written: `string`, `[arn]`.
    pub fn text(self) -> String {
        if self.list {
            format!("[{}]", self.base.keyword())
        } else {
            self.base.keyword().to_string()
        }
    }
}

/// `param name: type = default`, with its docs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamDecl {
    pub docs: Vec<String>,
    pub name: Spanned<String>,
    pub ty: Spanned<ParamType>,
    /// The default, if written.
    pub default: Option<Spanned<Vec<Spanned<Value>>>>,
    /// Whether the default is written as a list (`[…]`).
    pub default_list: bool,
    pub span: Loc,
}

impl ParamDecl {
    /// The param as the constant its uses read, holding `values` (its
    /// default, or a value given for it).
    pub fn as_const(&self, values: Spanned<Vec<Spanned<Value>>>) -> ConstDecl {
        ConstDecl {
            docs: self.docs.clone(),
            name: self.name.clone(),
            values,
            span: self.span,
        }
    }
}

/// `ou Name { … }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OuDecl {
    pub docs: Vec<String>,
    pub name: Spanned<String>,
    pub body: Vec<OrgEntry>,
    pub span: Loc,
}

/// `account Name "111122223333"`, optionally with a body of attachments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountDecl {
    pub docs: Vec<String>,
    pub name: Spanned<String>,
    pub id: Spanned<String>,
    /// `None` without braces; `Some` (perhaps empty) with them.
    pub body: Option<Vec<OrgEntry>>,
    pub span: Loc,
}

/// `scp A, @control("whitepaper:G*")`: policies of one kind attached here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attach {
    pub kind: Spanned<PolicyKind>,
    pub targets: Vec<Spanned<AttachTarget>>,
    pub span: Loc,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AttachTarget {
    /// A policy by its name.
    Name(String),
    /// Every policy of the kind with an `@control` id the pattern matches.
    Control(String),
}

/// `detach FullAWSAccess`: the AWS-managed policy attached by default is not
/// attached here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detach {
    pub name: Spanned<String>,
    pub span: Loc,
}
