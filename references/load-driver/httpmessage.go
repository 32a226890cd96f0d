package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// The parts of an HTTP/1.1 message head both sides here need: how its body is framed and whether
// the connection stays open. Everything else in the head is skipped without allocating.

var (
	errHeaderTooLong = errors.New("HTTP header line too long")
	errMalformed     = errors.New("malformed HTTP message")
)

// messageHead is what the headers of one message say about its body and its connection.
type messageHead struct {
	contentLength int64 // -1 when absent
	chunked       bool
	close         bool // Connection: close
	keepAlive     bool // Connection: keep-alive (what an HTTP/1.0 message needs to stay open)
}

// readLine returns the next line without its CRLF; the slice is valid until the next read.
func readLine(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		return nil, errHeaderTooLong
	}
	if err != nil {
		return nil, err
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, nil
}

// readHeaders reads header lines up to the blank line that ends the head.
func readHeaders(br *bufio.Reader) (messageHead, error) {
	head := messageHead{contentLength: -1}
	for {
		line, err := readLine(br)
		if err != nil {
			return head, err
		}
		if len(line) == 0 {
			return head, nil
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			return head, errMalformed
		}
		name, value := line[:colon], bytes.TrimSpace(line[colon+1:])
		switch {
		case asciiEqualFold(name, "content-length"):
			n, ok := parseDecimal(value)
			if !ok || (head.contentLength >= 0 && head.contentLength != n) {
				return head, fmt.Errorf("bad Content-Length %q", value)
			}
			head.contentLength = n
		case asciiEqualFold(name, "transfer-encoding"):
			// Chunked is the only coding either side here meets; it must come last when present.
			head.chunked = hasSuffixFold(value, "chunked")
		case asciiEqualFold(name, "connection"):
			for _, token := range bytes.Split(value, []byte(",")) {
				token = bytes.TrimSpace(token)
				if asciiEqualFold(token, "close") {
					head.close = true
				} else if asciiEqualFold(token, "keep-alive") {
					head.keepAlive = true
				}
			}
		}
	}
}

// discardBody reads past a body framed as the head says; untilClose reads to the end of the
// connection (a response with neither length nor chunking).
func discardBody(br *bufio.Reader, head messageHead, untilClose bool) error {
	switch {
	case head.chunked:
		return discardChunked(br)
	case head.contentLength > 0:
		_, err := br.Discard(int(head.contentLength))
		return err
	case head.contentLength == 0:
		return nil
	case untilClose:
		_, err := io.Copy(io.Discard, br)
		return err
	}
	return nil
}

// discardChunked reads past a chunked body and its trailers.
func discardChunked(br *bufio.Reader) error {
	for {
		line, err := readLine(br)
		if err != nil {
			return err
		}
		if semi := bytes.IndexByte(line, ';'); semi >= 0 {
			line = line[:semi] // chunk extensions
		}
		size, ok := parseHex(bytes.TrimSpace(line))
		if !ok {
			return fmt.Errorf("bad chunk size %q", line)
		}
		if size == 0 {
			_, err := readHeaders(br) // trailers, up to the blank line
			return err
		}
		if _, err := br.Discard(int(size)); err != nil {
			return err
		}
		if crlf, err := readLine(br); err != nil {
			return err
		} else if len(crlf) != 0 {
			return errMalformed
		}
	}
}

// parseDecimal reads a non-negative decimal of at most 18 digits.
func parseDecimal(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// parseHex reads a chunk size: at most 15 hex digits, so it fits an int64.
func parseHex(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 15 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			n = n*16 + int64(c-'0')
		case c >= 'a' && c <= 'f':
			n = n*16 + int64(c-'a'+10)
		case c >= 'A' && c <= 'F':
			n = n*16 + int64(c-'A'+10)
		default:
			return 0, false
		}
	}
	return n, true
}

// asciiEqualFold compares b with a lower-case ASCII word, ignoring b's case, without allocating.
func asciiEqualFold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

func hasSuffixFold(b []byte, lower string) bool {
	return len(b) >= len(lower) && asciiEqualFold(b[len(b)-len(lower):], lower)
}
