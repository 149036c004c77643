//! The canonical layout of `gov::format`: snapshots of the examples and of a
//! messy input, idempotence, comments never lost (property test), and the
//! file handling of `format_paths`.

// Test helpers outside `#[test]` functions may fail loudly too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use gov::format::{FileProblem, FormatError, FormatRunError, format_paths, format_source};
use gov::load::LoadError;
use gov::syntax;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn fmt(text: &str) -> String {
    format_source(0, text).unwrap_or_else(|e| panic!("{e}\n--- input ---\n{text}"))
}

/// Formats, and checks that formatting again changes nothing.
fn fmt_idempotent(text: &str) -> String {
    let once = fmt(text);
    let twice = fmt(&once);
    assert_eq!(once, twice, "not idempotent; first output:\n{once}");
    once
}

fn gov_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            gov_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "gov") {
            out.push(path);
        }
    }
    out.sort();
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

// ---- snapshots ---------------------------------------------------------------

#[test]
fn examples_snapshots() {
    let mut files = Vec::new();
    gov_files(&repo("policies/examples"), &mut files);
    assert!(!files.is_empty());
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(format!("example_{stem}"), fmt_idempotent(&text));
    }
}

#[test]
fn every_bundled_policy_is_formatted_idempotently() {
    let mut files = Vec::new();
    gov_files(&repo("policies"), &mut files);
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        if syntax::parse(0, &text).1.is_empty() {
            fmt_idempotent(&text);
        }
    }
}

/// Comments everywhere, written with tabs, CRLF line ends and a BOM.
const MESSY: &str = r#"// header comment, first line of the file
/// doc comment of a `use` (not kept by the tree: printed as a comment)
use   sagemaker // trailing on use
/* block before import */ import "other.gov"
use s3


/// doc of a const
// plain between doc and const
const  names=[ "a" , /* inside list */ "b",
  // own line inside list
  "c" , ] // after list
const short = ["x"]   /* block after const */
/// policy doc
@control( "x:y" ) // after annotation
scp   P /* before brace */ {
	/// rule doc
	@sid("First")
	deny [ CreateApp ] // after actions
		when /* before cond */ ( a == "x" // inside cond
		  and ( b present or c absent ) ) or not ( d:e:f in [1,2] )


	// between rules, after two empty lines

	deny * except [ s3:Get* , s3:List* ] on * except [ "arn:aws:s3:::b/*" ] unless aws:SourceIp /* key-op */ not in [ "10.0.0.0/8" ] /* end of rule */
	/* a block
	   over two lines */
	allow CreateApp when k == "\u{41}\t\"" and (x:a == 1 and x:b == 2) and (x:c == 3 or x:d == 4)
	// before closing brace
}
/* between items */
policy Empty { // nothing yet
}
key_policy K {
	allow service "logs.amazonaws.com" , aws [ "111122223333" , /* second */ "444455556666" ] to [ "kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey" ] on "*"
}

/// doc comment of a test (printed as a comment)
test "t\"q" for P { // after test brace
  sagemaker:CreateApp { sagemaker:InstanceTypes = [ "ml" ] k = 1 } => deny ( explicit ) // case trailing
  // own line in test

  sagemaker:CreateApp on "arn:x" { /* empty ctx */ } => allow
  sagemaker:CreateApp { sagemaker:InstanceTypes = [ "ml.t3.medium", "ml.g5.xlarge" ], // first entry
     aws:SourceIp = "10.1.2.3" } => deny
}
// end of file
"#;

fn messy_input() -> String {
    format!("\u{FEFF}{}", MESSY.replace('\n', "\r\n"))
}

#[test]
fn messy_snapshot() {
    let input = messy_input();
    let out = fmt_idempotent(&input);
    assert!(!out.contains('\r') && !out.contains('\u{FEFF}'));
    // Tabs only where comments hold them.
    assert!(
        out.lines()
            .all(|l| !l.contains('\t') || l.contains("over two lines"))
    );
    assert!(
        out.lines().all(|l| l == l.trim_end()),
        "trailing whitespace"
    );
    insta::assert_snapshot!("messy", out);
}

