package main

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// requestFileBytes writes requests in the Node side's request-file format.
func requestFileBytes(requests []fileRequest) []byte {
	b := []byte(requestFileMagic)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(requests)))
	for _, r := range requests {
		b = append(b, r.method, r.kind)
		b = binary.LittleEndian.AppendUint16(b, uint16(len(r.path)))
		b = binary.LittleEndian.AppendUint32(b, uint32(len(r.body)))
		b = append(b, r.path...)
		b = append(b, r.body...)
	}
	return b
}

var sampleRequests = []fileRequest{
	{method: methodGET, kind: 0, path: []byte("/read-states/1/2")},
	{method: methodPOST, kind: 1, path: []byte("/acks"), body: []byte(`{"userId":1,"channelId":2,"messageId":3}`)},
	{method: methodPOST, kind: 3, path: []byte("/mentions"), body: []byte(`{}`)},
}

// fileOf is requests as the driver reads them from a request file.
func fileOf(t *testing.T, requests []fileRequest) *requestFile {
	t.Helper()
	file, err := parseRequests(requestFileBytes(requests))
	if err != nil {
		t.Fatal(err)
	}
	return file
}

func TestRequestFileReadsEveryRequest(t *testing.T) {
	got := fileOf(t, sampleRequests)
	if got.count() != len(sampleRequests) {
		t.Fatalf("got %d requests, want %d", got.count(), len(sampleRequests))
	}
	for i, want := range sampleRequests {
		g := got.request(i)
		if g.method != want.method || g.kind != want.kind || string(g.path) != string(want.path) || string(g.body) != string(want.body) {
			t.Errorf("request %d: got %+v, want %+v", i, g, want)
		}
	}
}

func TestRequestFileMayBeEmpty(t *testing.T) {
	if got := fileOf(t, nil); got.count() != 0 {
		t.Fatalf("got %d requests", got.count())
	}
}

func TestMalformedRequestFilesAreRefused(t *testing.T) {
	good := requestFileBytes(sampleRequests)
	withCount := func(n uint32) []byte {
		b := append([]byte(nil), good...)
		binary.LittleEndian.PutUint32(b[8:], n)
		return b
	}
	cases := map[string]struct {
		data []byte
		says string
	}{
		"empty":              {nil, "RSLREQ1"},
		"bad magic":          {append([]byte("RSLREQ2\n"), good[8:]...), "RSLREQ1"},
		"no count":           {good[:10], "RSLREQ1"},
		"truncated body":     {good[:len(good)-1], "truncated"},
		"truncated header":   {good[:12+4], "truncated"},
		"count too large":    {withCount(1 << 30), "truncated"},
		"one more than held": {withCount(4), "truncated"},
		"trailing bytes":     {append(append([]byte(nil), good...), 0), "after its 3 requests"},
		"bad method":         {requestFileBytes([]fileRequest{{method: 2, path: []byte("/x")}}), "method 2"},
		"GET with a body":    {requestFileBytes([]fileRequest{{method: methodGET, path: []byte("/x"), body: []byte("{}")}}), "GET with a body"},
		"relative path":      {requestFileBytes([]fileRequest{{method: methodGET, path: []byte("x")}}), "start with /"},
		"space in path":      {requestFileBytes([]fileRequest{{method: methodGET, path: []byte("/a b")}}), "space"},
		"CRLF in path":       {requestFileBytes([]fileRequest{{method: methodGET, path: []byte("/a\r\nX: y")}}), "control"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := parseRequests(c.data)
			if err == nil || !strings.Contains(err.Error(), c.says) {
				t.Fatalf("got %v, want an error saying %q", err, c.says)
			}
		})
	}
}

func TestRequestFileErrorNamesTheFileOnOneLine(t *testing.T) {
	name := filepath.Join(t.TempDir(), "requests.bin")
	if err := os.WriteFile(name, []byte("not a request file"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{name, name + ".missing"} {
		_, err := readRequestFile(file)
		if err == nil || !strings.Contains(err.Error(), file) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: got %v, want one line naming the file", file, err)
		}
	}
}

func TestRequestsAreSerialisedAsHTTP11(t *testing.T) {
	wire := serialiseRequests(fileOf(t, sampleRequests), "127.0.0.1:8080", "/base")
	if wire.count() != 3 || len(wire.arena) != cap(wire.arena) {
		t.Fatalf("count %d, %d bytes in an arena of %d", wire.count(), len(wire.arena), cap(wire.arena))
	}
	want := []string{
		"GET /base/read-states/1/2 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n",
		"POST /base/acks HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n" +
			`{"userId":1,"channelId":2,"messageId":3}`,
		"POST /base/mentions HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
	}
	for i, w := range want {
		if got := string(wire.bytes(i)); got != w {
			t.Errorf("request %d:\ngot  %q\nwant %q", i, got, w)
		}
	}
}
