//! The floor a build is measured against: read every JSON file gov wrote
//! under a folder, parse it with serde_json and serialise it again.
//!
//! `cargo run --release --example json_floor -- DIR` prints files, bytes and seconds.

use std::path::{Path, PathBuf};
use std::time::Instant;

fn files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: json_floor DIR")?;
    let start = Instant::now();
    let mut list = Vec::new();
    files(Path::new(&dir), &mut list)?;
    let mut bytes = 0usize;
    let mut written = 0usize;
    for path in &list {
        let text = std::fs::read_to_string(path)?;
        bytes += text.len();
        let value: serde_json::Value = serde_json::from_str(&text)?;
        written += serde_json::to_string(&value)?.len();
    }
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "files={} bytes={bytes} reserialised={written} seconds={seconds:.4}",
        list.len()
    );
    Ok(())
}
