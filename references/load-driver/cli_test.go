package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as the load-driver command when this variable is set, so the command
// line's exit codes, output and signals are tested on a real process without building one.
const asCommand = "LOAD_DRIVER_TEST_AS_COMMAND"

func TestMain(m *testing.M) {
	if os.Getenv(asCommand) == "1" {
		os.Exit(run(os.Args[1:]))
	}
	os.Exit(m.Run())
}

func command(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), asCommand+"=1")
	return cmd
}

// runCommand runs the command to its end: exit code, stdout, stderr.
func runCommand(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := command(args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if _, isExit := err.(*exec.ExitError); err != nil && !isExit {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()
}

func writeRequestFile(t *testing.T, requests []fileRequest) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), "requests.bin")
	if err := os.WriteFile(name, requestFileBytes(requests), 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

func driveArgs(url, requests, out string, rate string) []string {
	return []string{"drive", "--url", url, "--requests", requests, "--rate", rate,
		"--start-unix-ms", fmt.Sprint(time.Now().Add(200 * time.Millisecond).UnixMilli()),
		"--max-connections", "32", "--timeout-ms", "2000", "--drain-timeout-ms", "2000", "--out", out}
}

// replaceFlag gives args with one flag's value changed, or the flag left out when value is "".
func replaceFlag(args []string, flag, value string) []string {
	out := []string{}
	for i := 0; i < len(args); i++ {
		if args[i] == flag {
			if value != "" {
				out = append(out, flag, value)
			}
			i++
			continue
		}
		out = append(out, args[i])
	}
	return out
}

func TestBadCommandLinesExit2WithOneLine(t *testing.T) {
	requests := writeRequestFile(t, mixedRequests(3))
	out := filepath.Join(t.TempDir(), "records.bin")
	good := driveArgs("http://127.0.0.1:9", requests, out, "100")
	malformed := filepath.Join(t.TempDir(), "malformed.bin")
	os.WriteFile(malformed, []byte("RSLREQ1\n\x05\x00\x00\x00"), 0o644)
	cases := map[string]struct {
		args []string
		says string
	}{
		"no subcommand":      {nil, "subcommand"},
		"unknown subcommand": {[]string{"run"}, "unknown subcommand"},
		"unknown flag":       {append([]string{"drive", "--bogus", "1"}, good[1:]...), "bogus"},
		"missing url":        {replaceFlag(good, "--url", ""), "--url is required"},
		"remote url":         {replaceFlag(good, "--url", "http://10.0.0.1:80"), "loopback"},
		"remote name":        {replaceFlag(good, "--url", "http://example.com:80"), "loopback"},
		"https url":          {replaceFlag(good, "--url", "https://127.0.0.1:1"), "--url"},
		"zero rate":          {replaceFlag(good, "--rate", "0"), "--rate"},
		"rate not a number":  {replaceFlag(good, "--rate", "fast"), "--rate"},
		"infinite rate":      {replaceFlag(good, "--rate", "Inf"), "--rate"},
		"negative start":     {replaceFlag(good, "--start-unix-ms", "-5"), "--start-unix-ms"},
		"zero connections":   {replaceFlag(good, "--max-connections", "0"), "--max-connections"},
		"fractional conns":   {replaceFlag(good, "--max-connections", "1.5"), "--max-connections"},
		"zero timeout":       {replaceFlag(good, "--timeout-ms", "0"), "--timeout-ms"},
		"negative drain":     {replaceFlag(good, "--drain-timeout-ms", "-1"), "--drain-timeout-ms"},
		"missing file":       {replaceFlag(good, "--requests", requests+".missing"), requests + ".missing"},
		"malformed file":     {replaceFlag(good, "--requests", malformed), malformed},
		"unwritable out":     {replaceFlag(good, "--out", filepath.Join(out, "no", "such", "dir")), "--out"},
		"stray argument":     {append(good, "extra"), "extra"},
		"remote listen":      {[]string{"null-server", "--listen", "0.0.0.0:0"}, "loopback"},
		"listen no port":     {[]string{"null-server", "--listen", "127.0.0.1"}, "--listen"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := runCommand(t, c.args...)
			if code != 2 || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, c.says) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and one line saying %q", code, stdout, stderr, c.says)
			}
		})
	}
}

func TestNothingListeningExits3(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + listener.Addr().String()
	listener.Close() // a port nothing listens on
	requests := writeRequestFile(t, mixedRequests(3))
	code, stdout, stderr := runCommand(t, driveArgs(url, requests, filepath.Join(t.TempDir(), "r.bin"), "100")...)
	if code != 3 || stdout != "" || stderr != "connection refused: "+url+"\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// startNullServerCommand runs `load-driver null-server` until the test ends, and gives its URL.
func startNullServerCommand(t *testing.T) (string, *exec.Cmd) {
	t.Helper()
	cmd := command("null-server", "--listen", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "listening on http://127.0.0.1:") {
		t.Fatalf("null-server said %q, %v", line, err)
	}
	return strings.TrimSpace(strings.TrimPrefix(line, "listening on ")), cmd
}

func TestDriveWritesRecordsAndOneJSONLine(t *testing.T) {
	url, _ := startNullServerCommand(t)
	requests := writeRequestFile(t, mixedRequests(200))
	out := filepath.Join(t.TempDir(), "records.bin")
	code, stdout, stderr := runCommand(t, driveArgs(url, requests, out, "1000")...)
	if code != 0 || stderr != "" || strings.Count(stdout, "\n") != 1 {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	var sum summary
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil || sum.Sent != 200 || sum.Completed != 200 {
		t.Fatalf("summary %q: %+v %v", stdout, sum, err)
	}
	for _, field := range []string{`"sent"`, `"completed"`, `"errors"`, `"timeouts"`, `"non2xx"`, `"elapsedMs"`, `"peakConnections"`,
		`"socketsOpened"`, `"waited"`, `"totalWaitMs"`, `"longestWaitMs"`, `"sendLagNs":{"p50"`, `"p99"`, `"p999"`, `"max"`, `"mean"`, `"lastSendMs"`} {
		if !strings.Contains(stdout, field) {
			t.Errorf("the line has no %s: %s", field, stdout)
		}
	}
	records, err := os.ReadFile(out)
	if err != nil || len(records) != 200*recordSize {
		t.Fatalf("records file: %d bytes, %v", len(records), err)
	}
	for i := 0; i < 200; i++ {
		if fate := records[recordSize*i+14]; fate != fateAnswered {
			t.Fatalf("record %d has fate %d", i, fate)
		}
	}
}

func TestSigtermStopsDrivingAndStillReports(t *testing.T) {
	url, _ := startNullServerCommand(t)
	requests := writeRequestFile(t, mixedRequests(20_000))
	out := filepath.Join(t.TempDir(), "records.bin")
	var stdout, stderr bytes.Buffer
	cmd := command(driveArgs(url, requests, out, "1000")...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(700 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v, stderr %q", err, stderr.String())
	}
	var sum summary
	if err := json.Unmarshal(stdout.Bytes(), &sum); err != nil || sum.Completed == 0 || sum.Sent >= 10_000 {
		t.Fatalf("summary %q: %+v %v", stdout.String(), sum, err)
	}
	records, _ := os.ReadFile(out)
	if len(records) != 20_000*recordSize || records[len(records)-2] != fateNotSent {
		t.Errorf("records file of %d bytes, the last fate %d", len(records), records[len(records)-2])
	}
}

func TestNullServerExits0OnSigterm(t *testing.T) {
	_, cmd := startNullServerCommand(t)
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("null-server ended with %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Error("null-server still running 3 s after SIGTERM")
	}
}
