//! Syntax: `.gov` text → [`ast::File`] with spans, or syntax diagnostics.
//!
//! The file is first cut into top-level items ([`scan`]); each item is parsed
//! alone, and a broken policy is parsed again rule by rule, so one mistake
//! does not hide the next.

pub mod ast;
mod ast_org;
mod convert;
mod convert_org;
mod fast;
pub mod scan;

use crate::diag::{Diagnostic, codes};
use crate::source::{FileId, Span};
use pest::Parser as _;
use rayon::prelude::*;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/gov.pest"]
pub(crate) struct GovParser;

/// The largest source file accepted, in bytes.
pub const MAX_SOURCE_BYTES: usize = 16 * 1024 * 1024;
/// At most this many syntax errors are reported per file.
pub const MAX_SYNTAX_ERRORS: usize = 50;

/// Why a piece of text is not a `.gov` file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyntaxError {
    /// The parser expected something else here.
    Unexpected {
        span: Span,
        expected: Vec<String>,
        found: String,
    },
    UnterminatedString {
        span: Span,
    },
    UnterminatedComment {
        span: Span,
    },
    TooDeep {
        span: Span,
    },
    InvalidEscape {
        span: Span,
        escape: String,
    },
    TooLarge {
        bytes: usize,
    },
    NotUtf8 {
        offset: usize,
    },
}

impl SyntaxError {
    pub fn into_diagnostic(self, file: FileId) -> Diagnostic {
        match self {
            SyntaxError::Unexpected {
                span,
                expected,
                found,
            } => {
                let message = match found.as_str() {
                    "" => format!("expected {}, found the end of the item", one_of(&expected)),
                    _ => format!("expected {}, found `{}`", one_of(&expected), found),
                };
                Diagnostic::new(codes::E0001, file, span, message).with_label("unexpected here")
            }
            SyntaxError::UnterminatedString { span } => {
                Diagnostic::new(codes::E0002, file, span, "unterminated string")
                    .with_label("this string has no closing `\"` on its line")
                    .with_help("strings end on the line they start; write `\\n` for a line break")
            }
            SyntaxError::UnterminatedComment { span } => {
                Diagnostic::new(codes::E0003, file, span, "unterminated block comment")
                    .with_label("this comment has no closing `*/`")
            }
            SyntaxError::TooDeep { span } => Diagnostic::new(
                codes::E0004,
                file,
                span,
                format!("nesting deeper than {} levels", scan::MAX_NESTING),
            )
            .with_label("too deep from here")
            .with_help("split the condition into named parts or several rules"),
            SyntaxError::InvalidEscape { span, escape } => Diagnostic::new(
                codes::E0005,
                file,
                span,
                format!("invalid escape `{escape}` in string"),
            )
            .with_label("not an escape")
            .with_help("the escapes are `\\\"`, `\\\\`, `\\n`, `\\t` and `\\u{…}`"),
            SyntaxError::TooLarge { bytes } => Diagnostic::new(
                codes::E0006,
                file,
                Span::new(0, 0),
                format!("file is {bytes} bytes, over the limit of {MAX_SOURCE_BYTES} bytes"),
            )
            .with_help("split it into several files and `import` them"),
            SyntaxError::NotUtf8 { offset } => Diagnostic::new(
                codes::E0007,
                file,
                Span::new(offset, offset + 1),
                "file is not valid UTF-8",
            )
            .with_label("invalid byte here")
            .with_help("save the file as UTF-8"),
        }
    }
}

