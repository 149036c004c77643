#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `compile::build_paths_with_params` (what `gov build` runs: each policy
//! rendered as soon as it is lowered) writes exactly what a compilation's
//! `build` of its kept documents writes, and refuses the same inputs with
//! the same errors.

mod common_fs;

use common_fs::tree;
use gov::catalog::Catalog;
use gov::compile::{self, ParamValues};
use gov::emit::{self, BuildError, Options};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// An SCP of `rules` denies that compaction cannot merge (two keys each),
/// about 60 characters of JSON per rule once lowered.
fn big_scp(name: &str, rules: usize) -> String {
    let mut text = format!("scp {name} {{\n");
    for i in 0..rules {
        text.push_str(&format!(
            "    deny sagemaker:CreateApp when aws:username == \"u{i}\" and sagemaker:InstanceTypes all in [\"x{i}\"]\n"
        ));
    }
    text.push_str("}\n");
    text
}

fn sources(dir: &Path, files: &[(&str, String)]) -> PathBuf {
    let src = dir.join("src");
    fs::create_dir_all(&src).unwrap();
    for (name, text) in files {
        fs::write(src.join(name), text).unwrap();
    }
    src
}

/// Both ways into two new folders: their results and what each wrote.
#[allow(clippy::type_complexity)]
fn both(
    dir: &Path,
    src: &Path,
    options: &Options,
) -> (
    (
        Result<emit::Manifest, Vec<BuildError>>,
        BTreeMap<PathBuf, Vec<u8>>,
    ),
    (
        Result<emit::Manifest, Vec<BuildError>>,
        BTreeMap<PathBuf, Vec<u8>>,
    ),
) {
    let catalog = Catalog::embedded().unwrap();
    let values = ParamValues::default();
    let paths = vec![src.to_path_buf()];
    let kept = dir.join("kept");
    let compilation = compile::compile_paths_with_params(&paths, &values, catalog).unwrap();
    let by_documents = compilation.build(&kept, options);
    let streamed = dir.join("streamed");
    let by_policy = compile::build_paths_with_params(&paths, &values, catalog, &streamed, options)
        .unwrap()
        .result;
    ((by_documents, tree(&kept)), (by_policy, tree(&streamed)))
}

fn options(split: bool) -> Options {
    Options {
        split,
        catalog: Some(Catalog::embedded().unwrap().info().clone()),
        ..Options::default()
    }
}

const SMALL: &str = r#"
use sagemaker

/// Studio apps only on approved instance types.
@control("SM-1")
scp DenyUnapproved {
    deny sagemaker:CreateApp unless sagemaker:InstanceTypes all in ["ml.t3.medium"]
}

rcp KeepDataInOrg {
    deny "s3:*" on "*" unless aws:PrincipalOrgID == "o-abc123"
}

policy DataScientist {
    allow sagemaker:CreatePresignedDomainUrl on "*"
}
"#;

#[test]
fn many_policies_of_every_kind_in_several_files_are_written_byte_for_byte_alike() {
    let tmp = tempfile::tempdir().unwrap();
    let mut files = vec![("a.gov", SMALL.to_string())];
    for (f, name) in ["c.gov", "d.gov", "e.gov"].into_iter().enumerate() {
        let mut text = String::new();
        for i in (f..40).step_by(3) {
            text.push_str(&big_scp(&format!("Scp{i:02}"), 3 + i % 5));
        }
        files.push((name, text));
    }
    let src = sources(tmp.path(), &files);
    let ((kept, kept_files), (streamed, streamed_files)) = both(tmp.path(), &src, &options(false));
    let (kept, streamed) = (kept.unwrap(), streamed.unwrap());
    assert_eq!(kept.policies.len(), 43);
    assert_eq!(kept, streamed);
    assert_eq!(kept_files.len(), 44, "43 documents and the manifest");
    assert_eq!(kept_files, streamed_files);
}

/// An SCP far over its limit (400 rules) beside the small policies.
fn big_and_small(dir: &Path) -> PathBuf {
    sources(
        dir,
        &[
            ("big.gov", big_scp("Big", 400)),
            ("small.gov", SMALL.to_string()),
        ],
    )
}

#[test]
fn split_parts_are_written_alike() {
    let tmp = tempfile::tempdir().unwrap();
    let src = big_and_small(tmp.path());
    let ((kept, kept_files), (streamed, streamed_files)) = both(tmp.path(), &src, &options(true));
    let (kept, streamed) = (kept.unwrap(), streamed.unwrap());
    let parts = kept.policies.iter().filter(|e| e.part.is_some()).count();
    assert!(parts >= 2, "the big SCP is split: {parts} parts");
    assert_eq!(kept, streamed);
    assert_eq!(kept_files, streamed_files);
}

