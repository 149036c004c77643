//! Reading `.gov` sources: files, folders and their `import`s.
//!
//! Problems inside a file (bad UTF-8, too large, a missing import, an import
//! cycle) are diagnostics with a span; problems with the paths the user named
//! (missing, unreadable, a folder without `.gov` files) are [`LoadError`]s.

use crate::diag::{Code, Diagnostic, codes};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::{self, MAX_SOURCE_BYTES, SyntaxError, ast};
use rayon::prelude::*;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// A problem with a path named on the command line.
#[derive(Debug)]
pub enum LoadError {
    NotFound { path: PathBuf },
    Unreadable { path: PathBuf, reason: String },
    NoSources { path: PathBuf },
}

impl LoadError {
    pub fn code(&self) -> Code {
        match self {
            LoadError::NotFound { .. } => codes::E0901,
            LoadError::Unreadable { .. } => codes::E0902,
            LoadError::NoSources { .. } => codes::E0903,
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::NotFound { path } => {
                write!(f, "no such file or folder `{}`", path.display())
            }
            LoadError::Unreadable { path, reason } => {
                write!(f, "cannot read `{}`: {reason}", path.display())
            }
            LoadError::NoSources { path } => {
                write!(f, "no `.gov` files under `{}`", path.display())
            }
        }
    }
}

impl std::error::Error for LoadError {}

pub struct LoadedFile {
    pub id: FileId,
    pub path: PathBuf,
    /// The file's syntax tree; empty in a finished compilation
    /// ([`Loaded::forget_trees`]).
    pub ast: ast::File,
    /// The policies not read yet, each the piece of text of one item, in
    /// source order ([`load_deferring`]); the check reads each and drops its
    /// tree once checked. Empty when loaded by [`load`].
    pub deferred: Vec<Span>,
    /// Files this one imports, resolved, with the span of each `import`.
    pub imports: Vec<(FileId, Span)>,
}

#[derive(Default)]
pub struct Loaded {
    pub sources: SourceMap,
    pub files: Vec<LoadedFile>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    /// Drops the syntax trees (their items; whether a file was broken stays):
    /// a compilation keeps the typed program, and the trees cost as much
    /// memory again. Sources, paths and imports stay.
    pub fn forget_trees(&mut self) {
        for file in &mut self.files {
            file.ast.items = Vec::new();
            file.deferred = Vec::new();
        }
    }

    /// Reads the policies left for later ([`load_deferring`]) into the
    /// trees: afterwards every file is as [`load`] gives it.
    pub fn read_deferred(&mut self) {
        for file in &mut self.files {
            if file.deferred.is_empty() {
                continue;
            }
            // Deferring happens only in a file without syntax errors, so
            // reading it again whole gives its tree and errors as `load`.
            let (ast, mut diags) = syntax::parse(file.id, self.sources.text(file.id));
            file.ast = ast;
            file.deferred = Vec::new();
            self.diagnostics.append(&mut diags);
        }
    }
}

/// Loads the named files and folders (folders: every `.gov` file below,
/// sorted), then everything they import.
pub fn load(paths: &[PathBuf]) -> Result<Loaded, LoadError> {
    load_with(paths, false)
}

/// [`load`], with the policies of files without syntax errors left unread
/// ([`LoadedFile::deferred`]), for a check that reads each policy and drops
/// its tree once checked, so that the trees of all the policies never live
/// together. [`Loaded::read_deferred`] makes it what [`load`] gives.
pub fn load_deferring(paths: &[PathBuf]) -> Result<Loaded, LoadError> {
    load_with(paths, true)
}

