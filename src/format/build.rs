//! Syntax tree + comments → layout document.
//!
//! The tree is walked in source order. Every token printed is first looked up
//! in the source (tree nodes carry spans; keywords and brackets are found by
//! skipping whitespace and comments from a cursor that only moves forward);
//! the comments before it that are not printed yet are put in the document
//! right there. Both the cursor and the comment list are walked once, so the
//! whole pass is linear in the size of the source.

use super::comments::{Comment, CommentKind, doc_line};
use super::doc::Doc;
use crate::source::{Span, Spanned};
use crate::syntax::ast::{self, CondKind};
use crate::syntax::{is_word_byte, quote};

pub(super) const INDENT: usize = 4;
const BOM: &[u8] = "\u{FEFF}".as_bytes();

pub(crate) struct Builder<'a> {
    src: &'a str,
    comments: &'a [Comment],
    /// The first comment not yet put in the document.
    next: usize,
    /// Everything before this byte of the source has been printed or skipped.
    pos: usize,
    /// The first comment that starts at or after `pos`.
    probe: usize,
}

/// Where a condition stands, for its parentheses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Parent {
    And,
    Or,
    Not,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Parens {
    /// Needed for the parse.
    Required,
    /// Redundant, printed only when the group is broken (an `and` chain that
    /// is an operand of `or`).
    WhenBroken,
}

pub(super) fn value_text(v: &ast::Value) -> String {
    match v {
        ast::Value::Str(s) => quote(s),
        ast::Value::Num(n) => n.clone(),
        ast::Value::Bool(b) => b.to_string(),
        ast::Value::Var(v) => format!("${{{v}}}"),
        ast::Value::Const(c) => c.clone(),
    }
}

fn action_text(a: &ast::ActionRef) -> String {
    match a {
        ast::ActionRef::Star => "*".to_string(),
        ast::ActionRef::Name(n) => n.clone(),
        ast::ActionRef::Quoted(s) => quote(s),
    }
}

fn resource_text(r: &ast::ResourceRef) -> String {
    match r {
        ast::ResourceRef::Star => "*".to_string(),
        ast::ResourceRef::Arn(s) => quote(s),
        ast::ResourceRef::Const(c) => c.clone(),
    }
}

fn expectation_text(e: ast::Expectation) -> &'static str {
    match e {
        ast::Expectation::Allow => "allow",
        ast::Expectation::Deny => "deny",
        ast::Expectation::ExplicitDeny => "deny (explicit)",
        ast::Expectation::ImplicitDeny => "deny (implicit)",
    }
}

fn principal_kind_text(k: ast::PrincipalKind) -> &'static str {
    match k {
        ast::PrincipalKind::Anyone => "anyone",
        ast::PrincipalKind::Aws => "aws",
        ast::PrincipalKind::Service => "service",
        ast::PrincipalKind::Federated => "federated",
        ast::PrincipalKind::CanonicalUser => "canonical_user",
    }
}

/// Policies and tests stand apart: one blank line around them.
fn is_block(item: &ast::Item) -> bool {
    matches!(
        item,
        ast::Item::Policy(_) | ast::Item::Test(_) | ast::Item::Org(_)
    )
}

