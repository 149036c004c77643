//! What the output folder must be before anything is written to it, and
//! whether a target already holds what would be written.

use super::{FileOut, io_error, reason};
use crate::emit::BuildError;
use std::fs;
use std::io::{self, BufRead, Read};
use std::path::Path;

/// Checks `folders` below `out` (an existing folder, or absent): each is a
/// folder, not a link, or absent. Returns the problems and the folders whose
/// files need no look (missing, or reported).
pub(super) fn check_folders(
    out: &Path,
    folders: &[&'static str],
) -> (Vec<BuildError>, Vec<&'static str>) {
    let mut errors = Vec::new();
    let mut skip = Vec::new();
    match fs::metadata(out) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => {
            errors.push(io_error(out, "it is a file, not a folder"));
            return (errors, folders.to_vec());
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => return (errors, folders.to_vec()),
        Err(e) => {
            errors.push(io_error(out, reason(&e)));
            return (errors, folders.to_vec());
        }
    }
    for &folder in folders {
        let dir = out.join(folder);
        let problem = match folder_at(&dir) {
            Ok(Ok(())) => None,
            Ok(Err(why)) => Some(why.to_string()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                skip.push(folder);
                None
            }
            Err(e) => Some(reason(&e)),
        };
        if let Some(problem) = problem {
            errors.push(io_error(&dir, problem));
            skip.push(folder);
        }
    }
    (errors, skip)
}

/// A target that cannot be written: a folder, or a path that cannot be
/// looked at.
pub(super) fn check_target(target: &Path) -> Option<BuildError> {
    what_is_at(target).err().map(|why| io_error(target, why))
}

/// What is at a target (not following a link): nothing, or the metadata of
/// what is there; else why it cannot be written: a folder, or a path that
/// cannot be looked at.
pub(super) fn what_is_at(target: &Path) -> Result<Option<fs::Metadata>, String> {
    match fs::symlink_metadata(target) {
        Ok(meta) if meta.is_dir() => Err("it is a folder, not a file".to_string()),
        Ok(meta) => Ok(Some(meta)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(reason(&e)),
    }
}

/// Whether a kind folder can hold the build's files: `Ok(Ok(()))` a folder,
/// `Ok(Err(why))` a link or a file; `Err` when it cannot be looked at (or is
/// not there).
fn folder_at(dir: &Path) -> io::Result<Result<(), &'static str>> {
    let meta = fs::symlink_metadata(dir)?;
    Ok(if meta.file_type().is_symlink() {
        Err("it is a symbolic link; gov writes only inside the output folder")
    } else if !meta.is_dir() {
        Err("it is a file, not a folder")
    } else {
        Ok(())
    })
}

/// `Ok` when `dir` is a folder, not a link to one; else why it is not
/// (looked at again before each write of a build: see `Staging::put`).
pub(super) fn still_a_folder(dir: &Path) -> Result<(), String> {
    match folder_at(dir) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(why)) => Err(why.to_string()),
        Err(e) => Err(reason(&e)),
    }
}

/// Step 1 of [`write_all`], whole: every problem with `out`, its kind
/// folders and the targets of `files` and of `last`.
pub(super) fn preflight<'f>(
    out: &Path,
    files: impl Iterator<Item = &'f FileOut> + Clone,
    last: Option<&str>,
) -> Vec<BuildError> {
    let mut folders: Vec<&'static str> = files.clone().filter_map(|f| f.folder).collect();
    folders.sort_unstable();
    folders.dedup();
    let out_is_folder = fs::metadata(out).is_ok_and(|m| m.is_dir());
    let (mut errors, skip) = check_folders(out, &folders);
    if !out_is_folder {
        return errors;
    }
    let targets = files
        .filter(|file| !file.folder.is_some_and(|f| skip.contains(&f)))
        .map(|file| file.target(out))
        .chain(last.map(|name| out.join(name)));
    errors.extend(targets.filter_map(|target| check_target(&target)));
    errors
}

/// [`holds_already`] for the bytes of the file `written`, compared a block
/// at a time (never whole in memory).
pub(super) fn holds_the_file(target: &Path, meta: &fs::Metadata, written: &Path) -> bool {
    let Ok(written_meta) = fs::metadata(written) else {
        return false;
    };
    if !regular_and_alone(meta) || meta.len() != written_meta.len() {
        return false;
    }
    let (Ok(a), Ok(b)) = (fs::File::open(target), fs::File::open(written)) else {
        return false;
    };
    // Bounded: no more than the length both files had when looked at.
    let mut a = io::BufReader::with_capacity(1 << 16, a.take(meta.len()));
    let mut b = io::BufReader::with_capacity(1 << 16, b.take(meta.len()));
    let mut compared = 0u64;
    loop {
        let (Ok(x), Ok(y)) = (a.fill_buf(), b.fill_buf()) else {
            return false;
        };
        if x.is_empty() || y.is_empty() {
            return x.is_empty() && y.is_empty() && compared == meta.len();
        }
        let n = x.len().min(y.len());
        if x[..n] != y[..n] {
            return false;
        }
        compared += n as u64;
        a.consume(n);
        b.consume(n);
    }
}

/// A regular file with no other name: one that may be kept as it is.
fn regular_and_alone(meta: &fs::Metadata) -> bool {
    if !meta.is_file() {
        return false;
    }
    // A file linked from elsewhere as well is replaced, as it always was:
    // kept, it would change whenever its other name is written to.
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() != 1 {
            return false;
        }
    }
    true
}

/// Whether `target` (whose metadata, not following a link, is `meta`) is a
/// regular file holding exactly `bytes`: then it is left as it is (its mode
/// and time included). Any doubt is `false` and the file is replaced as
/// usual.
pub(super) fn holds_already(target: &Path, meta: &fs::Metadata, bytes: &[u8]) -> bool {
    if !regular_and_alone(meta) || meta.len() != bytes.len() as u64 {
        return false;
    }
    // The project's bounded read: a regular file, read at most one byte past
    // the length expected.
    crate::load::read_limited(target, bytes.len()).is_ok_and(|(held, _)| held == bytes)
}
