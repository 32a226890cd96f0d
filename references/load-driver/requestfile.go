package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
)

// requestFileMagic opens every request file the Node side writes.
const requestFileMagic = "RSLREQ1\n"

const (
	methodGET  = 0
	methodPOST = 1
)

// fileRequest is one request of a request file, its slices pointing into the file's bytes.
type fileRequest struct {
	method uint8
	kind   uint8 // the request type 0..3; the driver does not need it
	path   []byte
	body   []byte
}

// readRequestFile reads and checks a whole request file; its error names the file, on one line.
func readRequestFile(name string) ([]fileRequest, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("--requests %s: %v", name, oneLine(err))
	}
	requests, err := parseRequests(data)
	if err != nil {
		return nil, fmt.Errorf("--requests %s: %v", name, err)
	}
	return requests, nil
}

// parseRequests decodes the little-endian request format: magic, uint32 count, then per request
// uint8 method, uint8 type, uint16 pathLength, uint32 bodyLength, path bytes, body bytes.
func parseRequests(data []byte) ([]fileRequest, error) {
	if len(data) < len(requestFileMagic)+4 || string(data[:len(requestFileMagic)]) != requestFileMagic {
		return nil, errors.New("not a request file (no RSLREQ1 header)")
	}
	count := binary.LittleEndian.Uint32(data[len(requestFileMagic):])
	at := len(requestFileMagic) + 4
	// Every request takes at least its 8-byte header, so a count the file cannot hold is refused
	// before allocating for it.
	if uint64(count) > uint64(len(data)-at)/8 {
		return nil, fmt.Errorf("truncated: it says %d requests but has %d bytes after its header", count, len(data)-at)
	}
	requests := make([]fileRequest, count)
	for i := range requests {
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
		path := data[at : at+pathLength]
		at += pathLength
		body := data[at : at+int(bodyLength)]
		at += int(bodyLength)
		if err := checkRequest(method, path, body); err != nil {
			return nil, fmt.Errorf("request %d: %v", i, err)
		}
		requests[i] = fileRequest{method: method, kind: kind, path: path, body: body}
	}
	if at != len(data) {
		return nil, fmt.Errorf("%d bytes after its %d requests", len(data)-at, count)
	}
	return requests, nil
}

// checkRequest refuses what could not be written as one valid HTTP/1.1 request line and body.
func checkRequest(method uint8, path, body []byte) error {
	if method != methodGET && method != methodPOST {
		return fmt.Errorf("method %d is neither 0 (GET) nor 1 (POST)", method)
	}
	if method == methodGET && len(body) > 0 {
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
