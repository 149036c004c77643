//! The direct reader agrees with pest: the same tree, spans included, for
//! every item it reads, and it reads every `use`, `import`, `const` and
//! policy that pest reads.

use super::cross_check;
use proptest::prelude::*;
use std::path::Path;

fn gov_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            gov_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "gov") {
            out.push(path);
        }
    }
}

#[test]
fn every_source_of_the_repository_reads_the_same() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["policies", "tests", "fuzz/seeds", "examples", "benches"] {
        gov_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 50, "only {} files found", files.len());
    let mut read = 0;
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        if let Err(e) = cross_check(&text) {
            panic!("{}: {e}", file.display());
        }
        read += 1;
    }
    assert!(read > 50);
}

/// Texts where pest's way of reading is easy to miss: where skips land,
/// which alternative wins, where a repetition stops.
#[test]
fn edge_cases_read_the_same() {
    let cases = [
        "scp A { deny x }",
        "scp A { deny x // trailing\n}",
        "scp A { deny x /* block */ }",
        "scp A {\n  /// doc\n  // plain\n  /// more\n  @allow(\"W1\", \"W2\", reason = \"r\") deny x on \"*\" // c\n}",
        "/// d\n/// e\n@control(\"a\") @ other ( \"b\" , k = \"v\" , \"c\" ) scp A { }",
        "scp A { deny x when a == \"b\" // c\n and c present }",
        "scp A { deny x when not not (a == 1 or b != 2) and c < 3 }",
        "scp A { deny x when not:x == 1 }",
        "scp A { deny x when aws: == 1 }",
        "scp A { deny x when aws:x== 1 }",
        "scp A { deny x when a==1 }",
        "scp A { deny x when a all not  in [\"x\",] }",
        "scp A { deny x when a not like [] }",
        "scp A { deny x when a any like \"x\" ignoring \t case }",
        "scp A { deny x when a == \"x\" as  string and b == \"y\" as arn }",
        "scp A { deny x when a == \"x\" as strings }",
        "scp A { deny x when a == \"x\" ignoring casex }",
        "scp A { deny x when a == -1.5 or b == 1. }",
        "scp A { deny x when a == 12abc }",
        "scp A { deny x when a == ${aws:username} and b == true and c == falsey }",
        "scp A { deny x when a == ${aws:username\n} }",
        "scp A { deny *Foo }",
        "scp A { deny * except [a:b, \"c:d\", *] on * except [\"arn\", x] }",
        "scp A { deny * except a:B* on * }",
        "scp A { deny [] }",
        "scp A { deny [a:b,] }",
        "scp A { deny [a:b,,] }",
        "scp A { deny sagemaker: }",
        "scp A { deny sage-maker.x:Create? }",
        "resource_policy A { allow aws \"x\", service [\"a\", \"b\",] , anyone to s3:Get* on \"arn\" }",
        "resource_policy A { allow aws:x to s3:Get* }",
        "resource_policy A { allow awsx to s3:Get* }",
        "resource_policy A { allow anyone s3:Get* }",
        "resource_policy A { allow federated \"f\" to x canonical_user }",
        "key_policy A { allow canonical_user [] to kms:* }",
        "policy A { allow x } ",
        "policyx A { allow x }",
        "trust_policy A { allow x unless a present when b absent }",
        "scp A { deny x unless a present when b absent }",
        "\u{FEFF}scp\u{FEFF}A\u{FEFF}{\u{FEFF}deny x\u{FEFF}}\u{FEFF}",
        "scp A { deny x // comment ending in a no-break space\u{a0}\n}",
        "scp A { deny x on \"a\"\u{a0} }",
        "scp A { deny x when a == \"\\u{1F600}\\n\\t\\\\\\\"\" }",
        "scp A { deny x when a == \"bad \\q\" }",
        "scp A { deny x when a == \"\\u{110000}\" }",
        "scp A { deny x when a == \"é\\é\" }",
        "scp A { deny x when a == \"open }",
        "scp A { deny x }}",
        "scp A { deny x } scp B { }",
        "const a = [\"x\", 1, true, ${v}, other,]",
        "const a = []",
        "/// doc\nconst a = [x]",
        "const a = x",
        "use sagemaker",
        "use aws-marketplace.x_y",
        "use -x",
        "use sagemaker extra",
        "import \"a.gov\"",
        "/// doc\nimport \"a.gov\"",
        "param p: string = \"x\"",
        "test \"t\" for A { x:y {} => allow }",
        "org O { }",
        "//// four\nscp A { }",
        "/// doc\n//// four\nscp A { }",
        "scp A { deny x when (a == 1) }",
        "scp A { deny x when ((a == 1) and (b == 2 or c == 3)) or d == 4 }",
        "scp A { deny x when (a == 1 }",
        "scp A { allow x deny y allow z }",
        "scp A { deny x when a == 1 deny y }",
        "scp A { deny x on y when a == 1 unless b == 2 }",
        "scp A { deny x unless b == 2 when a == 1 }",
    ];
    for text in cases {
        if let Err(e) = cross_check(text) {
            panic!("{e}");
        }
    }
    // Deeper than the limit of `not`s: pest's tree, and its error.
    let nots = format!("scp A {{ deny x when {} a == 1 }}", "not ".repeat(70));
    assert!(cross_check(&nots).is_ok());
}

