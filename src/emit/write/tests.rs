//! The output folder's checks, staging and commit.
use super::*;

fn file(folder: &'static str, name: &str) -> FileOut {
    FileOut {
        folder: Some(folder),
        file: name.to_string(),
        bytes: b"{}".to_vec(),
    }
}

/// Steps 2 and 3 alone (the checks of step 1 skipped but for the
/// folders), as [`finish`] runs them: the failure of the first file that
/// fails, in order.
fn stage_and_commit(out: &Path, files: &[FileOut]) -> Result<(), (PathBuf, String)> {
    let folders: Vec<&'static str> = files.iter().filter_map(|f| f.folder).collect();
    let staging =
        Staging::open(out, &folders, None).map_err(|e| (out.to_path_buf(), format!("{e:?}")))?;
    let mut places = Vec::new();
    for file in files {
        match staging.put(file) {
            Ok(place) => places.push(place),
            Err(PutError::Failed(path, why)) => return Err((path, why)),
            Err(PutError::Refused(path, why)) => return Err((path, why)),
        }
    }
    staging.commit(places)
}

#[test]
fn a_failure_while_staging_leaves_the_folder_as_it_was() {
    // A kind folder replaced by a file after the folder was opened makes
    // staging fail after another file was staged in a new kind folder.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("a/out");
    fs::create_dir_all(out.join("scp")).unwrap();
    let files = [
        file("policy", "A.json"),
        file("scp", "B.json"),
        FileOut {
            folder: None,
            file: "manifest.json".to_string(),
            bytes: b"{}".to_vec(),
        },
    ];
    let staging = Staging::open(&out, &["policy", "scp"], Some("manifest.json")).unwrap();
    let a = staging.put(&files[0]);
    assert!(matches!(a, Ok(Place::Staging("policy"))));
    fs::remove_dir(out.join("scp")).unwrap();
    fs::write(out.join("scp"), b"x").unwrap();
    // (Found by the look at its target: a refusal, reported with the others.)
    let Err(PutError::Refused(path, why)) = staging.put(&files[1]) else {
        panic!("staged through a file")
    };
    assert_eq!(path, out.join("scp"));
    assert_eq!(why, "it is a file, not a folder");
    drop(a);
    drop(staging);
    assert_eq!(
        names(&out),
        vec!["scp"],
        "the new folder and its staged file are gone"
    );
}

#[test]
fn only_checked_folders_are_written_to_and_the_staging_goes_when_dropped() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("x/out");
    let staging = Staging::open(&out, &["scp"], None).unwrap();
    assert!(out.is_dir(), "opened: the folder exists");
    let Err(PutError::Refused(path, why)) = staging.put(&file("policy", "A.json")) else {
        panic!("written to a folder never checked")
    };
    assert_eq!(path, out.join("policy"));
    assert!(why.contains("not checked"), "{why}");
    let put = staging.put(&file("scp", "B.json"));
    assert!(matches!(put, Ok(Place::Staging("scp"))));
    drop(put);
    drop(staging);
    assert!(!tmp.path().join("x").exists(), "created folders removed");
}

#[test]
fn a_new_kind_folder_without_files_is_not_committed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let staging = Staging::open(&out, &["scp", "rcp"], None).unwrap();
    let place = staging.put(&file("scp", "A.json")).ok().unwrap();
    staging.commit(vec![place]).unwrap();
    assert_eq!(names(&out), vec!["scp"]);
}

#[test]
fn missing_ancestors_are_created_and_removed_again_on_failure() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("x/y/out");
    let files = [file("policy", "A.json"), file("scp", "B.json")];
    stage_and_commit(&out, &files).unwrap();
    assert!(out.join("policy/A.json").is_file());
    assert!(out.join("scp/B.json").is_file());

    let out = tmp.path().join("p/q/out");
    // A folder name the file system refuses (too long): staging fails
    // after `policy/A.json` was staged.
    let long: &'static str = Box::leak("n".repeat(300).into_boxed_str());
    let files = [file("policy", "A.json"), file(long, "B.json")];
    assert!(stage_and_commit(&out, &files).is_err());
    assert!(!tmp.path().join("p").exists(), "created folders removed");
}

