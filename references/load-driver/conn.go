package main

import (
	"bufio"
	"net"
)

// readBufferSize holds many answers of the lab's services (a few hundred bytes each).
const readBufferSize = 16 << 10

// conn is one keep-alive connection of the pool and its goroutine, which reads every answer
// (parked in the netpoller between them) and writes the next queued request when one waits.
// Fields other than nc are guarded by the pool's mutex.
type conn struct {
	pool      *pool
	nc        net.Conn // nil while dialling
	index     int      // the request it carries, -1 when idle
	writtenNs int64    // when that request was handed to it, for the timeout
	timedOut  bool     // closed by the timeout sweep or the drain's end: its request timed out
}

// dialAndServe connects, writes the request it was opened for, and serves the connection.
func (c *conn) dialAndServe() {
	p := c.pool
	nc, err := p.dialer.DialContext(p.dialCtx, "tcp", p.addr)
	p.mu.Lock()
	if err == nil && p.aborted {
		_ = nc.Close()
	}
	if err != nil || p.aborted {
		if !p.aborted {
			p.out.fate[c.index] = fateConnectionError
		}
		p.finishLocked(c)
		p.dropLocked(c)
		p.mu.Unlock()
		p.workers.Done()
		return
	}
	c.nc = nc
	p.figures.socketsOpened++
	i := c.index
	p.mu.Unlock()
	c.send(i)
	c.serve()
}

// send writes request i, which the pool has assigned to this connection. A failed write closes
// the connection, so its goroutine's read fails and records the error.
func (c *conn) send(i int) {
	p := c.pool
	nowNs := p.sched.nowNs()
	p.out.sendLagNs[i] = nowNs - p.sched.dueNs(i)
	p.noteSend(nowNs)
	if _, err := c.nc.Write(p.wire.bytes(i)); err != nil {
		_ = c.nc.Close()
	}
}

// serve reads answers until the connection ends. It must be the connection's goroutine.
func (c *conn) serve() {
	p := c.pool
	defer p.workers.Done()
	br := bufio.NewReaderSize(c.nc, readBufferSize)
	for {
		res, err := readResponse(br)
		nowNs := p.sched.nowNs()
		if err != nil {
			c.ended()
			return
		}
		next, keepOpen := c.answered(res, nowNs)
		if !keepOpen {
			_ = c.nc.Close()
			return
		}
		if next >= 0 {
			c.send(next)
		}
	}
}

// answered records the answer to the request in flight and returns the queued request to write
// next (-1 for none) and whether the connection stays open.
func (c *conn) answered(res response, nowNs int64) (next int, keepOpen bool) {
	p := c.pool
	p.mu.Lock()
	defer p.mu.Unlock()
	i := c.index
	if i < 0 {
		// An answer to nothing: the connection no longer tells which answer is whose.
		p.dropLocked(c)
		return -1, false
	}
	p.out.answered(i, p.sched.dueNs(i), nowNs, res.status)
	p.figures.lastCompletedNs = max(p.figures.lastCompletedNs, nowNs)
	p.finishLocked(c)
	if !res.keepAlive || p.aborted {
		p.dropLocked(c)
		return -1, false
	}
	if j, ok := p.takeQueuedLocked(c, nowNs); ok {
		return j, true
	}
	p.idle = append(p.idle, c)
	return -1, true
}

// ended handles a connection that failed or was closed: its request in flight, if any, is a
// timeout when the sweep closed it and a connection error otherwise.
func (c *conn) ended() {
	p := c.pool
	p.mu.Lock()
	if i := c.index; i >= 0 {
		if c.timedOut {
			p.out.fate[i] = fateTimeout
		} else {
			p.out.fate[i] = fateConnectionError
		}
		p.finishLocked(c)
	}
	p.dropLocked(c)
	p.mu.Unlock()
	_ = c.nc.Close()
}
