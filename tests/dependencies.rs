//! The dependency policy of docs/dependencies.md, checked offline on what
//! `cargo metadata --locked --offline` says of every package gov builds with:
//! each comes from crates.io (or is gov itself), each licence expression is
//! satisfied by the allowlist below, and no crate is there in two versions
//! unless the list of known duplicates says why.
//!
//! `cargo metadata` needs every package's manifest, those of other platforms
//! included; `cargo fetch --locked` downloads them all (CI does). Outside CI,
//! when some are missing, the check covers the packages of this machine's
//! platform and says so.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Command;

/// Licences a dependency may be used under: permissive, compatible with
/// gov's `MIT OR Apache-2.0`, and each needed by some dependency today.
/// `WITH` exceptions are listed whole.
const ALLOWED_LICENCES: &[&str] = &[
    "MIT",
    "Apache-2.0",
    // ar_archive_writer (through pest's stack guard, psm): Apache-2.0 with
    // the LLVM exception, which only removes conditions.
    "Apache-2.0 WITH LLVM-exception",
    // unicode-ident: its Unicode data tables.
    "Unicode-3.0",
    // borrow-or-share (through jsonschema, a dev-dependency): MIT without
    // the notice requirement.
    "MIT-0",
    // foldhash (the statement merger's hasher, src/lower/compact.rs):
    // permissive.
    "Zlib",
];

/// Crates allowed in two versions, each with the reason.
const KNOWN_DUPLICATES: &[(&str, &str)] = &[
    // insta 1.49 depends on similar 2; gov's diff rendering uses similar 3.
    // Only the test build has both.
    ("similar", "insta (a dev-dependency) still uses similar 2"),
    // jsonschema (a dev-dependency, for the SARIF schema test) brings older
    // or newer majors than gov's other dependencies; only the test build
    // has both.
    (
        "bit-set",
        "fancy-regex (through jsonschema) uses 0.8, proptest 0.11",
    ),
    (
        "bit-vec",
        "fancy-regex (through jsonschema) uses 0.8, proptest 0.10",
    ),
    (
        "getrandom",
        "ahash (through jsonschema) uses 0.3, tempfile and proptest 0.4",
    ),
    ("r-efi", "getrandom 0.3 and 0.4 use one major each"),
    (
        "syn",
        "strum_macros (through jsonschema) uses 2, clap and pest 3",
    ),
];

/// The source string `cargo metadata` gives crates.io packages (the sparse
/// protocol reports the same canonical source).
const CRATES_IO: &str = "registry+https://github.com/rust-lang/crates.io-index";

