//! Command-line flags: exactly the contract's, each as `--flag VALUE` or `--flag=VALUE`.
//! Any mistake is one line for stderr (the caller exits 2).

use std::fs::OpenOptions;
use std::io;
use std::path::{Path, PathBuf};

use crate::store_flags::{store_choice, StoreChoice};

pub const USAGE: &str = "usage: rust-btree --capacity N (--db FILE | --store cassandra:HOST[,HOST...]) [--host 127.0.0.1] \
[--port 0] [--time-scale X] [--write-back-delay-ms MS] [--gc-interval-ms MS] [--warm-file FILE] \
[--cassandra-table readstate_lab.read_states] [--consistency one|quorum]";

#[derive(Debug)]
pub struct Config {
    pub host: String,
    pub port: u16,
    pub capacity: usize,
    pub store: StoreChoice,
    /// Scenario ms = wall ms since start * this.
    pub time_scale: f64,
    /// Scenario ms after its last update that a dirty state is written back.
    pub write_back_delay_ms: f64,
    /// Parsed for the contract, then ignored: Rust has no garbage collector to force.
    pub gc_interval_ms: f64,
    pub warm_file: Option<PathBuf>,
}

impl Config {
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Config, String> {
        let mut host = "127.0.0.1".to_string();
        let mut port = 0u16;
        let mut capacity = None;
        let mut db = None;
        let mut time_scale = 1.0;
        let mut write_back_delay_ms = 30_000.0;
        let mut gc_interval_ms = 0.0;
        let mut warm_file = None;
        let (mut store, mut cassandra_table, mut consistency) = (None, None, None);

        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            if arg == "--help" || arg == "-h" {
                // Asked for, the usage is the answer: on stdout, exit 0, as go-lru and serve do.
                println!("{USAGE}");
                std::process::exit(0);
            }
            let Some(flag) = arg.strip_prefix("--") else {
                return Err(format!("unexpected argument \"{arg}\"; {USAGE}"));
            };
            let (name, inline) = match flag.split_once('=') {
                Some((name, value)) => (name, Some(value.to_string())),
                None => (flag, None),
            };
            if ![
                "host",
                "port",
                "capacity",
                "db",
                "time-scale",
                "write-back-delay-ms",
                "gc-interval-ms",
                "warm-file",
                "store",
                "cassandra-table",
                "consistency",
            ]
            .contains(&name)
            {
                return Err(format!("unknown flag --{name}; {USAGE}"));
            }
            let value = match inline.or_else(|| args.next()) {
                Some(value) => value,
                None => return Err(format!("--{name} needs a value")),
            };
            match name {
                "host" if value.is_empty() => return Err("--host must not be empty".into()),
                "host" => host = value,
                "port" => port = number(name, &value, 0.0, 65_535.0, true)? as u16,
                "capacity" => capacity = Some(number(name, &value, 1.0, (u32::MAX / 2) as f64, true)? as usize),
                "db" if value.is_empty() => return Err("--db must name a file, got an empty string".into()),
                "db" => db = Some(PathBuf::from(value)),
                "time-scale" => {
                    time_scale = number(name, &value, 0.0, f64::MAX, false)
                        .ok()
                        .filter(|&scale| scale > 0.0)
                        .ok_or_else(|| format!("--time-scale must be a number above 0, got \"{value}\""))?;
                }
                "write-back-delay-ms" => write_back_delay_ms = number(name, &value, 0.0, f64::MAX, false)?,
                "gc-interval-ms" => gc_interval_ms = number(name, &value, 0.0, f64::MAX, false)?,
                "warm-file" if value.is_empty() => return Err("--warm-file must not be empty".into()),
                "warm-file" => warm_file = Some(PathBuf::from(value)),
                "store" => store = Some(value),
                "cassandra-table" => cassandra_table = Some(value),
                "consistency" => consistency = Some(value),
                _ => unreachable!("flag names are checked above"),
            }
        }
        let capacity = capacity.ok_or_else(|| format!("--capacity is required; {USAGE}"))?;
        let store = store_choice(store, db, cassandra_table, consistency).map_err(|e| format!("{e}; {USAGE}"))?;
        if let StoreChoice::Sqlite(db) = &store {
            check_db_path(db)?;
        }
        Ok(Config { host, port, capacity, store, time_scale, write_back_delay_ms, gc_interval_ms, warm_file })
    }
}

