//! The global condition keys of the iam-data package, which ships them only
//! as JavaScript (`dist/cjs/globalConditionKeys.js`, or the `dist/esm/` one):
//! an array literal of objects with `key`, `category`, `type` and
//! `description`. This reads that literal, and nothing else of the file.

use std::path::Path;

use super::{KeyDef, KeyType, normalise_key};
use crate::catalog::CatalogError;

/// The files tried, in order, below the package folder.
const FILES: [&str; 2] = [
    "dist/cjs/globalConditionKeys.js",
    "dist/esm/globalConditionKeys.js",
];

/// Where the array starts: `exports.globalConditionKeys = [` (CommonJS) or
/// `export const globalConditionKeys = [` (ES modules).
const MARKER: &str = "globalConditionKeys = [";

/// The package's global keys, sorted by name, each valid on every action
/// (the source has no notion of scope: the overlay gives the exceptions).
pub(super) fn read(package: &Path) -> Result<Vec<KeyDef>, CatalogError> {
    let Some(path) = FILES.iter().map(|f| package.join(f)).find(|p| p.is_file()) else {
        return Err(CatalogError::new(format!(
            "`{}` has no `{}`: the package's global condition keys are missing",
            package.display(),
            FILES[0]
        )));
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| CatalogError::new(format!("cannot read `{}`: {e}", path.display())))?;
    parse(&text).map_err(|m| CatalogError::new(format!("`{}`: {m}", path.display())))
}

/// Parses the array literal after [`MARKER`].
pub(super) fn parse(text: &str) -> Result<Vec<KeyDef>, String> {
    let start = text
        .find(MARKER)
        .ok_or_else(|| format!("no `{MARKER}` found"))?;
    let objects = objects(&text[start + MARKER.len()..])?;
    let mut out = Vec::with_capacity(objects.len());
    for fields in objects {
        let get = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let key = get("key").ok_or("an entry without `key`")?;
        let ty = get("type").ok_or_else(|| format!("`{key}` has no `type`"))?;
        let ty =
            KeyType::parse(ty).ok_or_else(|| format!("`{key}` has the unknown type `{ty}`"))?;
        if !key.contains(':') {
            return Err(format!("`{key}` is not a condition key"));
        }
        out.push(KeyDef {
            name: normalise_key(key),
            ty,
            deprecated_by: None,
            global: true,
        });
    }
    if out.is_empty() {
        return Err("the list of global condition keys is empty".to_string());
    }
    out.sort_by_cached_key(|k| (k.name.to_ascii_lowercase(), k.name.clone()));
    let mut seen = std::collections::HashSet::new();
    if let Some(twice) = out
        .iter()
        .find(|k| !seen.insert(k.name.to_ascii_lowercase()))
    {
        return Err(format!("`{}` is listed twice", twice.name));
    }
    Ok(out)
}

/// The objects of an array literal, up to its closing `]`: for each, its
/// `name: 'string'` members (members with other values are skipped).
fn objects(text: &str) -> Result<Vec<Vec<(String, String)>>, String> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut current: Option<Vec<(String, String)>> = None;
    let mut ident = String::new();
    let mut after_colon = false;
    let mut depth = 0usize;
    while let Some((_, c)) = chars.next() {
        match c {
            '\'' | '"' | '`' => {
                let mut value = String::new();
                let mut closed = false;
                while let Some((_, d)) = chars.next() {
                    match d {
                        '\\' => {
                            if let Some((_, e)) = chars.next() {
                                value.push(e);
                            }
                        }
                        d if d == c => {
                            closed = true;
                            break;
                        }
                        d => value.push(d),
                    }
                }
                if !closed {
                    return Err("unterminated string".to_string());
                }
                if let Some(fields) = current.as_mut()
                    && after_colon
                    && depth == 1
                {
                    fields.push((std::mem::take(&mut ident), value));
                }
                after_colon = false;
            }
            '{' => {
                depth += 1;
                if depth == 1 {
                    current = Some(Vec::new());
                }
                ident.clear();
                after_colon = false;
            }
            '}' => {
                if depth == 0 {
                    return Err("unbalanced `}`".to_string());
                }
                depth -= 1;
                if depth == 0
                    && let Some(fields) = current.take()
                {
                    out.push(fields);
                }
            }
            ']' if depth == 0 => return Ok(out),
            ':' if depth == 1 => after_colon = true,
            ',' if depth == 1 => {
                ident.clear();
                after_colon = false;
            }
            c if depth == 1 && !after_colon && (c.is_alphanumeric() || c == '_') => ident.push(c),
            _ => {}
        }
    }
    Err("the array of global condition keys is not closed".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_array_in_either_module_form() {
        let cjs = "\"use strict\";\nexports.globalConditionKeys = [\n    {\n        key: 'aws:PrincipalTag/tag-key',\n        category: 'principal',\n        type: 'String',\n        description: 'a \\'quoted\\' {brace}'\n    },\n    { key: \"aws:SourceIp\", category: 'network', type: 'IPAddress', description: '' }\n];\nconst x = [{ key: 'not:this', type: 'Bool' }];\n";
        let keys = parse(cjs).unwrap();
        let names: Vec<&str> = keys.iter().map(|k| k.name.as_str()).collect();
        assert_eq!(names, ["aws:PrincipalTag/${TagKey}", "aws:SourceIp"]);
        assert_eq!(keys[1].ty, KeyType::IpAddress);
        assert!(keys.iter().all(|k| k.global));
        let esm = "export const globalConditionKeys = [{ key: 'aws:X', type: 'Bool' }];";
        assert_eq!(parse(esm).unwrap().len(), 1);
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        assert!(parse("const other = [];").is_err());
        assert!(parse("globalConditionKeys = [").is_err());
        assert!(parse("globalConditionKeys = [{ key: 'aws:X' }]").is_err());
        assert!(parse("globalConditionKeys = [{ key: 'aws:X', type: 'Foo' }]").is_err());
        assert!(parse("globalConditionKeys = []").is_err());
        assert!(parse("globalConditionKeys = [{ key: 'aws:X', type: 'Bool' }, { key: 'AWS:x', type: 'Bool' }]").is_err());
    }
}