fn cargo_metadata(extra: &[&str]) -> Result<Value, String> {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .args(extra)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    if out.status.success() {
        Ok(serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON"))
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

fn host_triple() -> String {
    let out = Command::new(env!("CARGO"))
        .arg("-vV")
        .output()
        .expect("cargo runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("cargo -vV names the host")
        .to_string()
}

/// The metadata of every package; see the module docs for the fallback.
fn metadata() -> Value {
    match cargo_metadata(&[]) {
        Ok(m) => m,
        Err(e) if e.contains("--offline") && std::env::var_os("CI").is_none() => {
            let host = host_triple();
            eprintln!(
                "note: packages of other platforms are not downloaded; checking those of {host} \
                 only (`cargo fetch --locked` makes the check complete)"
            );
            cargo_metadata(&["--filter-platform", &host]).unwrap_or_else(|e| panic!("{e}"))
        }
        Err(e) => {
            panic!("cargo metadata --offline failed (run `cargo fetch --locked` first):\n{e}")
        }
    }
}

struct Package {
    name: String,
    version: String,
    source: Option<String>,
    license: Option<String>,
    workspace: bool,
}

fn packages() -> Vec<Package> {
    let m = metadata();
    let members: Vec<&str> = m["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let text = |p: &Value, k: &str| p[k].as_str().map(str::to_string);
    m["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| Package {
            name: text(p, "name").unwrap(),
            version: text(p, "version").unwrap(),
            source: text(p, "source"),
            license: text(p, "license"),
            workspace: members.contains(&p["id"].as_str().unwrap()),
        })
        .collect()
}

/// A licence expression as crates.io accepts them: SPDX (`OR`, `AND`,
/// `WITH`, parentheses) or the older `A/B` for `A OR B`.
#[derive(Debug)]
enum Licence {
    Id(String),
    And(Vec<Licence>),
    Or(Vec<Licence>),
}

fn parse_licence(expr: &str) -> Result<Licence, String> {
    let spaced = expr
        .replace('(', " ( ")
        .replace(')', " ) ")
        .replace('/', " OR ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    let mut pos = 0;
    let parsed = or_expr(&tokens, &mut pos)?;
    if pos != tokens.len() {
        return Err(format!("unexpected `{}` in `{expr}`", tokens[pos]));
    }
    Ok(parsed)
}

/// Whether the token at `pos` is the operator `word` (in any case).
fn next_is(tokens: &[&str], pos: usize, word: &str) -> bool {
    tokens
        .get(pos)
        .is_some_and(|t| t.eq_ignore_ascii_case(word))
}

fn or_expr(tokens: &[&str], pos: &mut usize) -> Result<Licence, String> {
    let mut parts = vec![and_expr(tokens, pos)?];
    while next_is(tokens, *pos, "OR") {
        *pos += 1;
        parts.push(and_expr(tokens, pos)?);
    }
    Ok(if parts.len() == 1 {
        parts.pop().unwrap()
    } else {
        Licence::Or(parts)
    })
}

fn and_expr(tokens: &[&str], pos: &mut usize) -> Result<Licence, String> {
    let mut parts = vec![atom(tokens, pos)?];
    while next_is(tokens, *pos, "AND") {
        *pos += 1;
        parts.push(atom(tokens, pos)?);
    }
    Ok(if parts.len() == 1 {
        parts.pop().unwrap()
    } else {
        Licence::And(parts)
    })
}

fn atom(tokens: &[&str], pos: &mut usize) -> Result<Licence, String> {
    let token = *tokens.get(*pos).ok_or("the expression ends too early")?;
    *pos += 1;
    if token == "(" {
        let inner = or_expr(tokens, pos)?;
        if tokens.get(*pos) != Some(&")") {
            return Err("a `(` is not closed".to_string());
        }
        *pos += 1;
        return Ok(inner);
    }
    if [")", "AND", "OR", "WITH"]
        .iter()
        .any(|op| token.eq_ignore_ascii_case(op))
    {
        return Err(format!("a licence expected, `{token}` found"));
    }
    if next_is(tokens, *pos, "WITH") {
        let exception = tokens.get(*pos + 1).ok_or("`WITH` needs an exception")?;
        *pos += 2;
        return Ok(Licence::Id(format!("{token} WITH {exception}")));
    }
    Ok(Licence::Id(token.to_string()))
}

/// Whether the allowlist lets gov use a package under `licence`: some
/// alternative of every `OR`, all parts of every `AND`.
fn permitted(licence: &Licence) -> bool {
    match licence {
        Licence::Id(id) => ALLOWED_LICENCES.contains(&id.as_str()),
        Licence::And(parts) => parts.iter().all(permitted),
        Licence::Or(parts) => parts.iter().any(permitted),
    }
}

fn licence_ok(expr: &str) -> Result<(), String> {
    let parsed = parse_licence(expr)?;
    if permitted(&parsed) {
        Ok(())
    } else {
        Err(format!("`{expr}` is not within the allowed licences"))
    }
}

#[test]
fn every_package_comes_from_crates_io() {
    let strays: Vec<String> = packages()
        .into_iter()
        .filter(|p| !p.workspace && p.source.as_deref() != Some(CRATES_IO))
        .map(|p| format!("{} {} from {:?}", p.name, p.version, p.source))
        .collect();
    assert!(
        strays.is_empty(),
        "packages not from crates.io:\n{}",
        strays.join("\n")
    );
}

#[test]
fn every_licence_is_allowed() {
    let packages = packages();
    let gov = packages.iter().find(|p| p.workspace).unwrap();
    assert_eq!(gov.license.as_deref(), Some("MIT OR Apache-2.0"));
    let refused: Vec<String> = packages
        .iter()
        .filter_map(|p| {
            let verdict = match &p.license {
                Some(expr) => licence_ok(expr),
                None => Err("no licence expression".to_string()),
            };
            verdict
                .err()
                .map(|why| format!("{} {}: {why}", p.name, p.version))
        })
        .collect();
    assert!(refused.is_empty(), "{}", refused.join("\n"));
}

#[test]
fn no_crate_in_two_versions_unless_known() {
    let mut versions: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in packages() {
        versions.entry(p.name).or_default().push(p.version);
    }
    let duplicated: Vec<(&String, &Vec<String>)> =
        versions.iter().filter(|(_, v)| v.len() > 1).collect();
    let unknown: Vec<String> = duplicated
        .iter()
        .filter(|(name, _)| !KNOWN_DUPLICATES.iter().any(|(n, _)| n == name))
        .map(|(name, v)| format!("{name}: {}", v.join(", ")))
        .collect();
    assert!(
        unknown.is_empty(),
        "crates in several versions (unify them, or list them in KNOWN_DUPLICATES with the reason):\n{}",
        unknown.join("\n")
    );
    // A stale entry would let a future duplicate in unnoticed.
    for (name, why) in KNOWN_DUPLICATES {
        assert!(
            duplicated.iter().any(|(n, _)| n == name),
            "`{name}` is no longer duplicated ({why}): remove it from KNOWN_DUPLICATES"
        );
    }
}

#[test]
fn licence_expressions_are_read_as_spdx_and_the_old_slash_form() {
    for allowed in [
        "MIT",
        "MIT OR Apache-2.0",
        "Apache-2.0 OR MIT",
        "MIT/Apache-2.0",
        "Apache-2.0 / MIT",
        "Unlicense OR MIT",
        "MIT OR Apache-2.0 OR LGPL-2.1-or-later",
        "(MIT OR Apache-2.0) AND Unicode-3.0",
        "Apache-2.0 WITH LLVM-exception",
        "Apache-2.0 WITH LLVM-exception OR Apache-2.0 OR MIT",
    ] {
        assert_eq!(licence_ok(allowed), Ok(()), "{allowed}");
    }
    for refused in [
        "GPL-3.0-only",
        "MIT AND GPL-3.0-only",
        "(MIT OR Apache-2.0) AND LGPL-2.1-or-later",
        "GPL-2.0 WITH Classpath-exception-2.0",
        "Unlicense",
    ] {
        assert!(licence_ok(refused).is_err(), "{refused}");
    }
    for malformed in [
        "",
        "MIT OR",
        "(MIT",
        "MIT Apache-2.0",
        "AND MIT",
        "MIT WITH",
    ] {
        assert!(parse_licence(malformed).is_err(), "{malformed}");
    }
}
