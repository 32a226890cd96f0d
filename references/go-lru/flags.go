package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
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
}

const usage = `usage: go-lru --capacity N --db FILE [--host 127.0.0.1] [--port 0] [--time-scale 1]
              [--write-back-delay-ms 30000] [--gc-interval-ms 0] [--warm-file FILE]`

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
	if o.db == "" {
		return o, errors.New("--db FILE is required")
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
