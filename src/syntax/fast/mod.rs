//! A direct reading of the items that make up nearly all of a large file
//! (`use`, `import`, `const` and policies), about eight times cheaper than
//! pest's and its tree builder's together.
//!
//! It follows `grammar/gov.pest` rule by rule, the way pest runs it: between
//! two parts of a non-atomic rule, whitespace and comments are skipped (also
//! before an optional part or a repetition that then matches nothing, which
//! is why the builder trims spans); an ordered choice takes its first
//! alternative that matches; a repetition is greedy and never gives back.
//! Every node is built as [`super::convert::Builder`] builds it from pest's
//! pairs, with the same spans. Anything else — another kind of item, text
//! the grammar refuses, an invalid escape, nesting too deep — gives `None`,
//! and the item is parsed by pest, which reports the errors: the grammar
//! stays the one definition of the language, and this reader only ever
//! agrees with it. Tests compare both trees, spans included, on every source
//! of the repository, on generated corpora and on random token strings
//! (`syntax::tests`), and a fuzz target does so on any text.

use super::ast::*;
use super::convert::{doc_of, trimmed_span, unescape};
/// `ident_char`: a byte that continues a name.
use super::is_word_byte as ident_char;
use std::cell::Cell;

mod cond;

/// The item in `source` (which starts at `offset` in its file), or `None`
/// when pest is to parse it.
pub(super) fn item(source: &str, offset: usize) -> Option<Item> {
    let reader = Reader {
        text: source,
        bytes: source.as_bytes(),
        offset,
        gave_up: Cell::new(false),
    };
    let start = reader.skip(0);
    let (end, item) = reader.decl(start)?;
    let end = reader.skip(end);
    (end == source.len() && !reader.gave_up.get()).then_some(item)
}

/// Whether `source`, one item, is a policy: its first word after doc
/// comments and annotations is a policy kind. A cheap look that decides
/// only when the item is read, never how.
pub(super) fn is_policy(source: &str) -> bool {
    let reader = Reader {
        text: source,
        bytes: source.as_bytes(),
        offset: 0,
        gave_up: Cell::new(false),
    };
    let (end, _) = reader.docs(reader.skip(0));
    let (end, _) = reader.annotations(reader.skip(end));
    reader.policy_kind(reader.skip(end)).is_some()
}

/// Where a part ends, and what it is.
type Parsed<T> = Option<(usize, T)>;

/// An annotation's argument after the first.
enum Argument {
    Positional(Spanned<String>),
    Named(Spanned<String>, Spanned<String>),
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    offset: usize,
    /// Set where pest would accept the text but the builder reports an
    /// error (an invalid escape, too many `not`s): the item goes to pest.
    gave_up: Cell<bool>,
}

/// `service_name`'s later bytes.
fn service_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-_.".contains(&b)
}

/// An action name's bytes after the service.
fn action_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"_-*?".contains(&b)
}

const BYTE_ORDER_MARK: &[u8] = "\u{FEFF}".as_bytes();

