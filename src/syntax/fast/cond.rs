//! Conditions, read directly: `condition`, `conjunction`, `negation`,
//! `primary`, `comparison`, their tokens, and values and lists (see the
//! parent module).

use super::{Parsed, Reader, ident_char};
use crate::syntax::ast::*;
use crate::syntax::convert::collapse;
use crate::syntax::scan::MAX_NESTING;

/// `key_char`: a byte of a condition key.
fn key_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"_-.:/@+=".contains(&b)
}

impl Reader<'_> {
    /// `when_clause` / `unless_clause`: the word, then a condition.
    pub(super) fn clause(&self, pos: usize, word: &str) -> Parsed<Cond> {
        let end = self.keyword(pos, word)?;
        self.condition(self.skip(end))
    }

    /// `condition`: `conjunction ~ (kw_or ~ conjunction)*`. Nesting is
    /// bounded by the lexical pass (`scan::MAX_NESTING`), so this recursion
    /// cannot exhaust the stack.
    fn condition(&self, pos: usize) -> Parsed<Cond> {
        self.chain(pos, "or", CondKind::Or, |p| self.conjunction(p))
    }

    /// `conjunction`: `negation ~ (kw_and ~ negation)*`.
    fn conjunction(&self, pos: usize) -> Parsed<Cond> {
        self.chain(pos, "and", CondKind::And, |p| self.negation(p))
    }

    fn chain(
        &self,
        pos: usize,
        word: &str,
        make: fn(Vec<Cond>) -> CondKind,
        part: impl Fn(usize) -> Parsed<Cond>,
    ) -> Parsed<Cond> {
        let (end, first) = part(pos)?;
        let (end, rest) = self.many(self.skip(end), |p| {
            let p = self.keyword(p, word)?;
            part(self.skip(p))
        });
        let mut parts = Vec::with_capacity(1 + rest.len());
        parts.push(first);
        parts.extend(rest);
        Some((end, collapse(parts, self.span(pos, end), make)))
    }

    /// `negation`: `kw_not* ~ primary`.
    fn negation(&self, pos: usize) -> Parsed<Cond> {
        let (end, nots) = self.many(pos, |p| {
            let end = self.keyword(p, "not")?;
            Some((end, self.span(p, end)))
        });
        if nots.len() > MAX_NESTING {
            return self.give_up();
        }
        let (end, mut cond) = self.primary(self.skip(end))?;
        for not_span in nots.into_iter().rev() {
            let span = not_span.to(cond.span);
            cond = Spanned::new(CondKind::Not(Box::new(cond)), span);
        }
        Some((end, cond))
    }

    /// `primary`: `"(" ~ condition ~ ")" | comparison`.
    fn primary(&self, pos: usize) -> Parsed<Cond> {
        if let Some(open) = self.literal(pos, "(")
            && let Some((end, mut cond)) = self.condition(self.skip(open))
            && let Some(end) = self.literal(self.skip(end), ")")
        {
            cond.span = self.span(pos, end);
            return Some((end, cond));
        }
        self.comparison(pos)
    }

    /// `comparison`: `key ~ quantifier? ~ (presence | operator ~ operand ~
    /// modifier?)`.
    fn comparison(&self, pos: usize) -> Parsed<Cond> {
        let key_end = self.key(pos)?;
        let key = Spanned::new(
            self.text.get(pos..key_end)?.to_string(),
            self.span(pos, key_end),
        );
        let mut end = self.skip(key_end);
        let mut quantifier = None;
        for (word, q) in [("any", Quantifier::Any), ("all", Quantifier::All)] {
            if let Some(q_end) = self.keyword(end, word) {
                quantifier = Some(Spanned::new(q, self.span(end, q_end)));
                end = q_end;
                break;
            }
        }
        let op_start = self.skip(end);
        let mut operand = None;
        let mut modifier = None;
        let (op_end, op) = if let Some(end) = self.keyword(op_start, "present") {
            (end, CmpOp::Present)
        } else if let Some(end) = self.keyword(op_start, "absent") {
            (end, CmpOp::Absent)
        } else {
            self.operator(op_start)?
        };
        let mut end = op_end;
        if !matches!(op, CmpOp::Present | CmpOp::Absent) {
            // `operator ~ operand ~ modifier?`
            let (operand_end, value) = self.operand(self.skip(op_end))?;
            operand = Some(value);
            end = self.skip(operand_end);
            if let Some((m_end, m)) = self.modifier(end) {
                modifier = Some(Spanned::new(m, self.span(end, m_end)));
                end = m_end;
            }
        }
        let op = Spanned::new(op, self.span(op_start, op_end));
        let cmp = Comparison {
            key,
            quantifier,
            op,
            operand,
            modifier,
        };
        Some((end, Spanned::new(CondKind::Cmp(cmp), self.span(pos, end))))
    }

    /// `key`: `(service_name ~ ":")? ~ key_char+`.
    fn key(&self, pos: usize) -> Option<usize> {
        let start = self.service_prefix(pos);
        let end = self.run(start, key_char);
        (end > start).then_some(end)
    }

    /// `operator`, its alternatives in the grammar's order.
    fn operator(&self, pos: usize) -> Parsed<CmpOp> {
        for (text, op) in [
            ("<=", CmpOp::Le),
            (">=", CmpOp::Ge),
            ("==", CmpOp::Eq),
            ("!=", CmpOp::Ne),
            ("<", CmpOp::Lt),
            (">", CmpOp::Gt),
        ] {
            if let Some(end) = self.literal(pos, text) {
                return Some((end, op));
            }
        }
        if let Some(not_end) = self.keyword(pos, "not") {
            let after = self.skip(not_end);
            if let Some(end) = self.keyword(after, "in") {
                return Some((end, CmpOp::NotIn));
            }
            if let Some(end) = self.keyword(after, "like") {
                return Some((end, CmpOp::NotLike));
            }
        }
        if let Some(end) = self.keyword(pos, "in") {
            return Some((end, CmpOp::In));
        }
        Some((self.keyword(pos, "like")?, CmpOp::Like))
    }

    /// `modifier`: `ignoring case`, `as string`, `as arn`, the words apart
    /// by whitespace only.
    fn modifier(&self, pos: usize) -> Parsed<Modifier> {
        for (first, second, m) in [
            ("ignoring", "case", Modifier::IgnoringCase),
            ("as", "string", Modifier::AsString),
            ("as", "arn", Modifier::AsArn),
        ] {
            let Some(mut end) = self.literal(pos, first) else {
                continue;
            };
            let Some(next) = self.whitespace(end) else {
                continue;
            };
            end = next;
            while let Some(next) = self.whitespace(end) {
                end = next;
            }
            if let Some(end) = self.keyword(end, second) {
                return Some((end, m));
            }
        }
        None
    }

    /// `operand`: `list | value`.
    fn operand(&self, pos: usize) -> Parsed<Spanned<Operand>> {
        let (end, node) = match self.list(pos) {
            Some((end, values)) => (end, Operand::List(values)),
            None => {
                let (end, value) = self.value(pos)?;
                (end, Operand::One(value.node))
            }
        };
        Some((end, Spanned::new(node, self.span(pos, end))))
    }

    /// `list`.
    pub(super) fn list(&self, pos: usize) -> Parsed<Vec<Spanned<Value>>> {
        let (end, mut values) = self.bracketed(pos, |p| self.value(p))?;
        values.shrink_to_fit();
        Some((end, values))
    }

    /// `value`: `string | number | boolean | variable | ident`.
    fn value(&self, pos: usize) -> Parsed<Spanned<Value>> {
        let (end, node) = if let Some((end, s)) = self.string(pos) {
            (end, Value::Str(s.node))
        } else if let Some(end) = self.number(pos) {
            (end, Value::Num(self.text.get(pos..end)?.to_string()))
        } else if let Some(end) = self.keyword(pos, "true") {
            (end, Value::Bool(true))
        } else if let Some(end) = self.keyword(pos, "false") {
            (end, Value::Bool(false))
        } else if let Some(end) = self.variable(pos) {
            (
                end,
                Value::Var(self.text.get(pos + 2..end - 1)?.to_string()),
            )
        } else {
            let (end, name) = self.ident(pos)?;
            (end, Value::Const(name.node))
        };
        Some((end, Spanned::new(node, self.span(pos, end))))
    }

    /// `number`: `"-"? ~ ASCII_DIGIT+ ~ ("." ~ ASCII_DIGIT+)? ~ !ident_char`.
    fn number(&self, pos: usize) -> Option<usize> {
        let start = self.literal(pos, "-").unwrap_or(pos);
        let mut end = self.run(start, |b| b.is_ascii_digit());
        if end == start {
            return None;
        }
        if self.at(end) == Some(b'.') {
            let fraction = self.run(end + 1, |b| b.is_ascii_digit());
            if fraction > end + 1 {
                end = fraction;
            }
        }
        (!self.at(end).is_some_and(ident_char)).then_some(end)
    }

    /// `variable`: `"${" ~ (!"}" ~ !"\n" ~ ANY)* ~ "}"`.
    fn variable(&self, pos: usize) -> Option<usize> {
        let start = self.literal(pos, "${")?;
        let len = self
            .rest(start)
            .iter()
            .position(|&b| b == b'}' || b == b'\n')?;
        (self.at(start + len) == Some(b'}')).then_some(start + len + 1)
    }
}
