package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// options are the command line's settings.
type options struct {
	host             string
	port             int
	capacity         int
	db               string
	timeScale        float64
	writeBackDelayMs float64
	gcIntervalMs     float64
	warmFile         string
	// cassandra is where --store cassandra:HOSTS keeps read states; nil: the SQLite file --db.
	cassandra *cassandraTarget
}

const usage = `usage: go-lru --capacity N (--db FILE | --store cassandra:HOST[,HOST...]) [--host 127.0.0.1]
              [--port 0] [--time-scale 1] [--write-back-delay-ms 30000] [--gc-interval-ms 0]
              [--warm-file FILE] [--cassandra-table readstate_lab.read_states] [--consistency one|quorum]`

var errHelp = errors.New(usage)

// parseFlags reads the command line; its errors are one line, for exit code 2.
func parseFlags(args []string) (options, error) {
	fs := flag.NewFlagSet("go-lru", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are printed by the caller, on one line
	host := fs.String("host", "127.0.0.1", "address to bind")
	port := fs.String("port", "0", "port; 0 picks a free one")
	capacity := fs.String("capacity", "", "most read states cached")
	db := fs.String("db", "", "the SQLite file")
	timeScale := fs.String("time-scale", "1", "scenario ms per wall ms")
	writeBackDelay := fs.String("write-back-delay-ms", "30000", "scenario ms before a dirty state is written back")
	gcInterval := fs.String("gc-interval-ms", "0", "wall ms between forced GCs; 0 = none")
	warmFile := fs.String("warm-file", "", "states to fill the cache with")
	storeKind := fs.String("store", "sqlite", "sqlite (the file --db) or cassandra:HOST[,HOST...]")
	cassandraTable := fs.String("cassandra-table", "", "keyspace.table of the Cassandra store")
	consistency := fs.String("consistency", "", "one or quorum; default one for one host, quorum for more")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return options{}, errHelp
		}
		return options{}, err
	}
	if fs.NArg() > 0 {
		return options{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	o := options{host: *host, db: *db, warmFile: *warmFile}
	var err error
	if o.host == "" {
		return o, errors.New("--host must not be empty")
	}
	dbGiven := false
	fs.Visit(func(f *flag.Flag) { dbGiven = dbGiven || f.Name == "db" })
	if o.cassandra, err = parseStoreFlags(*storeKind, *cassandraTable, *consistency, dbGiven); err != nil {
		return o, err
	}
	if o.cassandra == nil && !dbGiven {
		return o, errors.New("--db FILE is required")
	}
	if o.cassandra == nil {
		if err := checkDBPath(o.db); err != nil {
			return o, err
		}
	}
	if o.port, err = intFlag("port", *port, 0, 65535); err != nil {
		return o, err
	}
	if *capacity == "" {
		return o, errors.New("--capacity N is required")
	}
	if o.capacity, err = intFlag("capacity", *capacity, 1, math.MaxInt32); err != nil {
		return o, err
	}
	if o.timeScale, err = floatFlag("time-scale", *timeScale, false); err != nil {
		return o, err
	}
	if o.writeBackDelayMs, err = floatFlag("write-back-delay-ms", *writeBackDelay, true); err != nil {
		return o, err
	}
	if o.gcIntervalMs, err = floatFlag("gc-interval-ms", *gcInterval, true); err != nil {
		return o, err
	}
	return o, nil
}

func intFlag(name, raw string, min, max int) (int, error) {
	v, err := strconv.Atoi(raw)
	if err != nil || v < min || v > max {
		return 0, fmt.Errorf("--%s must be an integer from %d to %d, got %q", name, min, max, raw)
	}
	return v, nil
}

// floatFlag accepts a finite number above zero, or from zero with zeroOK.
func floatFlag(name, raw string, zeroOK bool) (float64, error) {
	v, err := strconv.ParseFloat(raw, 64)
	ok := err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) && (v > 0 || (zeroOK && v == 0))
	if !ok {
		bound := "above 0"
		if zeroOK {
			bound = "0 or more"
		}
		return 0, fmt.Errorf("--%s must be a number %s, got %q", name, bound, raw)
	}
	return v, nil
}

// checkDBPath refuses, before anything starts, a --db that cannot be the service's SQLite file,
// in the words readstate-lab serve uses (harness/cli/output-paths.ts): an empty path (SQLite
// would open a private temporary database, lost at exit with everything acknowledged), a
// folder, a file in a folder that does not exist, a place nothing can be created in. It tries
// what SQLite will do, opening the file and creating one beside it (WAL mode creates PATH-wal
// and PATH-shm), because access(2) says yes to root everywhere, read-only mounts aside.
func checkDBPath(path string) error {
	if path == "" {
		return errors.New("--db must name a file, got an empty string")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("--db %s: %v", path, err)
	}
	info, err := os.Stat(abs)
	exists := err == nil
	switch {
	case exists && info.IsDir():
		return fmt.Errorf("--db %s is a folder; give the path of a file", path)
	case err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR):
		return fmt.Errorf("cannot use %s: %s", abs, pathErrorReason(err))
	}
	folder := filepath.Dir(abs)
	if folderInfo, err := os.Stat(folder); err != nil {
		return fmt.Errorf("cannot write %s: its folder %s does not exist (create it first)", abs, folder)
	} else if !folderInfo.IsDir() {
		return fmt.Errorf("cannot write %s: %s is a file, not a folder", abs, folder)
	}
	probe, err := os.CreateTemp(folder, ".go-lru-probe-")
	if err != nil {
		return fmt.Errorf("cannot write to %s: %s", abs, pathErrorReason(err))
	}
	probe.Close()
	os.Remove(probe.Name())
	if exists {
		file, err := os.OpenFile(abs, os.O_RDWR, 0)
		if err != nil {
			return fmt.Errorf("cannot write to %s: %s", abs, pathErrorReason(err))
		}
		file.Close()
	}
	return nil
}

// pathErrorReason says why a file operation failed in words ("read-only file system"), without the
// operation and path that *PathError repeats.
func pathErrorReason(err error) string {
	var errno syscall.Errno
	switch {
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		return "permission denied"
	case errors.Is(err, syscall.EROFS):
		return "read-only file system"
	case errors.Is(err, syscall.ENOSPC):
		return "no space left on the device"
	case errors.Is(err, syscall.ENOENT):
		return "nothing can be created there"
	case errors.As(err, &errno):
		return errno.Error()
	}
	return err.Error()
}