#[test]
fn messy_keeps_every_comment_in_order() {
    let input = messy_input();
    let out = fmt(&input);
    let mut rest = out.as_str();
    for marker in [
        "header comment",
        "doc comment of a `use`",
        "trailing on use",
        "block before import",
        "/// doc of a const",
        "plain between doc and const",
        "inside list",
        "own line inside list",
        "after list",
        "block after const",
        "/// policy doc",
        "after annotation",
        "before brace",
        "/// rule doc",
        "after actions",
        "before cond",
        "inside cond",
        "between rules",
        "key-op",
        "end of rule",
        "a block\n",
        "over two lines",
        "before closing brace",
        "between items",
        "nothing yet",
        "second",
        "doc comment of a test",
        "after test brace",
        "case trailing",
        "own line in test",
        "empty ctx",
        "first entry",
        "end of file",
    ] {
        let at = rest
            .find(marker)
            .unwrap_or_else(|| panic!("`{marker}` lost or out of order in\n{out}"));
        rest = &rest[at + marker.len()..];
    }
}

// ---- layout rules ----------------------------------------------------------------

#[test]
fn module_doc_example() {
    let input = "use sagemaker   // short names\nconst approved = [\"ml.t3.medium\",\"system\"]\nscp Limit { deny CreateApp unless InstanceTypes all like approved and InstanceTypes present\n  /* later */ }\n";
    assert_eq!(
        fmt_idempotent(input),
        "use sagemaker // short names\n\
         const approved = [\"ml.t3.medium\", \"system\"]\n\
         \n\
         scp Limit {\n\
         \x20   deny CreateApp\n\
         \x20       unless InstanceTypes all like approved\n\
         \x20          and InstanceTypes present\n\
         \x20   /* later */\n\
         }\n"
    );
}

fn rule_out(rule: &str) -> String {
    let out = fmt_idempotent(&format!("scp P {{ {rule} }}"));
    out.strip_prefix("scp P {\n")
        .and_then(|o| o.strip_suffix("}\n"))
        .unwrap_or(&out)
        .to_string()
}

#[test]
fn parentheses_only_where_the_tree_needs_them() {
    // `and` binds tighter than `or`: no parentheses.
    assert_eq!(
        rule_out("deny a:b when ((a == 1 and b == 2)) or (c == 3)"),
        "    deny a:b\n        when a == 1 and b == 2\n          or c == 3\n"
    );
    // An `or` inside `and`, and chains nested in chains of the same operator.
    assert_eq!(
        rule_out("deny a:b when a == 1 and (b == 2 or c == 3) and (d == 4 and e == 5)"),
        "    deny a:b\n        when a == 1\n         and (b == 2 or c == 3)\n         and (d == 4 and e == 5)\n"
    );
    assert_eq!(
        rule_out("deny a:b when not (a == 1 or b == 2) and not (c == 3)"),
        "    deny a:b\n        when not (a == 1 or b == 2)\n         and not c == 3\n"
    );
}

#[test]
fn a_broken_and_inside_or_gets_its_parentheses() {
    let long = |n: usize| format!("aws:PrincipalTag/team{n} == \"a-rather-long-value-{n}\"");
    let rule = format!(
        "deny a:b when {} and {} and {} or c == 1",
        long(1),
        long(2),
        long(3)
    );
    assert_eq!(
        rule_out(&rule),
        "    deny a:b\n        when (aws:PrincipalTag/team1 == \"a-rather-long-value-1\"\n              and aws:PrincipalTag/team2 == \"a-rather-long-value-2\"\n              and aws:PrincipalTag/team3 == \"a-rather-long-value-3\")\n          or c == 1\n"
    );
}

#[test]
fn rule_heads_break_into_continuation_lines() {
    assert_eq!(
        rule_out("deny [a:b] on [\"arn:x\"]"),
        "    deny a:b on \"arn:x\"\n"
    );
    let actions: Vec<String> = (0..12).map(|i| format!("service:Action{i}")).collect();
    assert_eq!(
        rule_out(&format!("deny [{}] on *", actions.join(","))),
        format!(
            "    deny [\n{}    ]\n        on *\n",
            actions
                .iter()
                .map(|a| format!("        {a},\n"))
                .collect::<String>()
        )
    );
    let out = fmt_idempotent(
        "resource_policy R { allow service \"logs.us-east-1.amazonaws.com\" to [\"kms:Encrypt*\", \"kms:Decrypt*\", \"kms:ReEncrypt*\"] on \"arn:aws:kms:us-east-1:111122223333:key/k1\" }",
    );
    assert_eq!(
        out,
        "resource_policy R {\n    allow service \"logs.us-east-1.amazonaws.com\"\n        to [\"kms:Encrypt*\", \"kms:Decrypt*\", \"kms:ReEncrypt*\"]\n        on \"arn:aws:kms:us-east-1:111122223333:key/k1\"\n}\n"
    );
}