impl Reader<'_> {
    /// The bytes from `pos` on (none past the end).
    fn rest(&self, pos: usize) -> &[u8] {
        self.bytes.get(pos..).unwrap_or_default()
    }

    fn at(&self, pos: usize) -> Option<u8> {
        self.bytes.get(pos).copied()
    }

    fn span(&self, start: usize, end: usize) -> Span {
        trimmed_span(self.text.get(start..end).unwrap_or(""), start, self.offset)
    }

    fn give_up<T>(&self) -> Option<T> {
        self.gave_up.set(true);
        None
    }

    /// `WHITESPACE`: one of ` `, `\t`..`\r`, a byte-order mark.
    fn whitespace(&self, pos: usize) -> Option<usize> {
        match self.at(pos)? {
            b' ' | b'\t'..=b'\r' => Some(pos + 1),
            _ if self.rest(pos).starts_with(BYTE_ORDER_MARK) => Some(pos + 3),
            _ => None,
        }
    }

    /// `COMMENT`: a line comment (`//` not followed by `/`, up to the line
    /// break) or a closed block comment.
    fn comment(&self, pos: usize) -> Option<usize> {
        let rest = &self.rest(pos);
        if rest.starts_with(b"//") {
            if rest.get(2) == Some(&b'/') {
                return None;
            }
            let len = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
            return Some(pos + len);
        }
        if rest.starts_with(b"/*") {
            let close = rest.get(2..)?.windows(2).position(|w| w == b"*/")?;
            return Some(pos + 2 + close + 2);
        }
        None
    }

    /// pest's implicit skip between the parts of a non-atomic rule:
    /// `WHITESPACE* ~ (COMMENT ~ WHITESPACE*)*`.
    fn skip(&self, mut pos: usize) -> usize {
        loop {
            while let Some(next) = self.whitespace(pos) {
                pos = next;
            }
            match self.comment(pos) {
                Some(next) => pos = next,
                None => return pos,
            }
        }
    }

    fn literal(&self, pos: usize, text: &str) -> Option<usize> {
        self.rest(pos)
            .starts_with(text.as_bytes())
            .then_some(pos + text.len())
    }

    /// `kw_…`: the word, not followed by a name's byte.
    fn keyword(&self, pos: usize, word: &str) -> Option<usize> {
        let end = self.literal(pos, word)?;
        (!self.at(end).is_some_and(ident_char)).then_some(end)
    }

    fn run(&self, mut pos: usize, accept: fn(u8) -> bool) -> usize {
        while self.at(pos).is_some_and(accept) {
            pos += 1;
        }
        pos
    }

    /// `e*` in a non-atomic rule: `e` items with skips between them; a skip
    /// not followed by an item is given back.
    fn many<T>(&self, pos: usize, mut each: impl FnMut(usize) -> Parsed<T>) -> (usize, Vec<T>) {
        let mut out = Vec::new();
        let Some((mut end, first)) = each(pos) else {
            return (pos, out);
        };
        out.push(first);
        while let Some((next, item)) = each(self.skip(end)) {
            out.push(item);
            end = next;
        }
        (end, out)
    }

    fn decl(&self, pos: usize) -> Parsed<Item> {
        // The alternatives of `item` start with different words after their
        // doc comments, so at most one of them can match here.
        if let Some((end, decl)) = self.policy(pos) {
            return Some((end, Item::Policy(decl)));
        }
        let (after_docs, docs) = self.docs(pos);
        let word = self.skip(after_docs);
        if let Some(end) = self.keyword(word, "const") {
            let end = self.skip(end);
            let (end, name) = self.ident(end)?;
            let end = self.skip(end);
            let end = self.literal(end, "=")?;
            let list_start = self.skip(end);
            let (end, values) = self.list(list_start)?;
            let decl = ConstDecl {
                docs,
                name,
                values: Spanned::new(values, self.span(list_start, end)),
                span: Loc(self.span(pos, end)),
            };
            return Some((end, Item::Const(decl)));
        }
        if let Some(end) = self.keyword(word, "use") {
            let start = self.skip(end);
            self.at(start).filter(u8::is_ascii_alphanumeric)?;
            let end = self.run(start + 1, service_char);
            let decl = UseDecl {
                service: Spanned::new(
                    self.text.get(start..end)?.to_string(),
                    self.span(start, end),
                ),
                span: Loc(self.span(pos, end)),
            };
            return Some((end, Item::Use(decl)));
        }
        if let Some(end) = self.keyword(word, "import") {
            let (end, path) = self.string(self.skip(end))?;
            let decl = ImportDecl {
                path,
                span: Loc(self.span(pos, end)),
            };
            return Some((end, Item::Import(decl)));
        }
        None
    }

    /// `doc_comment*`.
    fn docs(&self, pos: usize) -> (usize, Vec<String>) {
        let (end, mut docs) = self.many(pos, |p| {
            let rest = self.rest(p);
            if !rest.starts_with(b"///") {
                return None;
            }
            let len = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
            Some((p + len, doc_of(self.text.get(p..p + len)?)))
        });
        docs.shrink_to_fit();
        (end, docs)
    }

    /// `annotation*`.
    fn annotations(&self, pos: usize) -> (usize, Vec<Annotation>) {
        let (end, mut annotations) = self.many(pos, |p| self.annotation(p));
        annotations.shrink_to_fit();
        (end, annotations)
    }

    /// `"@" ~ ident ~ "(" ~ string ~ ("," ~ annotation_arg)* ~ ")"`.
    fn annotation(&self, pos: usize) -> Parsed<Annotation> {
        let end = self.literal(pos, "@")?;
        let (end, name) = self.ident(self.skip(end))?;
        let end = self.literal(self.skip(end), "(")?;
        let (end, arg) = self.string(self.skip(end))?;
        // `("," ~ annotation_arg)*`, an argument being `annotation_field |
        // string`.
        let (end, found) = self.many(self.skip(end), |p| {
            let p = self.skip(self.literal(p, ",")?);
            if let Some((name_end, field)) = self.ident(p)
                && let Some(eq) = self.literal(self.skip(name_end), "=")
                && let Some((end, value)) = self.string(self.skip(eq))
            {
                return Some((end, Argument::Named(field, value)));
            }
            let (end, s) = self.string(p)?;
            Some((end, Argument::Positional(s)))
        });
        let mut args = Vec::new();
        let mut fields = Vec::new();
        for each in found {
            match each {
                Argument::Positional(s) => args.push(s),
                Argument::Named(name, value) => fields.push((name, value)),
            }
        }
        let end = self.literal(self.skip(end), ")")?;
        Some((
            end,
            Annotation {
                name,
                arg,
                args,
                fields,
                span: Loc(self.span(pos, end)),
            },
        ))
    }

    /// `policy_decl`.
    fn policy(&self, pos: usize) -> Parsed<PolicyDecl> {
        let (end, docs) = self.docs(pos);
        let (end, annotations) = self.annotations(self.skip(end));
        let kind_start = self.skip(end);
        let (end, kind) = self.policy_kind(kind_start)?;
        let kind = Spanned::new(kind, self.span(kind_start, end));
        let (end, name) = self.ident(self.skip(end))?;
        let end = self.literal(self.skip(end), "{")?;
        let (end, mut rules) = self.many(self.skip(end), |p| self.rule(p));
        rules.shrink_to_fit();
        let end = self.literal(self.skip(end), "}")?;
        Some((
            end,
            PolicyDecl {
                docs,
                annotations,
                kind,
                name,
                rules,
                broken: false,
                span: Loc(self.span(pos, end)),
            },
        ))
    }

    /// `policy_kind`: one of its words, not followed by a name's byte. No
    /// kind is a prefix of another, so the grammar's order among them does
    /// not matter: the word here is the run of name bytes.
    fn policy_kind(&self, pos: usize) -> Parsed<PolicyKind> {
        let end = self.run(pos, ident_char);
        Some((end, PolicyKind::from_keyword(self.text.get(pos..end)?)?))
    }

    /// `rule`.
    fn rule(&self, pos: usize) -> Parsed<Rule> {
        let (end, docs) = self.docs(pos);
        let (end, annotations) = self.annotations(self.skip(end));
        let effect_start = self.skip(end);
        let (end, effect) = if let Some(end) = self.keyword(effect_start, "allow") {
            (end, Effect::Allow)
        } else {
            (self.keyword(effect_start, "deny")?, Effect::Deny)
        };
        let effect = Spanned::new(effect, self.span(effect_start, end));
        let end = self.skip(end);
        // `(principals ~ kw_to)?`
        let (end, principals) = match self.principals(end) {
            Some((p, principals)) => match self.keyword(self.skip(p), "to") {
                Some(p) => (p, principals),
                None => (end, Vec::new()),
            },
            None => (end, Vec::new()),
        };
        let (end, actions) = self.actions(self.skip(end))?;
        let end = self.skip(end);
        let (end, resources) = match self.resources(end) {
            Some((p, r)) => (p, Some(r)),
            None => (end, None),
        };
        let end = self.skip(end);
        let (end, when) = match self.clause(end, "when") {
            Some((p, c)) => (p, Some(c)),
            None => (end, None),
        };
        let end = self.skip(end);
        let (end, unless) = match self.clause(end, "unless") {
            Some((p, c)) => (p, Some(c)),
            None => (end, None),
        };
        Some((
            end,
            Rule {
                docs,
                annotations,
                effect,
                principals,
                actions,
                resources,
                when,
                unless,
                span: Loc(self.span(pos, end)),
            },
        ))
    }

    /// `principals`: `principal ~ ("," ~ principal)*`.
    fn principals(&self, pos: usize) -> Parsed<Vec<Principal>> {
        let (end, first) = self.principal(pos)?;
        let (end, rest) = self.many(self.skip(end), |p| {
            let p = self.literal(p, ",")?;
            self.principal(self.skip(p))
        });
        let mut all = vec![first];
        all.extend(rest);
        Some((end, all))
    }

    /// `kw_anyone | principal_kind ~ (string_list | string)`.
    fn principal(&self, pos: usize) -> Parsed<Principal> {
        if let Some(end) = self.keyword(pos, "anyone") {
            let principal = Principal {
                kind: Spanned::new(PrincipalKind::Anyone, self.span(pos, end)),
                values: Vec::new(),
                span: Loc(self.span(pos, end)),
            };
            return Some((end, principal));
        }
        let (kind_end, kind) = if let Some(end) = self.keyword(pos, "service") {
            (end, PrincipalKind::Service)
        } else if let Some(end) = self.literal(pos, "aws")
            && !self.at(end).is_some_and(|b| ident_char(b) || b == b':')
        {
            (end, PrincipalKind::Aws)
        } else if let Some(end) = self.keyword(pos, "federated") {
            (end, PrincipalKind::Federated)
        } else {
            (
                self.keyword(pos, "canonical_user")?,
                PrincipalKind::CanonicalUser,
            )
        };
        let kind = Spanned::new(kind, self.span(pos, kind_end));
        let start = self.skip(kind_end);
        let (end, values) = self.list_or_one(start, |p| self.string(p))?;
        let principal = Principal {
            kind,
            values,
            span: Loc(self.span(pos, end)),
        };
        Some((end, principal))
    }

    /// `"[" ~ (e ~ ("," ~ e)* ~ ","?)? ~ "]"`: `action_list`, `resource_list`,
    /// `list`, `string_list`.
    fn bracketed<T>(&self, pos: usize, each: impl Fn(usize) -> Parsed<T>) -> Parsed<Vec<T>> {
        let open = self.literal(pos, "[")?;
        let start = self.skip(open);
        let (end, items) = match each(start) {
            Some((first_end, first)) => {
                let (end, rest) = self.many(self.skip(first_end), |p| {
                    let p = self.literal(p, ",")?;
                    each(self.skip(p))
                });
                let end = self.skip(end);
                let end = self.literal(end, ",").unwrap_or(end);
                let mut items = Vec::with_capacity(1 + rest.len());
                items.push(first);
                items.extend(rest);
                (end, items)
            }
            None => (start, Vec::new()),
        };
        let end = self.literal(self.skip(end), "]")?;
        Some((end, items))
    }

    /// `[e, …] | e`: a bracketed list, else one item.
    fn list_or_one<T>(&self, pos: usize, each: impl Fn(usize) -> Parsed<T>) -> Parsed<Vec<T>> {
        if let Some(found) = self.bracketed(pos, &each) {
            return Some(found);
        }
        let (end, one) = each(pos)?;
        Some((end, vec![one]))
    }

    /// `actions`: `all_except | action_list | action_ref`.
    fn actions(&self, pos: usize) -> Parsed<Spanned<ActionSpec>> {
        let (end, spec) = if let Some((end, refs)) = self.except(pos, |p| self.action_refs(p)) {
            (end, ActionSpec::AllExcept(refs))
        } else {
            let (end, refs) = self.action_refs(pos)?;
            (end, ActionSpec::List(refs))
        };
        Some((end, Spanned::new(spec, self.span(pos, end))))
    }

    /// `star ~ kw_except ~ (list | ref)`.
    fn except<T>(&self, pos: usize, refs: impl Fn(usize) -> Parsed<T>) -> Parsed<T> {
        let end = self.literal(pos, "*")?;
        let end = self.keyword(self.skip(end), "except")?;
        refs(self.skip(end))
    }

    /// `action_list | action_ref`.
    fn action_refs(&self, pos: usize) -> Parsed<Vec<Spanned<ActionRef>>> {
        self.list_or_one(pos, |p| self.action_ref(p))
    }

    /// `star | string | action_name`.
    fn action_ref(&self, pos: usize) -> Parsed<Spanned<ActionRef>> {
        let (end, node) = if let Some(end) = self.literal(pos, "*") {
            (end, ActionRef::Star)
        } else if let Some((end, s)) = self.string(pos) {
            (end, ActionRef::Quoted(s.node))
        } else {
            let start = self.service_prefix(pos);
            let end = self.run(start, action_char);
            if end == start {
                return None;
            }
            (end, ActionRef::Name(self.text.get(pos..end)?.to_string()))
        };
        Some((end, Spanned::new(node, self.span(pos, end))))
    }

    /// `(service_name ~ ":")?`: where the name proper starts.
    fn service_prefix(&self, pos: usize) -> usize {
        if self.at(pos).is_some_and(|b| b.is_ascii_alphanumeric()) {
            let end = self.run(pos + 1, service_char);
            if self.at(end) == Some(b':') {
                return end + 1;
            }
        }
        pos
    }

    /// `resources`: `kw_on ~ (resource_except | resource_list | resource_ref)`.
    fn resources(&self, pos: usize) -> Parsed<Spanned<ResourceSpec>> {
        let start = self.skip(self.keyword(pos, "on")?);
        let (end, spec) = if let Some((end, refs)) = self.except(start, |p| self.resource_refs(p)) {
            (end, ResourceSpec::AllExcept(refs))
        } else {
            let (end, refs) = self.resource_refs(start)?;
            (end, ResourceSpec::List(refs))
        };
        Some((end, Spanned::new(spec, self.span(pos, end))))
    }

    /// `resource_list | resource_ref`.
    fn resource_refs(&self, pos: usize) -> Parsed<Vec<Spanned<ResourceRef>>> {
        self.list_or_one(pos, |p| self.resource_ref(p))
    }

    /// `star | string | ident`.
    fn resource_ref(&self, pos: usize) -> Parsed<Spanned<ResourceRef>> {
        let (end, node) = if let Some(end) = self.literal(pos, "*") {
            (end, ResourceRef::Star)
        } else if let Some((end, s)) = self.string(pos) {
            (end, ResourceRef::Arn(s.node))
        } else {
            let (end, name) = self.ident(pos)?;
            (end, ResourceRef::Const(name.node))
        };
        Some((end, Spanned::new(node, self.span(pos, end))))
    }

    /// `ident`: `(ASCII_ALPHA | "_") ~ ident_char*`.
    fn ident(&self, pos: usize) -> Parsed<Spanned<String>> {
        self.at(pos)
            .filter(|b| b.is_ascii_alphabetic() || *b == b'_')?;
        let end = self.run(pos + 1, ident_char);
        let name = self.text.get(pos..end)?.to_string();
        Some((end, Spanned::new(name, self.span(pos, end))))
    }

    /// `string`: `"\"" ~ string_inner ~ "\""`, its escapes resolved.
    fn string(&self, pos: usize) -> Parsed<Spanned<String>> {
        let start = self.literal(pos, "\"")?;
        let mut end = start;
        loop {
            match self.at(end)? {
                b'"' => break,
                b'\n' => return None,
                // `"\\" ~ ANY`: the next character, whatever it is; its
                // later bytes (if any) are never `"`, `\` or a line break.
                b'\\' => {
                    self.at(end + 1)?;
                    end += 2;
                }
                _ => end += 1,
            }
        }
        let raw = self.text.get(start..end)?;
        let close = end + 1;
        match unescape(raw, self.offset + start) {
            Ok(text) => Some((close, Spanned::new(text, self.span(pos, close)))),
            Err(_) => self.give_up(),
        }
    }
}
