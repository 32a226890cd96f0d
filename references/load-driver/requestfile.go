package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
)

// requestFileMagic opens every request file the Node side writes.
const requestFileMagic = "RSLREQ1\n"

const (
	methodGET  = 0
	methodPOST = 1
)

// requestFile is a parsed request file: its bytes, and where each request lies in them (no
// pointer per request, so a log of millions costs the garbage collector nothing to scan).
type requestFile struct {
	data  []byte
	spans []requestSpan
}

// requestSpan is one request: its method, its type, its path at data[pathStart:bodyStart] and its
// body at data[bodyStart:bodyEnd].
type requestSpan struct {
	method, kind                  uint8
	pathStart, bodyStart, bodyEnd uint32
}

// fileRequest is one request with its path and body as slices, for building and reading files.
type fileRequest struct {
	method uint8
	kind   uint8 // the request type 0..3; the driver does not need it
	path   []byte
	body   []byte
}

func (f *requestFile) count() int { return len(f.spans) }

func (f *requestFile) request(i int) fileRequest {
	s := f.spans[i]
	return fileRequest{method: s.method, kind: s.kind, path: f.data[s.pathStart:s.bodyStart], body: f.data[s.bodyStart:s.bodyEnd]}
}

// readRequestFile reads and checks a whole request file; its error names the file, on one line.
func readRequestFile(name string) (*requestFile, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("--requests %s: %v", name, oneLine(err))
	}
	file, err := parseRequests(data)
	if err != nil {
		return nil, fmt.Errorf("--requests %s: %v", name, err)
	}
	return file, nil
}

// parseRequests decodes the little-endian request format: magic, uint32 count, then per request
// uint8 method, uint8 type, uint16 pathLength, uint32 bodyLength, path bytes, body bytes.
func parseRequests(data []byte) (*requestFile, error) {
	if len(data) < len(requestFileMagic)+4 || string(data[:len(requestFileMagic)]) != requestFileMagic {
		return nil, errors.New("not a request file (no RSLREQ1 header)")
	}
	if uint64(len(data)) > math.MaxUint32 {
		return nil, errors.New("larger than 4 GiB")
	}
	count := binary.LittleEndian.Uint32(data[len(requestFileMagic):])
	at := len(requestFileMagic) + 4
	// Every request takes at least its 8-byte header, so a count the file cannot hold is refused
	// before allocating for it.
	if uint64(count) > uint64(len(data)-at)/8 {
		return nil, fmt.Errorf("truncated: it says %d requests but has %d bytes after its header", count, len(data)-at)
	}
	spans := make([]requestSpan, count)
	for i := range spans {
		if len(data)-at < 8 {
			return nil, fmt.Errorf("truncated in request %d of %d", i, count)
		}
		method, kind := data[at], data[at+1]
		pathLength := int(binary.LittleEndian.Uint16(data[at+2:]))
		bodyLength := uint64(binary.LittleEndian.Uint32(data[at+4:]))
		at += 8
		if uint64(len(data)-at) < uint64(pathLength)+bodyLength {
			return nil, fmt.Errorf("truncated in request %d of %d", i, count)
		}
		pathStart, bodyStart := at, at+pathLength
		at = bodyStart + int(bodyLength)
		if err := checkRequest(method, data[pathStart:bodyStart], int(bodyLength)); err != nil {
			return nil, fmt.Errorf("request %d: %v", i, err)
		}
		spans[i] = requestSpan{method: method, kind: kind, pathStart: uint32(pathStart), bodyStart: uint32(bodyStart), bodyEnd: uint32(at)}
	}
	if at != len(data) {
		return nil, fmt.Errorf("%d bytes after its %d requests", len(data)-at, count)
	}
	return &requestFile{data: data, spans: spans}, nil
}

// checkRequest refuses what could not be written as one valid HTTP/1.1 request line and body.
func checkRequest(method uint8, path []byte, bodyLength int) error {
	if method != methodGET && method != methodPOST {
		return fmt.Errorf("method %d is neither 0 (GET) nor 1 (POST)", method)
	}
	if method == methodGET && bodyLength > 0 {
		return errors.New("a GET with a body")
	}
	if len(path) == 0 || path[0] != '/' {
		return errors.New("a path that does not start with /")
	}
	for _, b := range path {
		if b <= ' ' || b == 0x7f {
			return errors.New("a space or control character in its path")
		}
	}
	return nil
}