#[test]
fn a_policy_over_its_limit_is_refused_alike_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let src = big_and_small(tmp.path());
    let ((kept, kept_files), (streamed, streamed_files)) = both(tmp.path(), &src, &options(false));
    let (kept, streamed) = (kept.unwrap_err(), streamed.unwrap_err());
    assert_eq!(kept, streamed);
    assert!(
        matches!(&kept[..], [BuildError::Diagnostic(d)] if d.code.id == "E0501"),
        "{kept:?}"
    );
    assert!(kept_files.is_empty() && streamed_files.is_empty());
    assert!(!tmp.path().join("streamed").exists());
}

#[test]
fn a_part_colliding_with_another_policy_is_refused_alike() {
    let tmp = tempfile::tempdir().unwrap();
    // `Big` is split into `Big-1`, `Big-2`, …; a policy is named `big-1`.
    let other = "scp big_1 { deny sagemaker:DeleteDomain }\n".replace("big_1", "Big-1");
    let src = sources(
        tmp.path(),
        &[("big.gov", big_scp("Big", 400)), ("other.gov", other)],
    );
    let ((kept, kept_files), (streamed, streamed_files)) = both(tmp.path(), &src, &options(true));
    let (kept, streamed) = (kept.unwrap_err(), streamed.unwrap_err());
    assert_eq!(kept, streamed);
    assert!(
        kept.iter()
            .any(|e| matches!(e, BuildError::Diagnostic(d) if d.code.id == "E0503")),
        "{kept:?}"
    );
    assert!(kept_files.is_empty() && streamed_files.is_empty());
}

#[test]
fn a_compilation_with_errors_writes_nothing_and_reports_them() {
    let tmp = tempfile::tempdir().unwrap();
    let src = sources(
        tmp.path(),
        &[(
            "bad.gov",
            "scp Bad { deny sagemaker:CreateApp when aws:CurrentTime == \"x\" }\n".to_string(),
        )],
    );
    let ((kept, kept_files), (streamed, streamed_files)) = both(tmp.path(), &src, &options(false));
    let (kept, streamed) = (kept.unwrap_err(), streamed.unwrap_err());
    assert_eq!(kept, streamed);
    assert!(!kept.is_empty());
    assert!(kept_files.is_empty() && streamed_files.is_empty());
}

#[test]
fn an_output_folder_inside_the_sources_is_refused_alike() {
    let tmp = tempfile::tempdir().unwrap();
    let src = sources(tmp.path(), &[("small.gov", SMALL.to_string())]);
    let catalog = Catalog::embedded().unwrap();
    let values = ParamValues::default();
    let paths = vec![src.clone()];
    let out = src.join("out");
    let compilation = compile::compile_paths_with_params(&paths, &values, catalog).unwrap();
    let kept = compilation.build(&out, &options(false)).unwrap_err();
    let streamed =
        compile::build_paths_with_params(&paths, &values, catalog, &out, &options(false))
            .unwrap()
            .result
            .unwrap_err();
    assert_eq!(kept, streamed);
    assert!(matches!(
        &kept[..],
        [BuildError::OutputInsideSources { .. }]
    ));
    assert!(!out.exists());
}