/// Refuses, before anything starts, a --db that cannot be the service's SQLite file, in the words
/// readstate-lab serve uses (harness/cli/output-paths.ts): a folder, a file in a folder that does
/// not exist, a place nothing can be created in. It tries what SQLite will do, opening the file
/// and creating one beside it (WAL mode creates PATH-wal and PATH-shm), because access(2) says
/// yes to root everywhere, read-only mounts aside.
fn check_db_path(path: &Path) -> Result<(), String> {
    let absolute = std::path::absolute(path).map_err(|e| format!("--db {}: {}", path.display(), reason(&e)))?;
    let shown = absolute.display();
    let exists = match std::fs::metadata(&absolute) {
        Ok(meta) if meta.is_dir() => return Err(format!("--db {} is a folder; give the path of a file", path.display())),
        Ok(_) => true,
        Err(e) if e.kind() == io::ErrorKind::NotFound || e.raw_os_error() == Some(libc::ENOTDIR) => false,
        Err(e) => return Err(format!("cannot use {shown}: {}", reason(&e))),
    };
    let folder = absolute.parent().unwrap_or(Path::new("/"));
    match std::fs::metadata(folder) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => return Err(format!("cannot write {shown}: {} is a file, not a folder", folder.display())),
        Err(_) => return Err(format!("cannot write {shown}: its folder {} does not exist (create it first)", folder.display())),
    }
    let probe = folder.join(format!(".rust-btree-probe-{}", std::process::id()));
    match OpenOptions::new().write(true).create_new(true).open(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
        }
        Err(e) => return Err(format!("cannot write to {shown}: {}", reason(&e))),
    }
    if exists {
        OpenOptions::new()
            .read(true)
            .write(true)
            .open(&absolute)
            .map_err(|e| format!("cannot write to {shown}: {}", reason(&e)))?;
    }
    Ok(())
}

/// Why a file operation failed, in words ("read-only file system"), as the other services say it.
fn reason(error: &io::Error) -> String {
    match error.raw_os_error() {
        Some(libc::EACCES | libc::EPERM) => "permission denied".into(),
        Some(libc::EROFS) => "read-only file system".into(),
        Some(libc::ENOSPC) => "no space left on the device".into(),
        Some(libc::ENOENT) => "nothing can be created there".into(),
        _ => error.to_string(),
    }
}

/// A finite number within [min, max] (an integer if asked); "2e6" is accepted like 2000000.
fn number(name: &str, raw: &str, min: f64, max: f64, integer: bool) -> Result<f64, String> {
    let value: f64 = raw.trim().parse().unwrap_or(f64::NAN);
    if !value.is_finite() || value < min || value > max || (integer && value.fract() != 0.0) {
        let kind = if integer { "an integer" } else { "a number" };
        let bounds = if max == f64::MAX { format!("at least {min}") } else { format!("from {min} to {max}") };
        return Err(format!("--{name} must be {kind} {bounds}, got \"{raw}\""));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Config, String> {
        Config::parse(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn reads_every_flag_with_defaults() {
        let config = parse(&["--capacity", "1000", "--db=x.sqlite", "--gc-interval-ms", "50"]).unwrap();
        assert_eq!((config.host.as_str(), config.port, config.capacity), ("127.0.0.1", 0, 1000));
        assert_eq!((config.time_scale, config.write_back_delay_ms, config.gc_interval_ms), (1.0, 30_000.0, 50.0));
        assert!(config.warm_file.is_none());
    }

    #[test]
    fn refuses_mistakes_in_one_line() {
        for args in [
            &["--capacity", "0", "--db", "x"][..],
            &["--capacity", "1.5", "--db", "x"],
            &["--capacity", "10", "--db", "x", "--port", "70000"],
            &["--capacity", "10", "--db", "x", "--host", ""],
            &["--capacity", "10", "--db", "x", "--time-scale", "0"],
            &["--capacity", "10", "--db", "x", "--time-scale", "NaN"],
            &["--capacity", "10", "--db", "x", "--gc-interval-ms", "-1"],
            &["--capacity", "10", "--db", "x", "--impl", "y"],
            &["--capacity", "10", "--db"],
            &["--capacity", "10"],
            &["--capacity", "10", "--db", "x", "extra"],
        ] {
            let error = parse(args).unwrap_err();
            assert!(!error.contains('\n'), "{error}");
        }
    }
}
