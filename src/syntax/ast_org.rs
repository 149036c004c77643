//! The syntax tree of an `org` declaration: the organization's root, its OUs
//! and accounts, and the policies attached to each (checked by the `org` module).

use super::ast::{Loc, PolicyKind, Spanned};

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