/// A `.gov` item written from choice bytes: mostly well-formed (policies,
/// rules, conditions, lists, strings with escapes), with separators of every
/// kind (none, spaces, line breaks, comments, byte-order marks) and, now and
/// then, a token dropped, doubled or replaced.
struct Writer<'a> {
    choices: std::slice::Iter<'a, u8>,
    out: String,
}

impl Writer<'_> {
    fn pick(&mut self, n: usize) -> usize {
        self.choices.next().map_or(0, |&c| usize::from(c) % n)
    }

    fn sep(&mut self) {
        const SEPS: &[&str] = &[
            " ",
            " ",
            " ",
            " ",
            " ",
            " ",
            "\n    ",
            "\n    ",
            "\t",
            " // note\n",
            " /* c */ ",
            "\u{FEFF}",
            "\r\n",
            " /** x */",
            "",
            "\n/// stray\n",
        ];
        let s = SEPS[self.pick(SEPS.len())];
        self.out.push_str(s);
    }

    fn token(&mut self, t: &str) {
        match self.pick(256) {
            0 => {} // dropped
            1 => {
                self.out.push_str(t);
                self.sep();
                self.out.push_str(t);
            }
            2 => {
                const ODD: &[&str] = &["}", "(", ",", "not", "and", "\"", "==", "[", "]", "@", "*"];
                let odd = ODD[self.pick(ODD.len())];
                self.out.push_str(odd);
            }
            _ => self.out.push_str(t),
        }
        self.sep();
    }

    fn one_of(&mut self, options: &[&str]) {
        let t = options[self.pick(options.len())];
        self.token(t);
    }

    fn string(&mut self) {
        const STRINGS: &[&str] = &[
            "\"arn:aws:s3:::b/*\"",
            "\"ml.t3.medium\"",
            "\"\"",
            "\"a\\\"b\\\\c\\n\\t\"",
            "\"\\u{1F600}é\"",
            "\"${aws:username}\"",
            "\"bad\\q\"",
            "\"x\\u{zz}\"",
        ];
        self.one_of(STRINGS);
    }

    fn value(&mut self) {
        match self.pick(6) {
            0 => self.string(),
            1 => self.one_of(&["1", "-2.5", "10.", "007", "3x"]),
            2 => self.one_of(&["true", "false", "trueish"]),
            3 => self.one_of(&["${aws:username}", "${a}", "${}"]),
            _ => self.one_of(&["approved", "_x", "in", "not", "and"]),
        }
    }

    fn list(&mut self) {
        self.token("[");
        let n = self.pick(4);
        for i in 0..n {
            if i > 0 {
                self.token(",");
            }
            self.value();
        }
        if n > 0 && self.pick(3) == 0 {
            self.token(",");
        }
        self.token("]");
    }

    fn condition(&mut self, depth: usize) {
        let parts = 1 + self.pick(3);
        for i in 0..parts {
            if i > 0 {
                self.one_of(&["and", "or"]);
            }
            for _ in 0..self.pick(3).saturating_sub(1) {
                self.token("not");
            }
            if depth < 3 && self.pick(4) == 0 {
                self.token("(");
                self.condition(depth + 1);
                self.token(")");
                continue;
            }
            self.one_of(&[
                "aws:username",
                "sagemaker:InstanceTypes",
                "aws:PrincipalTag/team",
                "kms:EncryptionContext:aws:logs:arn",
                "InstanceTypes",
                "aws:",
                "a==b",
            ]);
            if self.pick(3) == 0 {
                self.one_of(&["any", "all"]);
            }
            match self.pick(8) {
                0 => self.one_of(&["present", "absent"]),
                _ => {
                    self.one_of(&[
                        "==",
                        "!=",
                        "<",
                        "<=",
                        ">",
                        ">=",
                        "in",
                        "like",
                        "not in",
                        "not like",
                        "not  /* c */ in",
                    ]);
                    if self.pick(3) == 0 {
                        self.list();
                    } else {
                        self.value();
                    }
                    if self.pick(5) == 0 {
                        self.one_of(&["ignoring case", "as string", "as arn", "as \t arn", "as"]);
                    }
                }
            }
        }
    }

    fn annotation(&mut self) {
        self.token("@");
        self.one_of(&["control", "allow"]);
        self.token("(");
        self.string();
        for _ in 0..self.pick(3) {
            self.token(",");
            if self.pick(2) == 0 {
                self.token("reason");
                self.token("=");
            }
            self.string();
        }
        self.token(")");
    }

    fn refs(&mut self, names: &[&str]) {
        if self.pick(3) == 0 {
            self.token("[");
            for i in 0..self.pick(4) {
                if i > 0 {
                    self.token(",");
                }
                self.one_of(names);
            }
            self.token("]");
        } else {
            self.one_of(names);
        }
    }

    fn rule(&mut self) {
        if self.pick(4) == 0 {
            self.token("/// a rule");
            self.out.push('\n');
        }
        if self.pick(4) == 0 {
            self.annotation();
        }
        self.one_of(&["deny", "allow"]);
        if self.pick(4) == 0 {
            for i in 0..1 + self.pick(2) {
                if i > 0 {
                    self.token(",");
                }
                match self.pick(3) {
                    0 => self.token("anyone"),
                    _ => {
                        self.one_of(&["aws", "service", "federated", "canonical_user"]);
                        if self.pick(2) == 0 {
                            self.string();
                        } else {
                            self.token("[");
                            self.string();
                            self.token("]");
                        }
                    }
                }
            }
            self.token("to");
        }
        let actions = &[
            "sagemaker:CreateApp",
            "s3:Get*",
            "*",
            "\"kms:Encrypt*\"",
            "CreateApp",
            "*Foo",
            "x:",
        ];
        if self.pick(4) == 0 {
            self.token("*");
            self.token("except");
        }
        self.refs(actions);
        if self.pick(2) == 0 {
            self.token("on");
            if self.pick(4) == 0 {
                self.token("*");
                self.token("except");
            }
            self.refs(&["*", "\"arn:aws:s3:::b\"", "buckets"]);
        }
        if self.pick(2) == 0 {
            self.token("when");
            self.condition(0);
        }
        if self.pick(3) == 0 {
            self.token("unless");
            self.condition(0);
        }
    }

    fn item(&mut self) {
        if self.pick(3) == 0 {
            self.token("/// doc");
            self.out.push('\n');
        }
        match self.pick(10) {
            0 => {
                self.token("const");
                self.token("approved");
                self.token("=");
                self.list();
            }
            1 => {
                self.token("use");
                self.one_of(&["sagemaker", "aws-marketplace", "x.y_z"]);
            }
            2 => {
                self.token("import");
                self.string();
            }
            _ => {
                if self.pick(2) == 0 {
                    self.annotation();
                }
                let kinds = crate::policy::PolicyKind::ALL.map(|k| k.keyword());
                self.one_of(&kinds);
                self.token("Name");
                self.token("{");
                for _ in 0..self.pick(4) {
                    self.rule();
                }
                self.token("}");
            }
        }
    }
}

fn written(choices: &[u8]) -> String {
    let mut w = Writer {
        choices: choices.iter(),
        out: String::new(),
    };
    for _ in 0..1 + w.pick(3) {
        w.item();
        w.out.push('\n');
    }
    w.out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn written_items_read_the_same(choices in proptest::collection::vec(any::<u8>(), 0..400)) {
        let text = written(&choices);
        prop_assert!(cross_check(&text).is_ok(), "{}", cross_check(&text).err().unwrap_or_default());
    }
}

/// The writer above reaches well-formed policies often enough for the
/// comparison to mean something.
#[test]
fn the_writer_writes_policies_the_reader_reads() {
    let (mut read, mut items) = (0, 0);
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..500 {
        let choices: Vec<u8> = (0..400)
            .map(|_| {
                // xorshift64
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8
            })
            .collect();
        let text = written(&choices);
        let scanned = super::scan::split_items(&text);
        for piece in &scanned.items {
            items += 1;
            if super::fast::item(&text[piece.start..piece.end], piece.start).is_some() {
                read += 1;
            }
        }
    }
    assert!(read * 6 > items, "only {read} of {items} items read");
}