fn load_with(paths: &[PathBuf], defer: bool) -> Result<Loaded, LoadError> {
    let roots = source_files(paths)?;
    let mut loader = Loader {
        defer,
        ..Loader::default()
    };
    // Read and decoded on every core; the first unreadable file in the
    // order given is the error, as in a sequential read.
    let files = roots
        .par_iter()
        .map(|root| {
            read_source(root)
                .map(|(bytes, size)| Decoded::new(root, bytes, size))
                .map_err(|reason| LoadError::Unreadable {
                    path: root.clone(),
                    reason,
                })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    loader.add_all(files);
    loader.resolve_imports();
    loader.find_cycles();
    Ok(loader.loaded)
}

/// The files named, and every `.gov` file below each folder named (sorted
/// per folder), each once. A named path that does not exist, or a folder
/// without a `.gov` file, is an error.
pub fn source_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, LoadError> {
    let mut files = Vec::new();
    for path in paths {
        if !path.exists() {
            return Err(LoadError::NotFound { path: path.clone() });
        }
        if path.is_dir() {
            let mut found = Vec::new();
            collect_files(path, "gov", &mut found)?;
            if found.is_empty() {
                return Err(LoadError::NoSources { path: path.clone() });
            }
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    let mut seen = std::collections::HashSet::new();
    files.retain(|p| seen.insert(p.clone()));
    Ok(files)
}

/// Every file below `dir` whose extension is `ext` (such as `json`), sorted.
pub fn files_below(dir: &Path, ext: &str) -> Result<Vec<PathBuf>, LoadError> {
    let mut found = Vec::new();
    collect_files(dir, ext, &mut found)?;
    found.sort();
    Ok(found)
}

/// Loads sources given as text (for tests and embedding): `(name, text)`.
/// Imports are resolved among the given names.
pub fn load_texts(texts: &[(&str, &str)]) -> Loaded {
    load_texts_with(texts, false)
}

/// [`load_texts`], leaving policies unread as [`load_deferring`] does.
pub fn load_texts_deferring(texts: &[(&str, &str)]) -> Loaded {
    load_texts_with(texts, true)
}

fn load_texts_with(texts: &[(&str, &str)], defer: bool) -> Loaded {
    let mut loader = Loader {
        defer,
        ..Loader::default()
    };
    for (name, text) in texts {
        loader.add(Path::new(name), text.as_bytes().to_vec(), text.len());
    }
    loader.resolve_imports();
    loader.find_cycles();
    loader.loaded
}

/// Reads a source file (a regular file only), at most one byte over the
/// size limit: the bytes read and the file's full size.
pub fn read_source(path: &Path) -> Result<(Vec<u8>, usize), String> {
    read_limited(path, MAX_SOURCE_BYTES)
}

/// Reads a regular file, at most one byte over `limit` (so a limit is
/// reported without reading an endless device). Returns the bytes read and
/// the file's full size.
pub fn read_limited(path: &Path, limit: usize) -> Result<(Vec<u8>, usize), String> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| e.to_string().to_lowercase())?;
    if !meta.is_file() {
        return Err("not a regular file".to_string());
    }
    let file = std::fs::File::open(path).map_err(|e| e.to_string().to_lowercase())?;
    // Sized by the file's length (bounded by the limit), so a source is held
    // once, not in a buffer that grew by doubling; a file that grew since
    // is still read to its end or the limit.
    let expected = usize::try_from(meta.len()).unwrap_or(usize::MAX).min(limit);
    let mut bytes = Vec::with_capacity(expected.saturating_add(1));
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string().to_lowercase())?;
    let size = usize::try_from(meta.len())
        .unwrap_or(usize::MAX)
        .max(bytes.len());
    Ok((bytes, size))
}

fn collect_files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let entries = std::fs::read_dir(dir).map_err(|e| LoadError::Unreadable {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    })?;
    for entry in entries {
        let entry = entry.map_err(|e| LoadError::Unreadable {
            path: dir.to_path_buf(),
            reason: e.to_string(),
        })?;
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            collect_files(&path, ext, out)?;
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
    Ok(())
}

#[derive(Default)]
struct Loader {
    loaded: Loaded,
    by_path: HashMap<PathBuf, FileId>,
    /// Index into `loaded.files` by file id.
    index: HashMap<FileId, usize>,
    /// Whether policies are left unread ([`load_deferring`]).
    defer: bool,
}

fn display_name(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let shown = cwd
        .as_deref()
        .and_then(|cwd| path.strip_prefix(cwd).ok())
        .unwrap_or(path);
    shown.display().to_string()
}

fn normalize(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| {
        // Not on disk (text sources): fold `.` and `..` lexically.
        let mut out = PathBuf::new();
        for part in path.components() {
            match part {
                std::path::Component::CurDir => {}
                std::path::Component::ParentDir => {
                    out.pop();
                }
                other => out.push(other.as_os_str()),
            }
        }
        out
    })
}

