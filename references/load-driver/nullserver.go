package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"
)

// The null server's whole answer, the same bytes every time.
var (
	nullAnswer = []byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
	badRequest = []byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
)

// runNullServer is the null-server subcommand: it returns the process's exit code.
func runNullServer(args []string) int {
	listen, err := parseNullServerFlags(args)
	if err != nil {
		return usageError(err)
	}
	listener, err := net.Listen("tcp", listen)
	if err != nil {
		fmt.Fprintf(os.Stderr, "load-driver: null-server: %v\n", oneLine(err))
		return 1
	}
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	go serveNull(listener)
	fmt.Printf("listening on http://%s\n", listener.Addr())
	<-signals
	listener.Close()
	return 0
}

// serveNull accepts connections until the listener closes.
func serveNull(listener net.Listener) {
	for {
		nc, err := listener.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue // a connection that failed before it was accepted
		}
		go serveNullConn(nc)
	}
}

// serveNullConn answers each request on one connection as soon as its body is read; answers to
// pipelined requests go out in one write, when no more requests are buffered.
func serveNullConn(nc net.Conn) {
	defer nc.Close()
	br := bufio.NewReaderSize(nc, readBufferSize)
	bw := bufio.NewWriterSize(nc, readBufferSize)
	for {
		keepAlive, err := readRequest(br)
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) && !isConnReset(err) {
				bw.Write(badRequest)
				bw.Flush()
			}
			return
		}
		bw.Write(nullAnswer)
		if !keepAlive {
			bw.Flush()
			return
		}
		if br.Buffered() == 0 {
			if bw.Flush() != nil {
				return
			}
		}
	}
}

// readRequest reads one request (line, headers, body) and says whether the connection stays open.
func readRequest(br *bufio.Reader) (keepAlive bool, err error) {
	line, err := readLine(br)
	for err == nil && len(line) == 0 {
		line, err = readLine(br) // blank lines before a request line are allowed
	}
	if err != nil {
		return false, err
	}
	// "METHOD TARGET HTTP/1.x"
	first := bytes.IndexByte(line, ' ')
	last := bytes.LastIndexByte(line, ' ')
	if first <= 0 || last <= first+1 || !bytes.HasPrefix(line[last+1:], []byte("HTTP/1.")) || len(line)-last-1 != 8 {
		return false, errMalformed
	}
	http10 := line[len(line)-1] == '0'
	head, err := readHeaders(br)
	if err != nil {
		return false, err
	}
	if err := discardBody(br, head, false); err != nil {
		return false, err
	}
	return !head.close && (!http10 || head.keepAlive), nil
}

func isConnReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}