#[test]
fn the_whitepaper_with_its_organization_is_written_as_golden() {
    // `policies/` has an organization: its documents are kept for the
    // packed ones; the result is still the pinned output.
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let catalog = Catalog::embedded().unwrap();
    let out = tmp.path().join("out");
    let built = compile::build_paths_with_params(
        &[root.join("policies")],
        &ParamValues::default(),
        catalog,
        &out,
        &options(false),
    )
    .unwrap();
    assert!(!built.has_errors());
    built.result.unwrap();
    let golden = tree(&root.join("golden"));
    let written = tree(&out);
    assert_eq!(
        written.keys().collect::<Vec<_>>(),
        golden.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &written {
        assert!(
            golden[path] == *bytes,
            "{} differs from golden",
            path.display()
        );
    }
}

/// A rebuild replacing more documents than the process may hold files open
/// (`ulimit -n`, often 256 or 1,024): each temporary file is closed once
/// written (it kept one descriptor per document open until the renames,
/// and failed with E0902 "too many open files").
#[cfg(unix)]
#[test]
fn a_rebuild_changing_more_documents_than_open_files_allowed_succeeds() {
    let tmp = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..150 {
        text.push_str(&format!(
            "scp Deny{i:03} {{ deny sagemaker:DeleteDomain }}\n"
        ));
    }
    let src = sources(tmp.path(), &[("many.gov", text)]);
    let out = tmp.path().join("out");
    let gov = env!("CARGO_BIN_EXE_gov");
    let build = |limit: Option<usize>| {
        let command = match limit {
            Some(n) => format!("ulimit -n {n} && exec \"$0\" build \"$1\" --out \"$2\""),
            None => "exec \"$0\" build \"$1\" --out \"$2\"".to_string(),
        };
        std::process::Command::new("sh")
            .arg("-c")
            .arg(command)
            .arg(gov)
            .arg(&src)
            .arg(&out)
            .output()
            .unwrap()
    };
    assert!(build(None).status.success());
    let first = tree(&out);
    assert_eq!(first.len(), 151);
    // Every document changed on disk: each is replaced by a rename.
    for path in first.keys() {
        let mut bytes = first[path].clone();
        bytes.push(b' ');
        fs::write(out.join(path), bytes).unwrap();
    }
    let again = build(Some(64));
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(tree(&out), first);
}

/// Every entry below `dir`, folders and links included (a staging folder
/// left behind, even empty, shows), with the bytes of each file.
fn listing(dir: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let mut all = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let meta = fs::symlink_metadata(&path).unwrap();
            let rel = path.strip_prefix(dir).unwrap().to_path_buf();
            if meta.is_dir() {
                stack.push(path);
                all.insert(rel, None);
            } else if meta.is_file() {
                all.insert(rel, Some(fs::read(&path).unwrap()));
            } else {
                all.insert(rel, Some(b"<link>".to_vec()));
            }
        }
    }
    all
}

/// Both ways into output folders made alike by `prepare` (given each
/// folder's path): the results, and each folder's listing before and after.
#[allow(clippy::type_complexity)]
fn both_into(
    dir: &Path,
    src: &Path,
    options: &Options,
    prepare: impl Fn(&Path),
) -> [(
    Result<emit::Manifest, Vec<BuildError>>,
    BTreeMap<PathBuf, Option<Vec<u8>>>,
    BTreeMap<PathBuf, Option<Vec<u8>>>,
); 2] {
    let catalog = Catalog::embedded().unwrap();
    let values = ParamValues::default();
    let paths = vec![src.to_path_buf()];
    let (kept, streamed) = (dir.join("kept/out"), dir.join("streamed/out"));
    prepare(&kept);
    prepare(&streamed);
    let (kept_before, streamed_before) =
        (listing(&dir.join("kept")), listing(&dir.join("streamed")));
    let compilation = compile::compile_paths_with_params(&paths, &values, catalog).unwrap();
    let by_documents = compilation.build(&kept, options);
    let by_policy = compile::build_paths_with_params(&paths, &values, catalog, &streamed, options)
        .unwrap()
        .result;
    [
        (by_documents, kept_before, listing(&dir.join("kept"))),
        (by_policy, streamed_before, listing(&dir.join("streamed"))),
    ]
}

/// An output folder holding an earlier build and a file of the user's.
fn earlier_build(out: &Path) {
    fs::create_dir_all(out.join("scp")).unwrap();
    fs::write(out.join("scp/DenyUnapproved.json"), b"{\"old\": true}\n").unwrap();
    fs::write(out.join("scp/Kept.json"), b"{}").unwrap();
    fs::write(out.join("notes.txt"), b"mine").unwrap();
    fs::write(out.join("manifest.json"), b"{}").unwrap();
}

#[test]
fn a_refused_build_leaves_an_existing_output_folder_exactly_as_it_was() {
    // Documents are staged as they are rendered (beside their targets in
    // `scp/`, in a staging folder for the new `rcp/` and `policy/`) before
    // the big SCP is found over its limit: all of it goes again.
    let tmp = tempfile::tempdir().unwrap();
    let src = big_and_small(tmp.path());
    let [(kept, kept_before, kept_after), (streamed, before, after)] =
        both_into(tmp.path(), &src, &options(false), earlier_build);
    let (kept, streamed) = (kept.unwrap_err(), streamed.unwrap_err());
    assert_eq!(kept, streamed);
    assert!(matches!(&kept[..], [BuildError::Diagnostic(d)] if d.code.id == "E0501"));
    assert_eq!(kept_before, kept_after);
    assert_eq!(before, after);
}