/// A file's bytes as text, with what else about it does not depend on the
/// other files (found on any core before it is registered).
struct Decoded {
    /// Its path made absolute: a file named twice is loaded once.
    key: PathBuf,
    /// Its name as shown to users.
    name: String,
    text: String,
    line_starts: Vec<usize>,
    /// Where the bytes stop being UTF-8 (the text has U+FFFD from there).
    encoding_error: Option<usize>,
    /// Its full size on disk.
    size: usize,
}

impl Decoded {
    fn new(path: &Path, bytes: Vec<u8>, size: usize) -> Decoded {
        // A byte-order mark is not part of the text: dropping it keeps
        // columns and rendered lines right.
        let bytes = match bytes.strip_prefix("\u{FEFF}".as_bytes()) {
            Some(rest) => rest.to_vec(),
            None => bytes,
        };
        let (text, encoding_error) = match String::from_utf8(bytes) {
            Ok(text) => (text, None),
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                (text, Some(offset))
            }
        };
        Decoded {
            key: normalize(path),
            name: display_name(path),
            line_starts: crate::source::line_starts(&text),
            text,
            encoding_error,
            size,
        }
    }
}

/// A file registered with its source, to be read: its id, where it is, and
/// why it cannot be read (not UTF-8 at an offset, or its size over the
/// limit).
struct Registered {
    id: FileId,
    path: PathBuf,
    encoding_error: Option<usize>,
    size: usize,
}

/// What reading a registered file gives: its tree, the pieces left unread,
/// its syntax errors.
type Read = (ast::File, Vec<Span>, Vec<Diagnostic>);

impl Loader {
    /// Adds a file; `size` is its full size on disk (only its first bytes may
    /// have been read when it is over the limit).
    fn add(&mut self, path: &Path, bytes: Vec<u8>, size: usize) -> FileId {
        match self.register(Decoded::new(path, bytes, size)) {
            Ok(file) => {
                let read = self.read(&file);
                let id = file.id;
                self.push(file, read);
                id
            }
            Err(id) => id,
        }
    }

    /// Adds the files named, in order, each read on any core (a folder of
    /// many small files is read in parallel, not one after another).
    fn add_all(&mut self, files: Vec<Decoded>) {
        let registered: Vec<Registered> = files
            .into_iter()
            .filter_map(|file| self.register(file).ok())
            .collect();
        let this = &*self;
        let read: Vec<Read> = registered.par_iter().map(|file| this.read(file)).collect();
        for (file, read) in registered.into_iter().zip(read) {
            self.push(file, read);
        }
    }

    /// Adds the source of a file: `Err` with its id when it is loaded already.
    fn register(&mut self, file: Decoded) -> Result<Registered, FileId> {
        if let Some(&id) = self.by_path.get(&file.key) {
            return Err(id);
        }
        let id = self
            .loaded
            .sources
            .add_with_line_starts(file.name, file.text, file.line_starts);
        self.by_path.insert(file.key.clone(), id);
        Ok(Registered {
            id,
            path: file.key,
            encoding_error: file.encoding_error,
            size: file.size,
        })
    }

    /// Reads a registered file's text into its tree.
    fn read(&self, file: &Registered) -> Read {
        let id = file.id;
        let unreadable = |error: SyntaxError| {
            let tree = ast::File {
                items: Vec::new(),
                broken: true,
            };
            (tree, Vec::new(), vec![error.into_diagnostic(id)])
        };
        match file.encoding_error {
            Some(offset) => unreadable(SyntaxError::NotUtf8 { offset }),
            None if file.size > MAX_SOURCE_BYTES => {
                unreadable(SyntaxError::TooLarge { bytes: file.size })
            }
            None if self.defer => syntax::parse_deferring(id, self.loaded.sources.text(id)),
            None => {
                let (tree, diags) = syntax::parse(id, self.loaded.sources.text(id));
                (tree, Vec::new(), diags)
            }
        }
    }

    fn push(&mut self, file: Registered, (ast, deferred, mut diags): Read) {
        self.loaded.diagnostics.append(&mut diags);
        self.index.insert(file.id, self.loaded.files.len());
        self.loaded.files.push(LoadedFile {
            id: file.id,
            path: file.path,
            ast,
            deferred,
            imports: Vec::new(),
        });
    }

