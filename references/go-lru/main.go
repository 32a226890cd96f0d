// Command go-lru is the Go reference read-state service of readstate-lab: Discord's read
// states service as they ran it in Go, an LRU of heap objects behind one mutex, written back
// to the store on eviction and some time after the last update, with a forced GC on a timer.
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

// shutdownGrace is how long requests in flight, and then the final write-back, may take.
const shutdownGrace = 10 * time.Second

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) > 0 && args[0] == "bench" {
		return runBench(args[1:]) // bench.go: the lab's request log replayed in process
	}
	opts, err := parseFlags(args)
	if errors.Is(err, errHelp) {
		fmt.Println(usage)
		return 0
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "go-lru: %v\n", err)
		return 2
	}
	clk := newClock(opts.timeScale)

	st, err := openConfiguredStore(opts)
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", oneLine(err))
		return 1
	}
	cache := newLRU(opts.capacity)
	if opts.warmFile != "" {
		states, err := readWarmFile(opts.warmFile)
		if err != nil {
			fmt.Fprintf(os.Stderr, "error: --warm-file: %v\n", oneLine(err))
			return 1
		}
		warm(cache, states)
	}
	svc := newService(cache, st, clk, opts.writeBackDelayMs)

	listener, err := net.Listen("tcp", net.JoinHostPort(opts.host, strconv.Itoa(opts.port)))
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", oneLine(err))
		return 1
	}
	gc := newGCWatch(clk)
	go gc.watch()
	if opts.gcIntervalMs > 0 {
		go gc.forceEvery(time.Duration(opts.gcIntervalMs * float64(time.Millisecond)))
	}
	go st.run()
	go svc.writeBackTimer()

	httpServer := &http.Server{
		Handler:           &server{service: svc, gc: gc, clock: clk, latency: newLatencies()},
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       5 * time.Second, // as the Node service's keep-alive timeout
	}
	served := make(chan error, 1)
	go func() { served <- serveHTTP(httpServer, listener) }() // server.go: the HTTP contract's limits

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	fmt.Printf("listening on http://%s\n", listener.Addr())

	select {
	case <-signals:
	case err := <-served:
		fmt.Fprintf(os.Stderr, "error: %v\n", oneLine(err))
		return 1
	}
	return shutdown(httpServer, svc, st)
}

// shutdown stops accepting, lets the requests in flight finish (for at most shutdownGrace),
// hands every dirty state to the store and waits (again at most shutdownGrace) until the
// store has committed them.
func shutdown(httpServer *http.Server, svc *service, st *store) int {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := httpServer.Shutdown(ctx); err != nil {
		httpServer.Close()
	}
	svc.closeAndFlush()
	if n := st.close(time.Now().Add(shutdownGrace)); n > 0 {
		fmt.Fprintf(os.Stderr, "could not write %d read states\n", n)
		return 1
	}
	fmt.Println("stopped")
	return 0
}

// openConfiguredStore opens the store the flags name: Cassandra, or the SQLite file.
func openConfiguredStore(opts options) (*store, error) {
	if opts.cassandra != nil {
		return openCassandraStore(*opts.cassandra)
	}
	return openStore(opts.db)
}

// oneLine keeps an error message to one line, as every message of this service is.
func oneLine(err error) string {
	msg := err.Error()
	for i := 0; i < len(msg); i++ {
		if msg[i] == '\n' || msg[i] == '\r' {
			return msg[:i]
		}
	}
	return msg
}