#[test]
fn strings_are_re_escaped() {
    assert_eq!(
        fmt_idempotent("import \"a\\u{62}\\u{9}\\\"\\\\é\""),
        "import \"ab\\t\\\"\\\\é\"\n"
    );
}

#[test]
fn empty_lines() {
    // Declarations keep the user's choice of none or one; policies and tests
    // stand apart; rules keep at most one.
    let out = fmt_idempotent(
        "use a\nuse b\n\n\n\nconst c = [1]\nscp P {\n\n deny a:b\n\n\n deny c:d\n deny e:f\n\n}\ntest \"t\" for P {\n a:b { } => deny\n\n a:c { } => allow\n}",
    );
    assert_eq!(
        out,
        "use a\nuse b\n\nconst c = [1]\n\nscp P {\n    deny a:b\n\n    deny c:d\n    deny e:f\n}\n\ntest \"t\" for P {\n    a:b { } => deny\n\n    a:c { } => allow\n}\n"
    );
}

#[test]
fn comment_only_and_empty_files() {
    assert_eq!(fmt_idempotent(""), "");
    assert_eq!(fmt_idempotent("\n\n  \t\n"), "");
    assert_eq!(
        fmt_idempotent("  // one\r\n\r\n\r\n/* two */   \n"),
        "// one\n\n/* two */\n"
    );
}

#[test]
fn syntax_errors_are_reported_not_formatted() {
    match format_source(3, "scp P { deny }") {
        Err(FormatError::Syntax(diags)) => {
            assert!(!diags.is_empty());
            assert!(
                diags
                    .iter()
                    .all(|d| d.file == 3 && d.code.id.starts_with("E000"))
            );
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
    assert!(matches!(
        format_source(0, "scp P { deny a:b /* open"),
        Err(FormatError::Syntax(_))
    ));
}

// ---- comments are never lost (property test) -------------------------------------

fn leaf() -> impl Strategy<Value = String> {
    prop_oneof![
        (0..4usize).prop_map(|i| format!("k{i} == \"v{i}\"")),
        (0..4usize, 0..14usize).prop_map(|(i, n)| {
            let values: Vec<String> = (0..n).map(|j| format!("\"value-number-{j}\"")).collect();
            format!("k{i} in [{}]", values.join(", "))
        }),
        (0..4usize).prop_map(|i| format!("s:k{i} present")),
        Just("t:Tags any not like [\"x*\", \"y?\"]".to_string()),
        Just("aws:SourceIp not in [\"10.0.0.0/8\"]".to_string()),
        Just("t:Size <= -5.5".to_string()),
        Just("t:Owner == ${aws:username}".to_string()),
        Just("t:Flag != true".to_string()),
    ]
}

fn condition() -> impl Strategy<Value = String> {
    leaf().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4)
                .prop_map(|v| format!("({})", v.join(" and "))),
            prop::collection::vec(inner.clone(), 2..4)
                .prop_map(|v| format!("({})", v.join(" or "))),
            prop::collection::vec(inner.clone(), 2..4).prop_map(|v| v.join(" and ")),
            prop::collection::vec(inner.clone(), 2..3).prop_map(|v| v.join(" or ")),
            inner.prop_map(|c| format!("not {c}")),
        ]
    })
}

fn list_of(n: usize, item: &str) -> String {
    let items: Vec<String> = (0..n).map(|i| format!("{item}{i}")).collect();
    format!("[{}]", items.join(", "))
}

fn quoted_list(n: usize, item: &str) -> String {
    let items: Vec<String> = (0..n).map(|i| format!("\"{item}{i}\"")).collect();
    format!("[{}]", items.join(", "))
}