    /// Loads every imported file (breadth first), recording the edges.
    fn resolve_imports(&mut self) {
        let mut next = 0;
        while next < self.loaded.files.len() {
            let (id, dir, imports) = {
                let file = &self.loaded.files[next];
                let dir = file
                    .path
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_default();
                let imports: Vec<(String, Span)> = file
                    .ast
                    .items
                    .iter()
                    .filter_map(|item| match item {
                        ast::Item::Import(i) => Some((i.path.node.clone(), i.path.span)),
                        _ => None,
                    })
                    .collect();
                (file.id, dir, imports)
            };
            let mut edges = Vec::new();
            for (target, span) in imports {
                let path = dir.join(&target);
                let key = normalize(&path);
                let target_id = match self.by_path.get(&key) {
                    Some(&known) => Some(known),
                    None => match read_source(&path) {
                        Ok((bytes, size)) => Some(self.add(&path, bytes, size)),
                        Err(e) => {
                            let diag = Diagnostic::new(
                                codes::E0106,
                                id,
                                span,
                                format!("cannot import `{target}`"),
                            )
                            .with_label(e)
                            .with_help("import paths are relative to the importing file");
                            self.loaded.diagnostics.push(diag);
                            None
                        }
                    },
                };
                if let Some(t) = target_id {
                    edges.push((t, span));
                }
            }
            self.loaded.files[next].imports = edges;
            next += 1;
        }
    }

    /// Reports each import that closes a cycle.
    fn find_cycles(&mut self) {
        // Iterative depth-first search with colours: 0 new, 1 on stack, 2 done.
        let n = self.loaded.files.len();
        let mut colour = vec![0u8; n];
        let mut reported = Vec::new();
        for start in 0..n {
            if colour[start] != 0 {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            colour[start] = 1;
            while let Some(&mut (node, ref mut edge)) = stack.last_mut() {
                let imports = &self.loaded.files[node].imports;
                if let Some(&(target, span)) = imports.get(*edge) {
                    *edge += 1;
                    let Some(&t) = self.index.get(&target) else {
                        continue;
                    };
                    match colour[t] {
                        0 => {
                            colour[t] = 1;
                            stack.push((t, 0));
                        }
                        1 => {
                            let from = stack.iter().position(|&(f, _)| f == t).unwrap_or(0);
                            let chain: Vec<String> = stack[from..]
                                .iter()
                                .map(|&(f, _)| {
                                    format!(
                                        "`{}`",
                                        self.loaded.sources.name(self.loaded.files[f].id)
                                    )
                                })
                                .chain(std::iter::once(format!(
                                    "`{}`",
                                    self.loaded.sources.name(target)
                                )))
                                .collect();
                            reported.push(
                                Diagnostic::new(
                                    codes::E0105,
                                    self.loaded.files[node].id,
                                    span,
                                    "import cycle",
                                )
                                .with_label("this import closes the cycle")
                                .with_help(format!(
                                    "the files import each other: {}",
                                    chain.join(" → ")
                                )),
                            );
                        }
                        _ => {}
                    }
                } else {
                    colour[node] = 2;
                    stack.pop();
                }
            }
        }
        self.loaded.diagnostics.append(&mut reported);
    }
}

impl Loaded {
    pub fn file(&self, id: FileId) -> Option<&LoadedFile> {
        // Files are pushed in the order their ids are given out, so the id
        // is the index; the search is only a fallback.
        self.files
            .get(id)
            .filter(|f| f.id == id)
            .or_else(|| self.files.iter().find(|f| f.id == id))
    }

    /// The files `id` imports, directly or not (not itself unless in a cycle).
    pub fn imported_by(&self, id: FileId) -> Vec<FileId> {
        let mut seen = std::collections::HashSet::from([id]);
        let mut out = Vec::new();
        let mut todo = vec![id];
        while let Some(f) = todo.pop() {
            if let Some(file) = self.file(f) {
                for &(t, _) in &file.imports {
                    if seen.insert(t) {
                        out.push(t);
                        todo.push(t);
                    }
                }
            }
        }
        out
    }
}