/// Every name in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn new_kind_folders_arrive_whole_and_existing_ones_keep_their_other_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    fs::create_dir_all(out.join("policy")).unwrap();
    fs::write(out.join("policy/Old.json"), b"old").unwrap();
    fs::write(out.join("policy/A.json"), b"stale").unwrap();
    let files = [
        file("policy", "A.json"),
        file("scp", "B.json"),
        file("scp", "C.json"),
        file("key_policy", "D.json"),
        FileOut {
            folder: None,
            file: "manifest.json".to_string(),
            bytes: b"{\"m\":1}".to_vec(),
        },
    ];
    write_all(&out, files.into()).unwrap();
    assert_eq!(
        names(&out),
        vec!["key_policy", "manifest.json", "policy", "scp"],
        "no staging folder is left behind"
    );
    assert_eq!(names(&out.join("policy")), vec!["A.json", "Old.json"]);
    assert_eq!(names(&out.join("scp")), vec!["B.json", "C.json"]);
    assert_eq!(fs::read(out.join("policy/A.json")).unwrap(), b"{}");
    assert_eq!(fs::read(out.join("scp/C.json")).unwrap(), b"{}");
    assert_eq!(fs::read(out.join("manifest.json")).unwrap(), b"{\"m\":1}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // A staged folder and its files get the modes of a plain create.
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        fs::create_dir(tmp.path().join("plain")).unwrap();
        fs::write(tmp.path().join("plain/f"), b"").unwrap();
        assert_eq!(mode(&out.join("scp")), mode(&tmp.path().join("plain")));
        assert_eq!(
            mode(&out.join("scp/B.json")),
            mode(&tmp.path().join("plain/f"))
        );
    }
}

#[test]
fn a_failure_in_a_new_kind_folder_leaves_no_staging_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("keep.txt"), b"k").unwrap();
    // A file name the file system refuses (too long), after another
    // file of the same new folder was written.
    let files = [file("scp", "A.json"), file("scp", &"n".repeat(300))];
    let (path, _) = stage_and_commit(&out, &files).unwrap_err();
    assert_eq!(path, out.join("scp").join("n".repeat(300)));
    assert_eq!(names(&out), vec!["keep.txt"]);
}

#[cfg(unix)]
#[test]
fn a_rebuild_leaves_unchanged_files_alone_and_replaces_the_others() {
    use std::os::unix::fs::MetadataExt;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let with = |name: &str, bytes: &[u8]| FileOut {
        folder: Some("scp"),
        file: name.to_string(),
        bytes: bytes.to_vec(),
    };
    write_all(
        &out,
        vec![
            with("A.json", b"{}"),
            with("B.json", b"{}"),
            with("C.json", b"{}"),
        ],
    )
    .unwrap();
    let inode = |name: &str| fs::metadata(out.join("scp").join(name)).unwrap().ino();
    let (a, b) = (inode("A.json"), inode("B.json"));
    // B changes (same length), C is now a link to an identical file.
    fs::write(tmp.path().join("same"), b"{}").unwrap();
    fs::remove_file(out.join("scp/C.json")).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("same"), out.join("scp/C.json")).unwrap();
    write_all(
        &out,
        vec![
            with("A.json", b"{}"),
            with("B.json", b"[]"),
            with("C.json", b"{}"),
        ],
    )
    .unwrap();
    assert_eq!(inode("A.json"), a, "an unchanged file is not touched");
    assert_ne!(inode("B.json"), b);
    assert_eq!(fs::read(out.join("scp/B.json")).unwrap(), b"[]");
    let c_now = fs::symlink_metadata(out.join("scp/C.json")).unwrap();
    assert!(c_now.is_file(), "a link is replaced by a file, never kept");
    // A hard link to an identical file elsewhere is replaced too.
    fs::hard_link(out.join("scp/A.json"), tmp.path().join("elsewhere")).unwrap();
    write_all(&out, vec![with("A.json", b"{}")]).unwrap();
    assert_ne!(inode("A.json"), a);
    assert_eq!(fs::read(tmp.path().join("elsewhere")).unwrap(), b"{}");
    assert_eq!(names(&out.join("scp")), vec!["A.json", "B.json", "C.json"]);
}

#[test]
fn the_last_file_is_made_while_the_others_are_staged_and_checked_like_them() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let files_again = || vec![file("scp", "A.json"), file("policy", "B.json")];
    let last = Last {
        file: "manifest.json",
        write: |to: &mut dyn Write| to.write_all(b"{\"last\":true}"),
    };
    finish(None, &out, files_again(), Some(last)).unwrap();
    assert_eq!(names(&out), vec!["manifest.json", "policy", "scp"]);
    assert_eq!(
        fs::read(out.join("manifest.json")).unwrap(),
        b"{\"last\":true}"
    );
    // Its target a folder: refused before anything is written.
    let out = tmp.path().join("other");
    fs::create_dir_all(out.join("manifest.json")).unwrap();
    let last = Last {
        file: "manifest.json",
        write: |to: &mut dyn Write| to.write_all(b"{}"),
    };
    let errors = finish(None, &out, files_again(), Some(last)).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(names(&out), vec!["manifest.json"]);
}