fn rule() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        0..5usize,
        0..12usize,
        0..5usize,
        proptest::option::of(condition()),
        proptest::option::of(condition()),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(allow, actions, n, res, when, unless, doc, principal)| {
            let mut out = String::new();
            if doc {
                out.push_str("/// a rule\n@sid(\"S\")\n");
            }
            out.push_str(if allow { "allow " } else { "deny " });
            if principal {
                out.push_str(if n % 2 == 0 {
                    "service \"logs.amazonaws.com\", aws [\"111122223333\", \"2\"] to "
                } else {
                    "anyone to "
                });
            }
            out.push_str(&match actions {
                0 => "CreateApp".to_string(),
                1 => list_of(n, "sagemaker:CreateSomethingLong"),
                2 => format!("* except {}", list_of(n, "s3:Get")),
                3 => "\"kms:Encrypt*\"".to_string(),
                _ => "*".to_string(),
            });
            out.push_str(match res {
                0 => "",
                1 => " on *",
                2 => " on \"arn:aws:s3:::bucket/${aws:username}/*\"",
                3 => " on [\"arn:aws:s3:::one\", \"arn:aws:s3:::two\"]",
                _ => " on * except [\"arn:aws:s3:::x\"]",
            });
            if let Some(w) = when {
                out.push_str(&format!(" when {w}"));
            }
            if let Some(u) = unless {
                out.push_str(&format!(" unless {u}"));
            }
            out
        })
}

fn case() -> impl Strategy<Value = String> {
    (any::<bool>(), 0..4usize, 0..6usize, 0..4usize).prop_map(|(on, entries, n, expect)| {
        let mut out = "sagemaker:CreateApp".to_string();
        if on {
            out.push_str(" on \"arn:aws:sagemaker:us-east-1:111122223333:app/d/u/a\"");
        }
        let context: Vec<String> = (0..entries)
            .map(|i| match i % 4 {
                0 => format!("sagemaker:InstanceTypes = {}", quoted_list(n, "ml.t3.m")),
                1 => "aws:SourceIp = \"10.0.0.1\"".to_string(),
                2 => "t:Size = 5".to_string(),
                _ => "t:Flag = true".to_string(),
            })
            .collect();
        out.push_str(&format!(" {{ {} }} => ", context.join(", ")));
        out.push_str(["allow", "deny", "deny (explicit)", "deny (implicit)"][expect]);
        out
    })
}

fn program() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(prop::collection::vec(rule(), 0..4), 1..3),
        prop::collection::vec(case(), 0..4),
        0..30usize,
    )
        .prop_map(|(policies, cases, n)| {
            let mut out = format!(
                "/// not kept\nuse sagemaker\nimport \"lib.gov\"\n/// kept\nconst values = {}\n",
                quoted_list(n, "v")
            );
            for (i, rules) in policies.iter().enumerate() {
                out.push_str(&format!(
                    "/// policy {i}\n@control(\"c:{i}\")\nscp P{i} {{\n{}\n}}\n",
                    rules.join("\n")
                ));
            }
            out.push_str(&format!("test \"t\" for P0 {{\n{}\n}}\n", cases.join("\n")));
            out
        })
}

/// Byte offsets just after each token of `text` (strings, variables and
/// `deny (explicit)` count as one token): where a comment may go.
fn token_ends(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut ends = Vec::new();
    let mut i = 0;
    let is_punct = |c: u8| b"[](){},\"".contains(&c);
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if text[i..].starts_with('\u{FEFF}') {
            i += '\u{FEFF}'.len_utf8();
        } else if text[i..].starts_with("//") {
            i = text[i..].find('\n').map_or(b.len(), |n| i + n);
        } else if text[i..].starts_with("/*") {
            i = text[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
        } else if c == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            ends.push(i);
        } else if text[i..].starts_with("${") {
            i += text[i..].find('}').map_or(b.len() - i, |n| n + 1);
            ends.push(i);
        } else if text[i..].starts_with("deny (") {
            i += text[i..].find(')').map_or(b.len() - i, |n| n + 1);
            ends.push(i);
        } else if is_punct(c) {
            i += 1;
            ends.push(i);
        } else {
            while i < b.len()
                && !b[i].is_ascii_whitespace()
                && !is_punct(b[i])
                && !text[i..].starts_with("//")
                && !text[i..].starts_with("/*")
            {
                i += 1;
            }
            ends.push(i);
        }
    }
    ends
}