impl<'a> Builder<'a> {
    pub(crate) fn new(src: &'a str, comments: &'a [Comment]) -> Builder<'a> {
        Builder {
            src,
            comments,
            next: 0,
            pos: 0,
            probe: 0,
        }
    }

    pub(crate) fn file(mut self, file: &ast::File) -> Vec<Doc> {
        let mut out = Vec::new();
        let mut prev: Option<&ast::Item> = None;
        for item in &file.items {
            if let Some(prev) = prev {
                out.push(if is_block(prev) || is_block(item) {
                    Doc::BlankLine
                } else {
                    Doc::HardLine
                });
            }
            self.item(item, &mut out);
            prev = Some(item);
        }
        self.flush(self.src.len(), &mut out);
        out
    }

    // ---- cursor and comments ----------------------------------------------

    /// Puts the comments that start before `q` in `out`.
    fn flush(&mut self, q: usize, out: &mut Vec<Doc>) {
        while let Some(c) = self.comments.get(self.next) {
            if c.start >= q {
                break;
            }
            out.push(Doc::Comment(Box::new(c.clone())));
            self.next += 1;
        }
    }

    fn advance(&mut self, to: usize) {
        self.pos = self.pos.max(to);
    }

    /// Where `tok` stands in the source after the cursor, skipping whitespace,
    /// comments and brackets or commas the layout drops. Does not move the
    /// cursor.
    pub(super) fn locate(&mut self, tok: &str) -> Option<usize> {
        while self
            .comments
            .get(self.probe)
            .is_some_and(|c| c.start < self.pos)
        {
            self.probe += 1;
        }
        let b = self.src.as_bytes();
        let word = tok.bytes().next().is_some_and(|c| c.is_ascii_alphabetic());
        let mut j = self.probe;
        let mut i = self.pos;
        while i < b.len() {
            match b[i] {
                b' ' | b'\t' | b'\r' | b'\n' => {
                    i += 1;
                    continue;
                }
                0xEF if b[i..].starts_with(BOM) => {
                    i += BOM.len();
                    continue;
                }
                _ => {}
            }
            while self.comments.get(j).is_some_and(|c| c.start < i) {
                j += 1;
            }
            if let Some(c) = self.comments.get(j)
                && c.start == i
            {
                i = c.end;
                continue;
            }
            if b[i..].starts_with(tok.as_bytes())
                && !(word && b.get(i + tok.len()).is_some_and(|&c| is_word_byte(c)))
            {
                return Some(i);
            }
            if matches!(b[i], b'(' | b')' | b'[' | b']' | b',') {
                i += 1;
                continue;
            }
            return None;
        }
        None
    }

    /// Finds `tok` in the source, puts the comments before it in `out` and
    /// moves past it. The caller prints it.
    pub(super) fn find(&mut self, tok: &str, out: &mut Vec<Doc>) {
        if let Some(q) = self.locate(tok) {
            self.flush(q, out);
            self.advance(q + tok.len());
        }
    }

    /// A keyword or bracket of the source.
    pub(super) fn kw(&mut self, tok: &'static str, out: &mut Vec<Doc>) {
        self.find(tok, out);
        out.push(Doc::text(tok));
    }

    /// A token of the tree, printed as `text`.
    pub(super) fn leaf(&mut self, span: Span, text: impl Into<String>, out: &mut Vec<Doc>) {
        self.flush(span.start, out);
        out.push(Doc::text(text));
        self.advance(span.end);
    }

    /// Whether the user left an empty line just before byte `q`.
    fn blank_before(&self, q: usize) -> bool {
        let mut newlines = 0;
        for c in self.src.get(..q).unwrap_or("").chars().rev() {
            match c {
                '\n' => newlines += 1,
                ' ' | '\t' | '\r' | '\u{FEFF}' => {}
                _ => break,
            }
        }
        newlines >= 2
    }

    /// The start of an element of a vertical sequence (item, rule, test
    /// case) whose first token is at `q`: its leading comments, then the
    /// user's empty line if there was one.
    pub(super) fn lead(&mut self, q: usize, out: &mut Vec<Doc>) {
        self.flush(q, out);
        if self.blank_before(q) {
            out.push(Doc::BlankLine);
        }
    }

    /// The index of the next doc comment before `bound`.
    fn find_doc(&self, bound: usize) -> Option<usize> {
        let mut j = self.next;
        while let Some(c) = self.comments.get(j) {
            if c.start >= bound {
                return None;
            }
            if c.kind == CommentKind::Doc {
                return Some(j);
            }
            j += 1;
        }
        None
    }

    /// The position of the first token of a node with `docs` before `head`.
    pub(super) fn first_token(&self, docs: &[String], head: usize) -> usize {
        if docs.is_empty() {
            return head;
        }
        self.find_doc(head)
            .and_then(|j| self.comments.get(j))
            .map_or(head, |c| c.start)
    }

    /// Doc comments of the tree: each on its own line.
    pub(super) fn docs(&mut self, docs: &[String], bound: usize, out: &mut Vec<Doc>) {
        for d in docs {
            if let Some(j) = self.find_doc(bound)
                && let Some(c) = self.comments.get(j)
            {
                self.flush(c.start, out);
                self.next = j + 1;
                self.advance(c.end);
            }
            out.push(Doc::text(doc_line(d)));
            out.push(Doc::HardLine);
        }
    }

    // ---- items --------------------------------------------------------------

    fn item(&mut self, item: &ast::Item, out: &mut Vec<Doc>) {
        match item {
            ast::Item::Use(u) => {
                self.keyword_lead("use", u.service.span.start, out);
                out.push(Doc::Space);
                self.leaf(u.service.span, u.service.node.clone(), out);
            }
            ast::Item::Import(i) => {
                self.keyword_lead("import", i.path.span.start, out);
                out.push(Doc::Space);
                self.leaf(i.path.span, quote(&i.path.node), out);
            }
            ast::Item::Const(c) => self.const_decl(c, out),
            ast::Item::Policy(p) => self.policy(p, out),
            ast::Item::Test(t) => self.test(t, out),
            ast::Item::Org(o) => self.org(o, out),
            ast::Item::Param(p) => self.param(p, out),
        }
    }

    /// An item that starts with a keyword (its doc comments, if any, are not
    /// in the tree and are printed as comments).
    fn keyword_lead(&mut self, kw: &'static str, fallback: usize, out: &mut Vec<Doc>) {
        let q = self.locate(kw).unwrap_or(fallback);
        self.lead(q, out);
        self.advance(q + kw.len());
        out.push(Doc::text(kw));
    }

    fn const_decl(&mut self, c: &ast::ConstDecl, out: &mut Vec<Doc>) {
        let head = self.locate("const").unwrap_or(c.name.span.start);
        let first = self.first_token(&c.docs, head);
        self.lead(first, out);
        self.docs(&c.docs, head, out);
        self.kw("const", out);
        out.push(Doc::Space);
        self.leaf(c.name.span, c.name.node.clone(), out);
        out.push(Doc::Space);
        self.kw("=", out);
        out.push(Doc::Space);
        self.list(&c.values.node, out, |b, v, out| {
            b.leaf(v.span, value_text(&v.node), out)
        });
    }

    fn annotation(&mut self, a: &ast::Annotation, out: &mut Vec<Doc>) {
        self.flush(a.span.start, out);
        out.push(Doc::text("@"));
        self.advance(a.span.start + 1);
        self.leaf(a.name.span, a.name.node.clone(), out);
        self.kw("(", out);
        self.leaf(a.arg.span, quote(&a.arg.node), out);
        for arg in &a.args {
            self.kw(",", out);
            out.push(Doc::Space);
            self.leaf(arg.span, quote(&arg.node), out);
        }
        for (name, value) in &a.fields {
            self.kw(",", out);
            out.push(Doc::Space);
            self.leaf(name.span, name.node.clone(), out);
            out.push(Doc::Space);
            self.kw("=", out);
            out.push(Doc::Space);
            self.leaf(value.span, quote(&value.node), out);
        }
        self.kw(")", out);
    }

    fn policy(&mut self, p: &ast::PolicyDecl, out: &mut Vec<Doc>) {
        let head = p
            .annotations
            .first()
            .map_or(p.kind.span.start, |a| a.span.start);
        let first = self.first_token(&p.docs, head);
        self.lead(first, out);
        self.docs(&p.docs, head, out);
        for a in &p.annotations {
            self.annotation(a, out);
            out.push(Doc::HardLine);
        }
        self.leaf(p.kind.span, p.kind.node.keyword(), out);
        out.push(Doc::Space);
        self.leaf(p.name.span, p.name.node.clone(), out);
        out.push(Doc::Space);
        self.block(&p.rules, out, |b, r, out| b.rule(r, out));
    }

    /// `{`, one element per line, `}`.
    pub(super) fn block<T>(
        &mut self,
        elems: &[T],
        out: &mut Vec<Doc>,
        mut each: impl FnMut(&mut Self, &T, &mut Vec<Doc>),
    ) {
        self.kw("{", out);
        let mut inner = Vec::new();
        for e in elems {
            inner.push(Doc::HardLine);
            each(self, e, &mut inner);
        }
        self.find("}", &mut inner);
        let nonempty = !inner.is_empty();
        out.push(Doc::Indent(INDENT, inner));
        if nonempty {
            out.push(Doc::HardLine);
        }
        out.push(Doc::text("}"));
    }

    fn test(&mut self, t: &ast::TestDecl, out: &mut Vec<Doc>) {
        self.keyword_lead("test", t.name.span.start, out);
        out.push(Doc::Space);
        self.leaf(t.name.span, quote(&t.name.node), out);
        out.push(Doc::Space);
        self.kw("for", out);
        out.push(Doc::Space);
        for (i, p) in t.policies.iter().enumerate() {
            if i > 0 {
                self.kw(",", out);
                out.push(Doc::Space);
            }
            self.leaf(p.span, p.node.clone(), out);
        }
        out.push(Doc::Space);
        if let Some(b) = &t.boundary {
            self.kw("with", out);
            out.push(Doc::Space);
            self.kw("boundary", out);
            out.push(Doc::Space);
            self.leaf(b.span, b.node.clone(), out);
            out.push(Doc::Space);
        }
        self.block(&t.cases, out, |b, c, out| b.case(c, out));
    }

    // ---- rules --------------------------------------------------------------

    fn rule(&mut self, r: &ast::Rule, out: &mut Vec<Doc>) {
        let head = r
            .annotations
            .first()
            .map_or(r.effect.span.start, |a| a.span.start);
        let first = self.first_token(&r.docs, head);
        self.lead(first, out);
        self.docs(&r.docs, head, out);
        for a in &r.annotations {
            self.annotation(a, out);
            out.push(Doc::HardLine);
        }
        // The head: effect, principals, actions, resources; on one line when
        // it fits, else `to …` and `on …` on continuation lines.
        let mut line = Vec::new();
        let effect = r.effect.node.keyword();
        self.leaf(r.effect.span, effect, &mut line);
        line.push(Doc::Space);
        let mut cont = Vec::new();
        if r.principals.is_empty() {
            self.actions(&r.actions.node, &mut line);
        } else {
            for (i, p) in r.principals.iter().enumerate() {
                if i > 0 {
                    self.kw(",", &mut line);
                    line.push(Doc::Space);
                }
                self.principal(p, &mut line);
            }
            cont.push(Doc::Line { back: 0 });
            self.kw("to", &mut cont);
            cont.push(Doc::Space);
            self.actions(&r.actions.node, &mut cont);
        }
        if let Some(res) = &r.resources {
            cont.push(Doc::Line { back: 0 });
            self.kw("on", &mut cont);
            cont.push(Doc::Space);
            self.resources(&res.node, &mut cont);
        }
        if !cont.is_empty() {
            line.push(Doc::Indent(INDENT, cont));
        }
        out.push(Doc::group(line));
        // Conditions: always on continuation lines.
        let mut clauses = Vec::new();
        for (kw, cond) in [("when", &r.when), ("unless", &r.unless)] {
            if let Some(cond) = cond {
                clauses.push(Doc::HardLine);
                self.kw(kw, &mut clauses);
                clauses.push(Doc::Space);
                self.top_condition(cond, &mut clauses);
            }
        }
        if !clauses.is_empty() {
            out.push(Doc::Indent(INDENT, clauses));
        }
    }

    fn principal(&mut self, p: &ast::Principal, out: &mut Vec<Doc>) {
        self.leaf(p.kind.span, principal_kind_text(p.kind.node), out);
        if p.kind.node == ast::PrincipalKind::Anyone {
            return;
        }
        out.push(Doc::Space);
        match p.values.as_slice() {
            [one] => self.leaf(one.span, quote(&one.node), out),
            many => self.list(many, out, |b, v, out| b.leaf(v.span, quote(&v.node), out)),
        }
    }

    fn actions(&mut self, spec: &ast::ActionSpec, out: &mut Vec<Doc>) {
        let refs = match spec {
            ast::ActionSpec::List(refs) => refs,
            ast::ActionSpec::AllExcept(refs) => {
                self.kw("*", out);
                out.push(Doc::Space);
                self.kw("except", out);
                out.push(Doc::Space);
                refs
            }
        };
        match refs.as_slice() {
            [one] => self.leaf(one.span, action_text(&one.node), out),
            many => self.list(many, out, |b, a, out| {
                b.leaf(a.span, action_text(&a.node), out)
            }),
        }
    }

    fn resources(&mut self, spec: &ast::ResourceSpec, out: &mut Vec<Doc>) {
        let refs = match spec {
            ast::ResourceSpec::List(refs) => refs,
            ast::ResourceSpec::AllExcept(refs) => {
                self.kw("*", out);
                out.push(Doc::Space);
                self.kw("except", out);
                out.push(Doc::Space);
                refs
            }
        };
        match refs.as_slice() {
            [one] => self.leaf(one.span, resource_text(&one.node), out),
            many => self.list(many, out, |b, r, out| {
                b.leaf(r.span, resource_text(&r.node), out)
            }),
        }
    }

    /// `[a, b, c]` on one line when it fits, else one element per line with
    /// a trailing comma.
    pub(super) fn list<T>(
        &mut self,
        items: &[T],
        out: &mut Vec<Doc>,
        mut each: impl FnMut(&mut Self, &T, &mut Vec<Doc>),
    ) {
        self.find("[", out);
        let mut inner = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if i == 0 {
                inner.push(Doc::SoftLine);
            } else {
                inner.push(Doc::text(","));
                inner.push(Doc::Line { back: 0 });
            }
            each(self, item, &mut inner);
        }
        if !items.is_empty() {
            inner.push(Doc::IfBreak {
                broken: ",",
                flat: "",
            });
        }
        self.find("]", &mut inner);
        out.push(Doc::group(vec![
            Doc::text("["),
            Doc::Indent(INDENT, inner),
            Doc::SoftLine,
            Doc::text("]"),
        ]));
    }

    // ---- conditions ----------------------------------------------------------

    /// The condition of a `when` / `unless`: an `and` / `or` chain has one operand per line, the operators right
    /// aligned so that the operands line up.
    fn top_condition(&mut self, cond: &ast::Cond, out: &mut Vec<Doc>) {
        let (parts, op, parent) = match &cond.node {
            CondKind::And(parts) => (parts, "and", Parent::And),
            CondKind::Or(parts) => (parts, "or", Parent::Or),
            _ => return self.condition(cond, None, out),
        };
        let mut inner = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                inner.push(Doc::Line { back: op.len() + 1 });
                self.kw(op, &mut inner);
                inner.push(Doc::Space);
            }
            self.condition(part, Some(parent), &mut inner);
        }
        out.push(Doc::broken(vec![Doc::Align(inner)]));
    }

    // Nesting depth is bounded by the parser (scan::MAX_NESTING).
    fn condition(&mut self, cond: &ast::Cond, parent: Option<Parent>, out: &mut Vec<Doc>) {
        match &cond.node {
            CondKind::Cmp(cmp) => self.comparison(cmp, out),
            CondKind::Not(inner) => {
                self.kw("not", out);
                out.push(Doc::Space);
                self.condition(inner, Some(Parent::Not), out);
            }
            CondKind::And(parts) => {
                let parens = match parent {
                    Some(Parent::Or) => Parens::WhenBroken,
                    _ => Parens::Required,
                };
                self.chain(cond.span, parts, "and", Parent::And, parens, out);
            }
            CondKind::Or(parts) => {
                self.chain(cond.span, parts, "or", Parent::Or, Parens::Required, out)
            }
        }
    }

    /// A nested chain: on one line when it fits, else one operand per line
    /// with the operators under the first operand.
    fn chain(
        &mut self,
        span: Span,
        parts: &[ast::Cond],
        op: &'static str,
        me: Parent,
        parens: Parens,
        out: &mut Vec<Doc>,
    ) {
        // The chain's own parentheses in the source, if it has any: its span
        // then covers them, and its operands start and end inside. (Other
        // parentheses around it belong to its parent and are dropped.)
        let b = self.src.as_bytes();
        let own = span.end > span.start + 1
            && b.get(span.start) == Some(&b'(')
            && b.get(span.end - 1) == Some(&b')')
            && parts.first().is_some_and(|p| p.span.start > span.start)
            && parts.last().is_some_and(|p| p.span.end < span.end);
        // Comments before the chain (before its parenthesis, if any) stay
        // before it, whether a parenthesis is printed or not.
        self.flush(span.start, out);
        if own {
            self.advance(span.start + 1);
        }
        let mut group = vec![match parens {
            Parens::Required => Doc::text("("),
            Parens::WhenBroken => Doc::IfBreak {
                broken: "(",
                flat: "",
            },
        }];
        let mut inner = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                inner.push(Doc::Line { back: 0 });
                self.kw(op, &mut inner);
                inner.push(Doc::Space);
            }
            self.condition(part, Some(me), &mut inner);
        }
        if own {
            self.flush(span.end - 1, &mut inner);
            self.advance(span.end);
        }
        inner.push(match parens {
            Parens::Required => Doc::text(")"),
            Parens::WhenBroken => Doc::IfBreak {
                broken: ")",
                flat: "",
            },
        });
        group.push(Doc::Align(inner));
        out.push(Doc::group(group));
    }

    fn comparison(&mut self, cmp: &ast::Comparison, out: &mut Vec<Doc>) {
        self.leaf(cmp.key.span, cmp.key.node.clone(), out);
        if let Some(q) = &cmp.quantifier {
            out.push(Doc::Space);
            let text = match q.node {
                ast::Quantifier::Any => "any",
                ast::Quantifier::All => "all",
            };
            self.leaf(q.span, text, out);
        }
        out.push(Doc::Space);
        self.leaf(cmp.op.span, cmp.op.node.as_str(), out);
        if let Some(operand) = &cmp.operand {
            out.push(Doc::Space);
            self.operand(operand, out);
        }
        if let Some(m) = &cmp.modifier {
            out.push(Doc::Space);
            self.leaf(m.span, m.node.as_str(), out);
        }
    }

    fn operand(&mut self, operand: &Spanned<ast::Operand>, out: &mut Vec<Doc>) {
        match &operand.node {
            ast::Operand::One(v) => self.leaf(operand.span, value_text(v), out),
            ast::Operand::List(values) => self.list(values, out, |b, v, out| {
                b.leaf(v.span, value_text(&v.node), out)
            }),
        }
    }

    // ---- tests ----------------------------------------------------------------

    /// `ACTION [on "ARN"] { KEY = value, … } => EXPECTATION` on one line when
    /// it fits, else one context entry per line.
    fn case(&mut self, c: &ast::TestCase, out: &mut Vec<Doc>) {
        self.lead(c.action.span.start, out);
        let mut line = Vec::new();
        self.leaf(c.action.span, c.action.node.clone(), &mut line);
        if let Some(res) = &c.resource {
            line.push(Doc::Space);
            self.kw("on", &mut line);
            line.push(Doc::Space);
            self.leaf(res.span, quote(&res.node), &mut line);
        }
        line.push(Doc::Space);
        self.kw("{", &mut line);
        let mut inner = Vec::new();
        for (i, (key, value)) in c.context.iter().enumerate() {
            if i > 0 {
                inner.push(Doc::text(","));
            }
            inner.push(Doc::Line { back: 0 });
            self.leaf(key.span, key.node.clone(), &mut inner);
            inner.push(Doc::Space);
            self.kw("=", &mut inner);
            inner.push(Doc::Space);
            self.operand(value, &mut inner);
        }
        if !c.context.is_empty() {
            inner.push(Doc::IfBreak {
                broken: ",",
                flat: "",
            });
        }
        self.find("}", &mut inner);
        line.push(Doc::Indent(INDENT, inner));
        // `{ }` stays together even when the case is too long.
        line.push(if c.context.is_empty() {
            Doc::Space
        } else {
            Doc::Line { back: 0 }
        });
        line.push(Doc::text("}"));
        line.push(Doc::Space);
        self.kw("=>", &mut line);
        line.push(Doc::Space);
        self.leaf(c.expect.span, expectation_text(c.expect.node), &mut line);
        out.push(Doc::group(line));
    }
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn strings_are_escaped_canonically() {
        assert_eq!(quote("a\"b\\c\nd\te\r"), "\"a\\\"b\\\\c\\nd\\te\\u{d}\"");
        assert_eq!(quote("${aws:username}/é"), "\"${aws:username}/é\"");
    }
}
