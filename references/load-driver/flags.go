package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"strconv"
)

const usage = `usage:
  load-driver drive --url http://127.0.0.1:PORT --requests FILE --rate N --start-unix-ms T
                    --max-connections N --timeout-ms N --drain-timeout-ms N --out RECORDS_FILE
  load-driver null-server --listen 127.0.0.1:0`

// driveOptions are the drive subcommand's settings; every one is required.
type driveOptions struct {
	url            string
	target         target
	requestsFile   string
	rate           float64
	startUnixMs    float64
	maxConnections int
	timeoutMs      float64
	drainTimeoutMs float64
	outFile        string
}

// parseDriveFlags reads the drive command line; its errors are one line, for exit code 2.
func parseDriveFlags(args []string) (driveOptions, error) {
	fs := newFlagSet("drive")
	raw := map[string]*string{}
	for _, name := range []string{"url", "requests", "rate", "start-unix-ms", "max-connections", "timeout-ms", "drain-timeout-ms", "out"} {
		raw[name] = fs.String(name, "", "")
	}
	if err := parseFlagSet(fs, args); err != nil {
		return driveOptions{}, err
	}
	for _, name := range []string{"url", "requests", "rate", "start-unix-ms", "max-connections", "timeout-ms", "drain-timeout-ms", "out"} {
		if *raw[name] == "" {
			return driveOptions{}, fmt.Errorf("--%s is required", name)
		}
	}
	o := driveOptions{url: *raw["url"], requestsFile: *raw["requests"], outFile: *raw["out"]}
	var err error
	if o.target, err = parseTarget(o.url); err != nil {
		return o, err
	}
	if o.rate, err = floatFlag("rate", *raw["rate"], false); err != nil {
		return o, err
	}
	if o.startUnixMs, err = floatFlag("start-unix-ms", *raw["start-unix-ms"], false); err != nil {
		return o, err
	}
	if o.maxConnections, err = intFlag("max-connections", *raw["max-connections"], 1, 65535); err != nil {
		return o, err
	}
	if o.timeoutMs, err = floatFlag("timeout-ms", *raw["timeout-ms"], false); err != nil {
		return o, err
	}
	if o.drainTimeoutMs, err = floatFlag("drain-timeout-ms", *raw["drain-timeout-ms"], true); err != nil {
		return o, err
	}
	return o, nil
}

// parseNullServerFlags reads the null-server command line: a loopback host and a port.
func parseNullServerFlags(args []string) (string, error) {
	fs := newFlagSet("null-server")
	listen := fs.String("listen", "127.0.0.1:0", "")
	if err := parseFlagSet(fs, args); err != nil {
		return "", err
	}
	host, port, err := net.SplitHostPort(*listen)
	if err != nil {
		return "", fmt.Errorf("--listen must be HOST:PORT, got %q", *listen)
	}
	if !isLoopbackHost(host) {
		return "", fmt.Errorf("--listen %s is not a loopback address (127.x, localhost or [::1])", *listen)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return "", fmt.Errorf("--listen's port must be an integer from 0 to 65535, got %q", *listen)
	}
	return *listen, nil
}

var errHelp = errors.New(usage)

func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are printed by the caller, on one line
	return fs
}

func parseFlagSet(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
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
