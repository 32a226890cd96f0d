package main

import (
	"bufio"
	"strings"
	"testing"
)

func reader(s string) *bufio.Reader { return bufio.NewReaderSize(strings.NewReader(s), 64) }

func TestResponseWithContentLength(t *testing.T) {
	br := reader("HTTP/1.1 201 Created\r\ncontent-type: application/json\r\nCONTENT-LENGTH: 11\r\n\r\n{\"ok\":true}")
	res, err := readResponse(br)
	if err != nil || res.status != 201 || !res.keepAlive {
		t.Fatalf("got %+v, %v", res, err)
	}
	if br.Buffered() != 0 {
		t.Errorf("%d bytes of body left", br.Buffered())
	}
}

func TestPipelinedAnswersInOneReadAreReadOneByOne(t *testing.T) {
	one := "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"
	chunked := "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nabcd\r\n3\r\nefg\r\n0\r\nTrailer: x\r\n\r\n"
	br := bufio.NewReaderSize(strings.NewReader(one+chunked+one), 4096)
	for k, want := range []int{200, 404, 200} {
		res, err := readResponse(br)
		if err != nil || res.status != want {
			t.Fatalf("answer %d: got %+v, %v, want status %d", k, res, err, want)
		}
		if k == 0 && br.Buffered() == 0 {
			t.Fatal("the answers did not arrive in one read")
		}
	}
	if _, err := readResponse(br); err == nil {
		t.Error("read a fourth answer out of three")
	}
}

func TestChunkedBodiesLongerThanTheBuffer(t *testing.T) {
	body := strings.Repeat("x", 300)
	br := reader("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n12c\r\n" + body + "\r\n0\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n")
	for _, want := range []int{200, 204} {
		if res, err := readResponse(br); err != nil || res.status != want {
			t.Fatalf("got %+v, %v, want %d", res, err, want)
		}
	}
}

func TestInterimAnswersAreSkipped(t *testing.T) {
	res, err := readResponse(reader("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
	if err != nil || res.status != 200 {
		t.Fatalf("got %+v, %v", res, err)
	}
}

func TestWhenTheConnectionEndsAfterAnAnswer(t *testing.T) {
	cases := map[string]bool{
		"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n":                                  true,
		"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n":             false,
		"HTTP/1.1 200 OK\r\nConnection: Keep-Alive, Close\r\nContent-Length: 0\r\n\r\n": false,
		"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n":                                  false,
		"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n":        true,
		"HTTP/1.1 200 OK\r\n\r\nbody to the close":                                      false,
	}
	for raw, want := range cases {
		res, err := readResponse(reader(raw))
		if err != nil || res.status != 200 || res.keepAlive != want {
			t.Errorf("%q: got %+v, %v, want keepAlive %v", raw, res, err, want)
		}
	}
}

func TestMalformedAnswersAreErrors(t *testing.T) {
	for _, raw := range []string{
		"",
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{}",
		"HTTP/1.1 2x0 OK\r\n\r\n",
		"SPDY/3 200 OK\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n{}",
		"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		"HTTP/1.1 200 OK\r\nX-Long: " + strings.Repeat("a", 100) + "\r\n\r\n",
	} {
		if res, err := readResponse(reader(raw)); err == nil {
			t.Errorf("%q: read %+v", raw, res)
		}
	}
}