/// Inserts numbered comments (of several shapes), or whitespace, at the
/// chosen token ends; returns the text and the number of comments.
fn with_comments(text: &str, picks: &[(usize, u8)]) -> (String, usize) {
    let ends = token_ends(text);
    if ends.is_empty() {
        return (text.to_string(), 0);
    }
    let mut at: Vec<(usize, u8)> = picks
        .iter()
        .map(|&(i, k)| (ends[i % ends.len()], k))
        .collect();
    at.sort();
    let mut out = String::new();
    let mut last = 0;
    let mut n = 0;
    for (pos, kind) in &at {
        out.push_str(&text[last..*pos]);
        out.push_str(&match kind % 8 {
            0 => format!(" /* c{n:04} */"),
            1 => format!(" // c{n:04}\n"),
            2 => format!("\n/* c{n:04} */\n"),
            3 => format!("\n\n// c{n:04}\n"),
            4 => format!("\n  /* c{n:04}\n  second line */ "),
            5 => format!("\n\t// c{n:04}\r\n\r\n"),
            6 => "\n\n\n".to_string(),
            _ => "\t\r\n ".to_string(),
        });
        if kind % 8 < 6 {
            n += 1;
        }
        last = *pos;
    }
    out.push_str(&text[last..]);
    (out, n)
}

fn check_comments_kept(input: &str, count: usize) {
    let (tree, diags) = syntax::parse(0, input);
    assert!(
        diags.is_empty(),
        "test input does not parse: {diags:?}\n{input}"
    );
    let out = format_source(0, input).unwrap_or_else(|e| panic!("{e}\n--- input ---\n{input}"));
    let (again, diags) = syntax::parse(0, &out);
    assert!(diags.is_empty(), "output does not parse:\n{out}");
    assert_eq!(tree, again, "output means something else:\n{out}");
    let mut rest = out.as_str();
    for n in 0..count {
        let marker = format!("c{n:04}");
        let at = rest
            .find(&marker)
            .unwrap_or_else(|| panic!("comment {marker} lost or out of order in\n{out}"));
        rest = &rest[at + marker.len()..];
    }
    let twice = fmt(&out);
    assert_eq!(out, twice, "not idempotent; input:\n{input}");
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(300),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn generated_programs_keep_their_comments(
        text in program(),
        picks in prop::collection::vec((0..10_000usize, any::<u8>()), 0..25),
    ) {
        fmt_idempotent(&text);
        let (input, count) = with_comments(&text, &picks);
        check_comments_kept(&input, count);
    }

    #[test]
    fn examples_keep_inserted_comments(
        file in 0..3usize,
        picks in prop::collection::vec((0..10_000usize, any::<u8>()), 1..40),
    ) {
        let text = match file {
            0 => std::fs::read_to_string(repo("policies/examples/limit-notebook-instance-types.gov")).unwrap(),
            1 => std::fs::read_to_string(repo("policies/examples/studio-access.gov")).unwrap(),
            _ => messy_input(),
        };
        let (input, count) = with_comments(&text, &picks);
        check_comments_kept(&input, count);
    }
}

#[test]
fn a_comment_after_every_token() {
    for text in [
        messy_input(),
        std::fs::read_to_string(repo("policies/examples/studio-access.gov")).unwrap(),
    ] {
        let ends = token_ends(&text);
        for kind in 0..8u8 {
            let picks: Vec<(usize, u8)> = (0..ends.len()).map(|i| (i, kind)).collect();
            let (input, count) = with_comments(&text, &picks);
            check_comments_kept(&input, count);
        }
    }
}

// ---- files --------------------------------------------------------------------------

const CANONICAL: &str = "use sagemaker\n\nscp P {\n    deny CreateApp\n}\n";
const UNFORMATTED: &str = "use sagemaker\nscp P { deny CreateApp }";
const BROKEN: &str = "scp P { deny CreateApp when }\n";

fn leftovers(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn check_reports_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(dir.path().join("b.gov"), CANONICAL).unwrap();
    std::fs::write(sub.join("a.gov"), UNFORMATTED).unwrap();
    std::fs::write(dir.path().join("notes.txt"), UNFORMATTED).unwrap();
    let outcomes = format_paths(&[dir.path().to_path_buf()], true).unwrap();
    let seen: Vec<(PathBuf, bool)> = outcomes.into_iter().map(|o| (o.path, o.changed)).collect();
    assert_eq!(
        seen,
        vec![(dir.path().join("b.gov"), false), (sub.join("a.gov"), true)]
    );
    assert_eq!(
        std::fs::read_to_string(sub.join("a.gov")).unwrap(),
        UNFORMATTED
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("b.gov")).unwrap(),
        CANONICAL
    );
}

