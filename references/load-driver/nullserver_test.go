package main

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

func dialNullServer(t *testing.T) net.Conn {
	t.Helper()
	nc, err := net.Dial("tcp", strings.TrimPrefix(startNullServer(t), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(5 * time.Second))
	return nc
}

func TestNullServerAnswersPipelinedRequestsAfterTheirBodies(t *testing.T) {
	nc := dialNullServer(t)
	requests := "GET /read-states/1/2 HTTP/1.1\r\nHost: x\r\n\r\n" +
		"POST /acks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{\"a\":123}" +
		"\r\nPUT /anything?q=1 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" +
		"DELETE / HTTP/1.1\r\n\r\n"
	if _, err := io.WriteString(nc, requests); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(nc)
	for k := 0; k < 4; k++ {
		res, err := readResponse(br)
		if err != nil || res.status != 200 || !res.keepAlive {
			t.Fatalf("answer %d: %+v, %v", k, res, err)
		}
	}
}

func TestNullServerAnswerIsExactlyTheFloor(t *testing.T) {
	nc := dialNullServer(t)
	io.WriteString(nc, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n")
	answer, err := io.ReadAll(nc) // it closes after answering, as asked
	if err != nil {
		t.Fatal(err)
	}
	want := "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
	if string(answer) != want {
		t.Errorf("answer %q, want %q", answer, want)
	}
}

func TestNullServerClosesOnHTTP10AndOnGarbage(t *testing.T) {
	for raw, status := range map[string]int{
		"GET / HTTP/1.0\r\n\r\n": 200,
		"hello\r\n\r\n":          400,
	} {
		nc := dialNullServer(t)
		io.WriteString(nc, raw)
		br := bufio.NewReader(nc)
		res, err := readResponse(br)
		if err != nil || res.status != status {
			t.Errorf("%q: %+v, %v", raw, res, err)
		}
		if _, err := br.ReadByte(); err != io.EOF {
			t.Errorf("%q: the connection stayed open (%v)", raw, err)
		}
	}
}