/// Sources that pass the check but one of whose policies cannot be lowered
/// (E0401), among others that can.
fn with_a_lowering_error(dir: &Path) -> PathBuf {
    let lowering_error = "scp Bad {\n    deny sagemaker:CreateApp when aws:PrincipalTag/team like \"a*\" and aws:PrincipalTag/team like \"*a\"\n}\n";
    sources(
        dir,
        &[
            ("a.gov", SMALL.to_string()),
            ("b.gov", lowering_error.to_string()),
            ("c.gov", big_scp("Many", 20)),
        ],
    )
}

#[test]
fn a_lowering_error_found_after_the_output_was_opened_leaves_nothing() {
    // The check passes, so the output folder is opened (and its missing
    // ancestors created) before the policies are lowered; one of them
    // cannot be: every folder created goes again.
    let tmp = tempfile::tempdir().unwrap();
    let src = with_a_lowering_error(tmp.path());
    let [(kept, _, kept_after), (streamed, _, after)] =
        both_into(tmp.path(), &src, &options(false), |_| {});
    let (kept, streamed) = (kept.unwrap_err(), streamed.unwrap_err());
    assert_eq!(kept, streamed);
    assert!(
        kept.iter()
            .any(|e| matches!(e, BuildError::Diagnostic(d) if d.code.id == "E0401")),
        "{kept:?}"
    );
    assert!(kept_after.is_empty(), "{kept_after:?}");
    assert!(after.is_empty(), "{after:?}");
    assert!(!tmp.path().join("streamed").exists());
}

#[test]
fn a_lowering_error_leaves_an_existing_output_folder_as_it_was() {
    // The documents of `scp/` are staged beside their targets there: they
    // go again, and the files of the earlier build stay as they were.
    let tmp = tempfile::tempdir().unwrap();
    let src = with_a_lowering_error(tmp.path());
    let [(kept, kept_before, kept_after), (streamed, before, after)] =
        both_into(tmp.path(), &src, &options(false), earlier_build);
    assert_eq!(kept.unwrap_err(), streamed.unwrap_err());
    assert_eq!(kept_before, kept_after);
    assert_eq!(before, after);
}

#[test]
fn a_target_that_is_a_folder_is_reported_alike_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let src = sources(tmp.path(), &[("small.gov", SMALL.to_string())]);
    // Two of them, in two kind folders that exist: both reported, in order.
    let [(kept, kept_before, kept_after), (streamed, before, after)] =
        both_into(tmp.path(), &src, &options(false), |out| {
            earlier_build(out);
            fs::remove_file(out.join("scp/DenyUnapproved.json")).unwrap();
            fs::create_dir_all(out.join("scp/DenyUnapproved.json/inside")).unwrap();
            fs::create_dir_all(out.join("policy/DataScientist.json")).unwrap();
        });
    let (kept, streamed) = (kept.unwrap_err(), streamed.unwrap_err());
    assert!(
        matches!(&kept[..], [BuildError::Io { path, reason }, BuildError::Io { path: second, .. }]
            if path.ends_with("scp/DenyUnapproved.json") && reason == "it is a folder, not a file"
                && second.ends_with("policy/DataScientist.json")),
        "{kept:?}"
    );
    // The same error, but for the folder it names.
    let renamed: Vec<String> = streamed
        .iter()
        .map(|e| e.to_string().replace("streamed", "kept"))
        .collect();
    assert_eq!(
        kept.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
        renamed
    );
    assert_eq!(kept_before, kept_after);
    assert_eq!(before, after);
}

#[test]
fn a_policy_over_its_limit_is_reported_before_a_target_that_is_a_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let src = big_and_small(tmp.path());
    let [(kept, kept_before, kept_after), (streamed, before, after)] =
        both_into(tmp.path(), &src, &options(false), |out| {
            earlier_build(out);
            fs::remove_file(out.join("scp/DenyUnapproved.json")).unwrap();
            fs::create_dir_all(out.join("scp/DenyUnapproved.json")).unwrap();
        });
    let (kept, streamed) = (kept.unwrap_err(), streamed.unwrap_err());
    assert_eq!(kept, streamed);
    assert!(matches!(&kept[..], [BuildError::Diagnostic(d)] if d.code.id == "E0501"));
    assert_eq!(kept_before, kept_after);
    assert_eq!(before, after);
}