#[test]
fn formatting_writes_changed_files_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.gov");
    let b = dir.path().join("b.gov");
    std::fs::write(&a, UNFORMATTED).unwrap();
    std::fs::write(&b, CANONICAL).unwrap();
    let outcomes = format_paths(&[a.clone(), b.clone()], false).unwrap();
    assert_eq!(
        outcomes.iter().map(|o| o.changed).collect::<Vec<_>>(),
        vec![true, false]
    );
    assert_eq!(std::fs::read_to_string(&a).unwrap(), CANONICAL);
    assert_eq!(std::fs::read_to_string(&b).unwrap(), CANONICAL);
    assert_eq!(leftovers(dir.path()), vec!["a.gov", "b.gov"]);
    // Once formatted, nothing changes.
    let again = format_paths(&[dir.path().to_path_buf()], true).unwrap();
    assert!(again.iter().all(|o| !o.changed));
}

#[cfg(unix)]
#[test]
fn rewriting_keeps_permissions_and_symlinks() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("real.gov");
    let link = dir.path().join("link.gov");
    std::fs::write(&file, UNFORMATTED).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::symlink(&file, &link).unwrap();
    let outcomes = format_paths(std::slice::from_ref(&link), false).unwrap();
    assert!(outcomes[0].changed);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), CANONICAL);
    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
    assert_eq!(leftovers(dir.path()), vec!["link.gov", "real.gov"]);
}

#[test]
fn a_file_with_a_syntax_error_is_not_touched() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.gov");
    let good = dir.path().join("good.gov");
    let binary = dir.path().join("latin1.gov");
    std::fs::write(&bad, BROKEN).unwrap();
    std::fs::write(&good, UNFORMATTED).unwrap();
    std::fs::write(&binary, b"use s3 // caf\xe9\n").unwrap();
    let err = format_paths(&[dir.path().to_path_buf()], false).unwrap_err();
    let FormatRunError::Files(errors) = &err else {
        panic!("expected file errors, got {err:?}");
    };
    // The good file was still formatted.
    assert_eq!(errors.outcomes.len(), 1);
    assert!(errors.outcomes[0].changed);
    assert_eq!(std::fs::read_to_string(&good).unwrap(), CANONICAL);
    // The others are untouched and reported with their diagnostics.
    assert_eq!(std::fs::read_to_string(&bad).unwrap(), BROKEN);
    assert_eq!(std::fs::read(&binary).unwrap(), b"use s3 // caf\xe9\n");
    let codes: Vec<(String, &str)> = errors
        .failures
        .iter()
        .map(|f| match &f.problem {
            FileProblem::Syntax(diags) => (
                f.path.file_name().unwrap().to_string_lossy().into_owned(),
                diags[0].code.id,
            ),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(
        codes,
        vec![
            ("bad.gov".to_string(), "E0001"),
            ("latin1.gov".to_string(), "E0007")
        ]
    );
    let diags = errors.diagnostics();
    let rendered = gov::diag::render_human(&errors.sources, &diags, false);
    assert!(
        rendered.contains("bad.gov") && rendered.contains("latin1.gov"),
        "{rendered}"
    );
    let message = err.to_string();
    assert!(
        message.starts_with("2 files could not be formatted"),
        "{message}"
    );
    assert!(
        message.contains("` has a syntax error and was left unchanged"),
        "{message}"
    );
    assert_eq!(
        leftovers(dir.path()),
        vec!["bad.gov", "good.gov", "latin1.gov"]
    );
}

#[test]
fn path_problems() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.gov");
    let err = format_paths(&[missing], true).unwrap_err();
    assert!(matches!(
        err,
        FormatRunError::Path(LoadError::NotFound { .. })
    ));
    assert_eq!(err.code().map(|c| c.id), Some("E0901"));
    assert!(err.to_string().starts_with("no such file or folder `"));
    let err = format_paths(&[dir.path().to_path_buf()], true).unwrap_err();
    assert_eq!(err.code().map(|c| c.id), Some("E0903"));
}
