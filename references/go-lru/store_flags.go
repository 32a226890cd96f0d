package main

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/gocql/gocql"
)

const defaultCassandraTable = "readstate_lab.read_states"

var (
	cqlTableName = regexp.MustCompile(`^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$`)
	hostOrPort   = regexp.MustCompile(`^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$`)
)

// parseStoreFlags reads --store (sqlite, or cassandra:HOST[,HOST...]), --cassandra-table and
// --consistency; a nil target means the SQLite store.
func parseStoreFlags(store, table, consistency string, dbGiven bool) (*cassandraTarget, error) {
	if store == "sqlite" {
		if table != "" || consistency != "" {
			return nil, errors.New("--cassandra-table and --consistency need --store cassandra:HOSTS")
		}
		return nil, nil
	}
	// strings.CutPrefix is newer than Go 1.19, which builds this too.
	hostList := strings.TrimPrefix(store, "cassandra:")
	if hostList == store {
		return nil, fmt.Errorf("--store must be sqlite or cassandra:HOST[,HOST...], got %q", store)
	}
	if dbGiven {
		return nil, errors.New("--db is the SQLite store's file; --store cassandra keeps read states in Cassandra, give one of them")
	}
	target := &cassandraTarget{table: defaultCassandraTable}
	for _, host := range strings.Split(hostList, ",") {
		if !hostOrPort.MatchString(host) {
			return nil, fmt.Errorf("--store cassandra: %q is not a host or host:port", host)
		}
		target.hosts = append(target.hosts, host)
	}
	if table != "" {
		if !cqlTableName.MatchString(table) {
			return nil, fmt.Errorf("--cassandra-table must be keyspace.table in lower case, got %q", table)
		}
		target.table = table
	}
	switch consistency {
	case "":
		target.consistency = consistencyFor(len(target.hosts))
	case "one":
		target.consistency = gocql.One
	case "quorum":
		target.consistency = gocql.Quorum
	default:
		return nil, fmt.Errorf("--consistency must be one or quorum, got %q", consistency)
	}
	return target, nil
}

// consistencyFor is ONE for one node and QUORUM for more: with three replicas a QUORUM read
// and a QUORUM write always meet on one (2 + 2 > 3), so a load sees every acknowledged write.
func consistencyFor(hosts int) gocql.Consistency {
	if hosts == 1 {
		return gocql.One
	}
	return gocql.Quorum
}