#[cfg(unix)]
#[test]
fn problems_with_the_output_folder_are_reported_alike() {
    // A kind folder that is a link (never written through), the output
    // folder a file, the manifest's target a folder; with another target
    // a folder beside them, which is reported too.
    type Prepare = fn(&Path);
    let cases: [(&str, Prepare); 3] = [
        ("scp link", |out: &Path| {
            earlier_build(out);
            fs::remove_dir_all(out.join("scp")).unwrap();
            fs::create_dir_all(out.join("policy/DataScientist.json")).unwrap();
            std::os::unix::fs::symlink(out.parent().unwrap(), out.join("scp")).unwrap();
        }),
        ("out a file", |out: &Path| {
            fs::create_dir_all(out.parent().unwrap()).unwrap();
            fs::write(out, b"x").unwrap();
        }),
        ("manifest a folder", |out: &Path| {
            earlier_build(out);
            fs::remove_file(out.join("manifest.json")).unwrap();
            fs::create_dir_all(out.join("manifest.json")).unwrap();
            fs::create_dir_all(out.join("rcp/KeepDataInOrg.json")).unwrap();
        }),
    ];
    for (name, prepare) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let src = sources(tmp.path(), &[("small.gov", SMALL.to_string())]);
        let [(kept, kept_before, kept_after), (streamed, before, after)] =
            both_into(tmp.path(), &src, &options(false), prepare);
        let (kept, streamed) = (kept.unwrap_err(), streamed.unwrap_err());
        let texts = |errors: &[BuildError], folder: &str| -> Vec<String> {
            errors
                .iter()
                .map(|e| {
                    assert_eq!(e.code().id, "E0902", "{name}: {e}");
                    e.to_string().replace(folder, "<out>")
                })
                .collect()
        };
        assert_eq!(texts(&kept, "kept"), texts(&streamed, "streamed"), "{name}");
        assert!(!kept.is_empty(), "{name}");
        if name != "out a file" {
            assert_eq!(kept.len(), 2, "{name}: {kept:?}");
        }
        assert_eq!(kept_before, kept_after, "{name}");
        assert_eq!(before, after, "{name}");
    }
}

mod random {
    use super::*;
    use proptest::prelude::*;

    /// One policy: a name from a small set (so that some collide, exactly
    /// or in case only, and some look like the parts of a split policy),
    /// a kind, and a number of rules (some over an SCP's limit).
    fn policy() -> impl Strategy<Value = (String, usize, usize)> {
        let names = prop::sample::select(vec!["A", "a", "B", "A-1", "A-2", "Big", "big-1", "C"]);
        let kinds = prop::sample::select(vec![0usize, 0, 0, 1, 2]);
        (
            names,
            kinds,
            prop::sample::select(vec![1usize, 2, 5, 300, 300]),
        )
            .prop_map(|(name, kind, rules)| (name.to_string(), kind, rules))
    }

    fn text(name: &str, kind: usize, rules: usize) -> String {
        match kind {
            0 => big_scp(name, rules),
            1 => format!(
                "rcp {name} {{\n    deny \"s3:*\" on \"*\" unless aws:PrincipalOrgID == \"o-abc123\"\n}}\n"
            ),
            _ => {
                let mut text = format!("policy {name} {{\n");
                for i in 0..rules.min(40) {
                    text.push_str(&format!(
                        "    allow s3:GetObject on \"arn:aws:s3:::bucket-{i}/*\"\n"
                    ));
                }
                text.push_str("}\n");
                text
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Any set of policies over up to three files, with or without
        /// `--split`: the one-pass build and the build of the kept documents
        /// give the same result (manifest or refusal) and the same files.
        #[test]
        fn both_builds_agree(
            policies in prop::collection::vec((policy(), 0usize..3), 1..7),
            split in any::<bool>(),
        ) {
            let tmp = tempfile::tempdir().unwrap();
            let mut files: Vec<(&str, String)> =
                vec![("f0.gov", String::new()), ("f1.gov", String::new()), ("f2.gov", String::new())];
            // Each name once (a name twice is E0110 before any build).
            let mut seen = std::collections::HashSet::new();
            for ((name, kind, rules), file) in &policies {
                if seen.insert(name.clone()) {
                    files[*file].1.push_str(&text(name, *kind, *rules));
                }
            }
            files.retain(|(_, text)| !text.is_empty());
            let src = sources(tmp.path(), &files);
            let ((kept, kept_files), (streamed, streamed_files)) =
                both(tmp.path(), &src, &options(split));
            prop_assert_eq!(&kept, &streamed);
            prop_assert_eq!(&kept_files, &streamed_files);
            if kept.is_err() {
                prop_assert!(kept_files.is_empty());
            }
        }
    }
}