#[test]
fn io_reasons_start_lowercase() {
    let e = io::Error::new(io::ErrorKind::PermissionDenied, "Permission denied");
    assert_eq!(reason(&e), "permission denied");
}

#[cfg(unix)]
#[test]
fn an_unchanged_last_file_is_left_alone_and_a_changed_one_replaced() {
    use std::os::unix::fs::MetadataExt;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let build = |text: &'static [u8]| {
        let last = Last {
            file: "manifest.json",
            write: move |to: &mut dyn Write| to.write_all(text),
        };
        finish(None, &out, vec![file("scp", "A.json")], Some(last)).unwrap();
    };
    let inode = || fs::metadata(out.join("manifest.json")).unwrap().ino();
    // Longer than one block of the comparison, to compare several.
    let big: &'static [u8] = Box::leak(vec![b'x'; 200_000].into_boxed_slice());
    build(big);
    let first = inode();
    build(big);
    assert_eq!(inode(), first, "the same bytes: not touched");
    assert_eq!(
        names(&out),
        vec!["manifest.json", "scp"],
        "no temporary file left"
    );
    // Same length, last byte different: replaced.
    let mut changed = big.to_vec();
    *changed.last_mut().unwrap() = b'y';
    let changed: &'static [u8] = Box::leak(changed.into_boxed_slice());
    build(changed);
    assert_ne!(inode(), first);
    assert_eq!(fs::read(out.join("manifest.json")).unwrap(), changed);
    // Linked from elsewhere: replaced even when the same, the other name kept.
    let now = inode();
    fs::hard_link(out.join("manifest.json"), tmp.path().join("elsewhere")).unwrap();
    build(changed);
    assert_ne!(inode(), now);
    assert_eq!(fs::read(tmp.path().join("elsewhere")).unwrap(), changed);
    assert_eq!(names(&out), vec!["manifest.json", "scp"]);
}

#[cfg(unix)]
#[test]
fn a_kind_folder_replaced_by_a_link_after_opening_is_never_written_through() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let elsewhere = tmp.path().join("elsewhere");
    fs::create_dir_all(out.join("scp")).unwrap();
    fs::create_dir_all(&elsewhere).unwrap();
    let staging = Staging::open(&out, &["scp"], None).unwrap();
    let a = staging.put(&file("scp", "A.json"));
    assert!(matches!(a, Ok(Place::Beside { .. })));
    // Between the writes, and between the writes and the renames.
    fs::remove_dir_all(out.join("scp")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("scp")).unwrap();
    let Err(PutError::Refused(path, why)) = staging.put(&file("scp", "B.json")) else {
        panic!("written through a link")
    };
    assert_eq!(path, out.join("scp"));
    assert!(why.contains("symbolic link"), "{why}");
    let (path, why) = staging.commit(vec![a.ok().unwrap()]).unwrap_err();
    assert_eq!(path, out.join("scp"));
    assert!(why.contains("symbolic link"), "{why}");
    assert!(names(&elsewhere).is_empty(), "nothing landed outside");
    assert_eq!(names(&out), vec!["scp"]);
}

#[test]
fn a_failure_before_any_rename_removes_the_folders_created() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("new/out");
    let staging = Staging::open(&out, &["scp"], None).unwrap();
    let a = staging.put(&file("scp", "A.json")).ok().unwrap();
    // The staged kind folder taken away: its rename fails before anything
    // was renamed, so the build is undone whole, the folders it created too.
    let hidden = names(&out);
    assert_eq!(hidden.len(), 1, "the staging folder");
    fs::remove_dir_all(out.join(&hidden[0]).join("scp")).unwrap();
    assert!(staging.commit(vec![a]).is_err());
    assert!(!tmp.path().join("new").exists(), "created folders removed");
}

#[test]
fn a_last_file_that_cannot_be_written_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("new/out");
    let last = Last {
        file: "manifest.json",
        write: |to: &mut dyn Write| {
            to.write_all(b"{")?;
            Err(io::Error::other("the writer gave up"))
        },
    };
    let errors = finish(None, &out, vec![file("scp", "A.json")], Some(last)).unwrap_err();
    assert!(
        matches!(&errors[..], [BuildError::Io { path, reason }]
            if path.ends_with("manifest.json") && reason == "the writer gave up"),
        "{errors:?}"
    );
    assert!(!tmp.path().join("new").exists(), "created folders removed");
}
