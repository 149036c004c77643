//! The layout of an `org` declaration: one entry per line, nodes as blocks.

use super::build::{Builder, value_text};
use super::doc::Doc;
use crate::syntax::ast::{self, AttachTarget, OrgEntry};
use crate::syntax::quote;

impl Builder<'_> {
    pub(super) fn org(&mut self, o: &ast::OrgDecl, out: &mut Vec<Doc>) {
        self.node_head("org", &o.docs, o.name.span.start, out);
        self.leaf(o.name.span, o.name.node.clone(), out);
        out.push(Doc::Space);
        self.block(&o.body, out, |b, e, out| b.org_entry(e, out));
    }

    pub(super) fn param(&mut self, p: &ast::ParamDecl, out: &mut Vec<Doc>) {
        self.node_head("param", &p.docs, p.name.span.start, out);
        self.leaf(p.name.span, p.name.node.clone(), out);
        self.kw(":", out);
        out.push(Doc::Space);
        self.leaf(p.ty.span, p.ty.node.text(), out);
        if let Some(d) = &p.default {
            out.push(Doc::Space);
            self.kw("=", out);
            out.push(Doc::Space);
            self.values(&d.node, p.default_list, out);
        }
    }

    fn values(
        &mut self,
        values: &[crate::source::Spanned<ast::Value>],
        list: bool,
        out: &mut Vec<Doc>,
    ) {
        match (list, values) {
            (false, [one]) => self.leaf(one.span, value_text(&one.node), out),
            _ => self.list(values, out, |b, v, out| {
                b.leaf(v.span, value_text(&v.node), out)
            }),
        }
    }

    /// Leading comments, doc comments and the keyword of a node.
    fn node_head(
        &mut self,
        kw: &'static str,
        docs: &[String],
        fallback: usize,
        out: &mut Vec<Doc>,
    ) {
        let head = self.locate(kw).unwrap_or(fallback);
        let first = self.first_token(docs, head);
        self.lead(first, out);
        self.docs(docs, head, out);
        self.kw(kw, out);
        out.push(Doc::Space);
    }

    fn org_entry(&mut self, e: &OrgEntry, out: &mut Vec<Doc>) {
        match e {
            OrgEntry::Ou(ou) => {
                self.node_head("ou", &ou.docs, ou.name.span.start, out);
                self.leaf(ou.name.span, ou.name.node.clone(), out);
                out.push(Doc::Space);
                self.block(&ou.body, out, |b, e, out| b.org_entry(e, out));
            }
            OrgEntry::Account(a) => {
                self.node_head("account", &a.docs, a.name.span.start, out);
                self.leaf(a.name.span, a.name.node.clone(), out);
                out.push(Doc::Space);
                self.leaf(a.id.span, quote(&a.id.node), out);
                if let Some(body) = &a.body {
                    out.push(Doc::Space);
                    self.block(body, out, |b, e, out| b.org_entry(e, out));
                }
            }
            OrgEntry::Attach(a) => {
                self.lead(a.kind.span.start, out);
                self.leaf(a.kind.span, a.kind.node.keyword(), out);
                out.push(Doc::Space);
                for (i, t) in a.targets.iter().enumerate() {
                    if i > 0 {
                        self.kw(",", out);
                        out.push(Doc::Space);
                    }
                    let text = match &t.node {
                        AttachTarget::Name(n) => n.clone(),
                        AttachTarget::Control(p) => format!("@control({})", quote(p)),
                    };
                    self.leaf(t.span, text, out);
                }
            }
            OrgEntry::Set(v) => {
                let q = self.locate("set").unwrap_or(v.name.span.start);
                self.lead(q, out);
                self.kw("set", out);
                out.push(Doc::Space);
                self.leaf(v.name.span, v.name.node.clone(), out);
                out.push(Doc::Space);
                self.kw("=", out);
                out.push(Doc::Space);
                self.values(&v.values.node, v.list, out);
            }
            OrgEntry::Detach(d) => {
                let q = self.locate("detach").unwrap_or(d.name.span.start);
                self.lead(q, out);
                self.kw("detach", out);
                out.push(Doc::Space);
                self.leaf(d.name.span, d.name.node.clone(), out);
            }
        }
    }
}