/// A `.gov` string literal for `s`: the inverse of the parser's escapes
/// (`\"`, `\\`, `\n`, `\t`, `\u{…}` for other control characters).
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether a byte can be part of a name (`ident_char` in the grammar).
pub(crate) fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn one_of(items: &[String]) -> String {
    match items {
        [] => "something else".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// Parses one file. Never panics; every problem is a diagnostic.
pub fn parse(file: FileId, text: &str) -> (ast::File, Vec<Diagnostic>) {
    let (out, _, diags) = read(file, text, false);
    (out, diags)
}

/// [`parse`] and [`parse_deferring`]: with `defer`, the policies of a file
/// without syntax errors elsewhere are left as pieces of text.
fn read(file: FileId, text: &str, defer: bool) -> (ast::File, Vec<Span>, Vec<Diagnostic>) {
    let mut out = ast::File::default();
    let mut errors: Vec<SyntaxError> = Vec::new();
    let mut deferred = Vec::new();
    if text.len() > MAX_SOURCE_BYTES {
        out.broken = true;
        let diags = vec![SyntaxError::TooLarge { bytes: text.len() }.into_diagnostic(file)];
        return (out, deferred, diags);
    }
    let scanned = scan::split_items(text);
    let lexically_broken = !scanned.errors.is_empty();
    for err in scanned.errors {
        errors.push(match err {
            scan::LexError::UnterminatedString { span } => SyntaxError::UnterminatedString { span },
            scan::LexError::UnterminatedComment { span } => {
                SyntaxError::UnterminatedComment { span }
            }
            scan::LexError::TooDeep { span, .. } => SyntaxError::TooDeep { span },
        });
    }
    if lexically_broken {
        // The item boundaries cannot be trusted past a lexical error: report
        // the lexical errors alone rather than a cascade.
        out.broken = true;
    } else {
        // Items are independent: parse them on every core, then gather them
        // in source order, so the tree and the errors are those of a
        // sequential parse. `Err(piece)`: a policy left unread.
        let mut parsed: Vec<Result<ReadPiece, Span>> = scanned
            .items
            .par_iter()
            .map(|piece| {
                let source = text.get(piece.start..piece.end).unwrap_or("");
                if defer && fast::is_policy(source) {
                    Err(*piece)
                } else {
                    Ok(parse_piece(text, *piece))
                }
            })
            .collect();
        // A syntax error elsewhere: the policies are read now, so that the
        // file's limit of errors applies as it always did.
        let clean = parsed.iter().all(|p| {
            p.as_ref()
                .map_or(true, |(_, broken, errors)| !broken && errors.is_empty())
        });
        if !clean {
            parsed.par_iter_mut().for_each(|p| {
                if let Err(piece) = p {
                    *p = Ok(parse_piece(text, *piece));
                }
            });
        }
        out.items.reserve_exact(parsed.len());
        for each in parsed {
            let (item, broken, mut item_errors) = match each {
                Ok(read) => read,
                Err(piece) => {
                    deferred.push(piece);
                    continue;
                }
            };
            if errors.len() >= MAX_SYNTAX_ERRORS {
                break;
            }
            out.broken |= broken;
            out.items.extend(item);
            errors.append(&mut item_errors);
        }
        out.items.shrink_to_fit();
    }
    errors.truncate(MAX_SYNTAX_ERRORS);
    let diags = errors
        .into_iter()
        .map(|e| e.into_diagnostic(file))
        .collect();
    (out, deferred, diags)
}

/// An item read, whether it was broken, its errors ([`parse_piece`]).
type ReadPiece = (Option<ast::Item>, bool, Vec<SyntaxError>);

/// One item of `text`, the piece the scanner cut: the item (a broken
/// policy keeps the rules that parse), whether it was broken, its errors.
fn parse_piece(text: &str, piece: Span) -> ReadPiece {
    let Some(source) = text.get(piece.start..piece.end) else {
        return (None, false, Vec::new());
    };
    // In debug builds (the tests, the fuzz targets) both readers read every
    // item and must agree.
    #[cfg(debug_assertions)]
    {
        let agreement = compare_readings(source, piece.start);
        debug_assert!(agreement.is_ok(), "{}", agreement.err().unwrap_or_default());
    }
    if let Some(item) = fast::item(source, piece.start) {
        return (Some(item), false, Vec::new());
    }
    match parse_item(source, piece.start) {
        Ok(item) => (Some(item), false, Vec::new()),
        Err(mut item_errors) => {
            let item = recover_policy(source, piece.start, &mut item_errors);
            (item, true, item_errors)
        }
    }
}

/// A file whose policies are read later, one at a time, by the check
/// ([`read_deferred`]), so that the trees of a whole file never live
/// together (memory): the other items, and the pieces of text of the
/// policies in source order. Deferring changes when a policy is read, never
/// what is read: each piece is read as [`parse`] reads it. A file with a
/// syntax error elsewhere is read whole, as [`parse`] reads it (its
/// `deferred` is empty), so that the error limit applies as it always did.
pub fn parse_deferring(file: FileId, text: &str) -> (ast::File, Vec<Span>, Vec<Diagnostic>) {
    read(file, text, true)
}

/// The item of a piece that [`parse_deferring`] left for later, read as
/// [`parse`] reads it: the item (a broken policy keeps the rules that parse)
/// and its errors, before the file's limit of errors applies.
pub fn read_deferred(text: &str, piece: Span) -> (Option<ast::Item>, Vec<SyntaxError>) {
    let (item, _, errors) = parse_piece(text, piece);
    (item, errors)
}

/// Where the direct reader ([`fast`]) and pest disagree on the items of
/// `text`: an item the direct reader reads must be the tree pest and the
/// builder give, spans included; and every `use`, `import`, `const` and
/// policy that pest reads, the direct reader must read too. For the tests
/// and the fuzz target.
#[doc(hidden)]
pub fn cross_check(text: &str) -> Result<(), String> {
    if text.len() > MAX_SOURCE_BYTES {
        return Ok(());
    }
    let scanned = scan::split_items(text);
    if !scanned.errors.is_empty() {
        return Ok(());
    }
    for piece in &scanned.items {
        if let Some(source) = text.get(piece.start..piece.end) {
            compare_readings(source, piece.start)?;
        }
    }
    Ok(())
}

/// Whether both readers agree on one item (`source`, at `offset` in its file).
fn compare_readings(source: &str, offset: usize) -> Result<(), String> {
    let direct = fast::item(source, offset);
    let by_pest = parse_item(source, offset).ok();
    match (direct, by_pest) {
        (Some(a), Some(b)) => {
            let (a, b) = (format!("{a:?}"), format!("{b:?}"));
            if a != b {
                return Err(format!(
                    "the trees of {source:?} differ:\n direct: {a}\n   pest: {b}"
                ));
            }
        }
        (Some(a), None) => {
            return Err(format!("pest refuses {source:?}, read directly as {a:?}"));
        }
        (
            None,
            Some(
                b @ (ast::Item::Use(_)
                | ast::Item::Import(_)
                | ast::Item::Const(_)
                | ast::Item::Policy(_)),
            ),
        ) => {
            return Err(format!("{source:?} is not read directly; pest reads {b:?}"));
        }
        (None, _) => {}
    }
    Ok(())
}

fn parse_item(source: &str, offset: usize) -> Result<ast::Item, Vec<SyntaxError>> {
    match GovParser::parse(Rule::item, source) {
        Ok(mut pairs) => {
            let builder = convert::Builder::new(offset);
            let item = pairs.next().ok_or_else(Vec::new)?;
            builder.item(item)
        }
        Err(err) => Err(vec![from_pest(&err, source, offset)]),
    }
}

/// A policy that failed to parse as a whole: parse its head, then each rule
/// alone, keeping the rules that parse and the errors of those that do not.
fn recover_policy(source: &str, offset: usize, errors: &mut Vec<SyntaxError>) -> Option<ast::Item> {
    let head = GovParser::parse(Rule::policy_head, source).ok()?;
    let head_pair = head.into_iter().next()?;
    let head_end = head_pair.as_span().end();
    let builder = convert::Builder::new(offset);
    let mut policy = builder.policy_head(head_pair).ok()?;
    let body = source.get(head_end..)?;
    let mut rule_errors = Vec::new();
    for piece in scan::split_rules(body) {
        let Some(rule_src) = body.get(piece.start..piece.end) else {
            continue;
        };
        let rule_offset = offset + head_end + piece.start;
        if scan::is_blank(rule_src.trim_end_matches(|c: char| c == '}' || c.is_whitespace())) {
            continue;
        }
        match GovParser::parse(Rule::rule_item, rule_src) {
            Ok(pairs) => {
                let builder = convert::Builder::new(rule_offset);
                let rule = pairs
                    .into_iter()
                    .next()
                    .and_then(|p| p.into_inner().find(|p| p.as_rule() == Rule::rule));
                match rule.map(|r| builder.rule(r)) {
                    Some(Ok(rule)) => policy.rules.push(rule),
                    Some(Err(mut e)) => rule_errors.append(&mut e),
                    None => {}
                }
            }
            Err(err) => rule_errors.push(from_pest(&err, rule_src, rule_offset)),
        }
    }
    if rule_errors.is_empty() {
        // The rules parse alone, so the fault is elsewhere (e.g. the closing
        // brace): keep the whole-item error.
        return None;
    }
    *errors = rule_errors;
    policy.broken = true;
    Some(ast::Item::Policy(policy))
}

/// Turns a pest error into a syntax error with human names for what was expected.
fn from_pest(err: &pest::error::Error<Rule>, source: &str, offset: usize) -> SyntaxError {
    let pos = match err.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let mut expected: Vec<String> = Vec::new();
    if let pest::error::ErrorVariant::ParsingError { positives, .. } = &err.variant {
        for r in positives {
            let name = describe(*r).to_string();
            if !expected.contains(&name) {
                expected.push(name);
            }
        }
    }
    let found = found_token(source, pos);
    let end = pos + found.len().max(1);
    SyntaxError::Unexpected {
        span: Span::new(offset + pos, offset + end.min(source.len().max(pos))),
        expected,
        found,
    }
}

/// The token at `pos`, for "found `…`".
fn found_token(source: &str, pos: usize) -> String {
    let rest = source.get(pos..).unwrap_or("");
    let mut chars = rest.char_indices();
    let Some((_, first)) = chars.next() else {
        return String::new();
    };
    let end = if first.is_alphanumeric() || first == '_' {
        rest.find(|c: char| !(c.is_alphanumeric() || "_-:*/".contains(c)))
            .unwrap_or(rest.len())
    } else {
        first.len_utf8()
    };
    // At most 40 bytes, cut on a character boundary (a name may hold any
    // alphanumeric character, `ﻷ` included).
    let mut cut = end.min(40);
    while !rest.is_char_boundary(cut) {
        cut -= 1;
    }
    rest[..cut].to_string()
}

fn describe(r: Rule) -> &'static str {
    match r {
        Rule::EOI => "the end of the item",
        Rule::item | Rule::use_decl | Rule::import_decl | Rule::const_decl | Rule::test_decl => {
            "a declaration (`use`, `import`, `const`, `param`, a policy, `test` or `org`)"
        }
        Rule::policy_decl | Rule::policy_kind | Rule::policy_head => {
            "a policy kind (`scp`, `rcp`, `policy`, `resource_policy`, `key_policy`, `trust_policy`)"
        }
        Rule::rule | Rule::effect | Rule::kw_allow | Rule::kw_deny | Rule::rule_item => {
            "a rule (`allow` or `deny`)"
        }
        Rule::annotation => "an annotation",
        Rule::annotation_arg | Rule::annotation_field => "an annotation argument",
        Rule::doc_comment => "a doc comment",
        Rule::principals | Rule::principal | Rule::principal_kind => "a principal",
        Rule::kw_to => "`to`",
        Rule::actions | Rule::action_ref | Rule::action_name | Rule::action_list => "an action",
        Rule::all_except | Rule::kw_except => "`except`",
        Rule::resources | Rule::kw_on => "`on`",
        Rule::resource_ref | Rule::resource_list | Rule::resource_except => "a resource",
        Rule::when_clause | Rule::kw_when => "`when`",
        Rule::unless_clause | Rule::kw_unless => "`unless`",
        Rule::condition | Rule::conjunction | Rule::negation | Rule::primary => "a condition",
        Rule::comparison | Rule::key => "a condition key",
        Rule::quantifier | Rule::kw_any | Rule::kw_all => "a quantifier (`any`, `all`)",
        Rule::presence | Rule::kw_present | Rule::kw_absent => "`present` or `absent`",
        Rule::operator
        | Rule::op_eq
        | Rule::op_ne
        | Rule::op_le
        | Rule::op_ge
        | Rule::op_lt
        | Rule::op_gt
        | Rule::op_in
        | Rule::op_like
        | Rule::op_not_in
        | Rule::op_not_like => "an operator (`==`, `!=`, `in`, `like`, `<`, …)",
        Rule::kw_and => "`and`",
        Rule::kw_or => "`or`",
        Rule::kw_not => "`not`",
        Rule::operand | Rule::value | Rule::list | Rule::string_list => "a value",
        Rule::string | Rule::string_inner => "a string",
        Rule::number => "a number",
        Rule::boolean | Rule::kw_true | Rule::kw_false => "`true` or `false`",
        Rule::variable => "a policy variable",
        Rule::ident => "a name",
        Rule::service_name => "a service prefix",
        Rule::star => "`*`",
        Rule::kw_for => "`for`",
        Rule::org_decl | Rule::kw_org => "an organization (`org`)",
        Rule::org_body | Rule::org_entry => {
            "an entry of the organization (`ou`, `account`, `scp`, `rcp`, `detach`, `set`)"
        }
        Rule::ou_decl | Rule::kw_ou => "an OU (`ou Name { … }`)",
        Rule::account_decl | Rule::kw_account => "an account (`account Name \"111122223333\"`)",
        Rule::attach | Rule::attach_target => "a policy to attach",
        Rule::control_pattern | Rule::kw_control => "`@control(\"…\")`",
        Rule::detach | Rule::kw_detach => "`detach FullAWSAccess`",
        Rule::org_path => "a path in the organization (`Root/Sandbox`)",
        Rule::param_decl | Rule::kw_param => "a param (`param name: type`)",
        Rule::param_type | Rule::param_base => {
            "a param type (`string`, `arn`, `cidr`, `account_id`, `number`, `bool`, or `[…]` of one)"
        }
        Rule::set_value | Rule::kw_set => "`set name = value`",
        Rule::test_case => "a test case",
        Rule::context_entry => "a context entry (`key = value`)",
        Rule::expectation => "an expected decision (`allow`, `deny`)",
        _ => "something else",
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_fast;
