// Command load-driver is readstate-lab's compiled open-loop HTTP load driver. `drive` sends a
// request file to a loopback service at a fixed rate on a schedule fixed in advance, and times
// every answer from its due time (so a stalled service cannot slow the driver into hiding its
// stall), as wrk2 and vegeta do. `null-server` answers everything at once: the floor of what
// the driver can measure.
package main

import (
	"errors"
	"fmt"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "load-driver: a subcommand is required: drive or null-server (--help shows both)")
		return 2
	}
	switch args[0] {
	case "drive":
		return runDrive(args[1:])
	case "null-server":
		return runNullServer(args[1:])
	case "-h", "-help", "--help", "help":
		fmt.Println(usage)
		return 0
	}
	fmt.Fprintf(os.Stderr, "load-driver: unknown subcommand %q: drive or null-server (--help shows both)\n", args[0])
	return 2
}

// usageError prints a bad command line's one line (or the usage, when asked for) and gives the
// exit code.
func usageError(err error) int {
	if errors.Is(err, errHelp) {
		fmt.Println(usage)
		return 0
	}
	fmt.Fprintf(os.Stderr, "load-driver: %v\n", oneLine(err))
	return 2
}

// oneLine keeps an error message to one line, as every message of this program is.
func oneLine(err error) string {
	msg := err.Error()
	for i := 0; i < len(msg); i++ {
		if msg[i] == '\n' || msg[i] == '\r' {
			return msg[:i]
		}
	}
	return msg
}
