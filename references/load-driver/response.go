package main

import (
	"bufio"
	"bytes"
	"fmt"
)

// response is what the driver keeps of an answer: its status, and whether the connection may
// carry another request after it.
type response struct {
	status    int
	keepAlive bool
}

// readResponse reads one whole response (status line, headers, body) from br. Answers already
// buffered behind it stay in br for the next call. Interim 1xx answers are skipped.
func readResponse(br *bufio.Reader) (response, error) {
	for {
		line, err := readLine(br)
		if err != nil {
			return response{}, err
		}
		// "HTTP/1.1 200 OK": the version, a space, three digits, then a space or the end.
		if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' ||
			(len(line) > 12 && line[12] != ' ') {
			return response{}, fmt.Errorf("bad status line %q", truncate(line, 40))
		}
		status, ok := parseDecimal(line[9:12])
		if !ok || status < 100 {
			return response{}, fmt.Errorf("bad status line %q", truncate(line, 40))
		}
		http10 := line[7] == '0'
		head, err := readHeaders(br)
		if err != nil {
			return response{}, err
		}
		if status < 200 && status != 101 {
			continue // 100 Continue and the like come before the real answer
		}
		// Neither length nor chunking: the body runs to the close, so the connection ends here.
		delimited := head.chunked || head.contentLength >= 0 || status == 204 || status == 304
		keepAlive := delimited && !head.close && (!http10 || head.keepAlive) && status != 101
		if status == 204 || status == 304 {
			head = messageHead{contentLength: 0}
		}
		if err := discardBody(br, head, !delimited); err != nil {
			return response{}, err
		}
		return response{status: int(status), keepAlive: keepAlive}, nil
	}
}

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}
