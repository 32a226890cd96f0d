//! --store, --cassandra-table and --consistency: which database holds the read states.

use std::path::PathBuf;

pub const DEFAULT_CASSANDRA_TABLE: &str = "readstate_lab.read_states";

/// Where the read states are kept.
#[derive(Debug)]
pub enum StoreChoice {
    Sqlite(PathBuf),
    Cassandra(CassandraTarget),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consistency {
    One,
    Quorum,
}

/// --store cassandra:HOST[,HOST...]: the nodes to contact first (host or host:port), the
/// keyspace.table, and how many replicas must answer.
#[derive(Debug, Clone)]
pub struct CassandraTarget {
    pub hosts: Vec<String>,
    pub table: String,
    pub consistency: Consistency,
}

impl CassandraTarget {
    /// "cassandra at 127.0.0.1 (readstate_lab.read_states, ONE)", for errors.
    pub fn describe(&self) -> String {
        let level = if self.consistency == Consistency::One { "ONE" } else { "QUORUM" };
        format!("cassandra at {} ({}, {level})", self.hosts.join(","), self.table)
    }
}

/// ONE for one node and QUORUM for more: with three replicas a QUORUM read and a QUORUM write
/// always meet on one (2 + 2 > 3), so a load sees every acknowledged write.
pub fn consistency_for(hosts: usize) -> Consistency {
    if hosts == 1 {
        Consistency::One
    } else {
        Consistency::Quorum
    }
}

/// The store the flags name; errors are one line.
pub fn store_choice(
    store: Option<String>,
    db: Option<PathBuf>,
    table: Option<String>,
    consistency: Option<String>,
) -> Result<StoreChoice, String> {
    let store = store.unwrap_or_else(|| "sqlite".into());
    if store == "sqlite" {
        if table.is_some() || consistency.is_some() {
            return Err("--cassandra-table and --consistency need --store cassandra:HOSTS".into());
        }
        return db.map(StoreChoice::Sqlite).ok_or_else(|| "--db is required".into());
    }
    let Some(hosts) = store.strip_prefix("cassandra:") else {
        return Err(format!("--store must be sqlite or cassandra:HOST[,HOST...], got \"{store}\""));
    };
    if db.is_some() {
        return Err("--db is the SQLite store's file; --store cassandra keeps read states in Cassandra, give one of them".into());
    }
    let hosts: Vec<String> = hosts.split(',').map(str::to_string).collect();
    for host in &hosts {
        if !is_host_or_port(host) {
            return Err(format!("--store cassandra: \"{host}\" is not a host or host:port"));
        }
    }
    let table = table.unwrap_or_else(|| DEFAULT_CASSANDRA_TABLE.into());
    if !is_table_name(&table) {
        return Err(format!("--cassandra-table must be keyspace.table in lower case, got \"{table}\""));
    }
    let consistency = match consistency.as_deref() {
        None => consistency_for(hosts.len()),
        Some("one") => Consistency::One,
        Some("quorum") => Consistency::Quorum,
        Some(other) => return Err(format!("--consistency must be one or quorum, got \"{other}\"")),
    };
    Ok(StoreChoice::Cassandra(CassandraTarget { hosts, table, consistency }))
}

fn is_host_or_port(host: &str) -> bool {
    let (name, port) = host.split_once(':').unwrap_or((host, "0"));
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-') && port.parse::<u16>().is_ok()
}

fn is_table_name(table: &str) -> bool {
    let identifier = |part: &str| {
        part.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
            && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    matches!(table.split_once('.'), Some((keyspace, name)) if identifier(keyspace) && identifier(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(store: &str, db: Option<&str>) -> Result<StoreChoice, String> {
        store_choice(Some(store.into()), db.map(PathBuf::from), None, None)
    }

    #[test]
    fn one_host_is_one_three_are_quorum() {
        let Ok(StoreChoice::Cassandra(one)) = choice("cassandra:127.0.0.1", None) else { panic!() };
        assert_eq!((one.hosts.len(), one.consistency, one.table.as_str()), (1, Consistency::One, DEFAULT_CASSANDRA_TABLE));
        let Ok(StoreChoice::Cassandra(three)) = choice("cassandra:127.0.0.1,127.0.0.2:9042,127.0.0.3", None) else { panic!() };
        assert_eq!((three.hosts.len(), three.consistency), (3, Consistency::Quorum));
    }

    #[test]
    fn refuses_mistakes_in_one_line() {
        for (store, db) in [("cassandra:", None), ("cassandra:a b", None), ("redis", None), ("cassandra:h", Some("x.db"))] {
            let error = choice(store, db).unwrap_err();
            assert!(!error.contains('\n'), "{error}");
        }
        assert!(store_choice(Some("cassandra:h".into()), None, Some("NoDot".into()), None).is_err());
        assert!(store_choice(Some("cassandra:h".into()), None, None, Some("all".into())).is_err());
        assert!(store_choice(None, Some("x.db".into()), None, Some("one".into())).is_err());
    }
}
