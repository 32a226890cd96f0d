package main

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// pool hands due requests to keep-alive connections: the idle connection used last, else a new
// one while fewer than maxConns are open, else a FIFO queue whose requests the next connection to
// come free takes. One request per connection at a time, no pipelining. A request belongs to
// the connection carrying it until its answer, its timeout or the connection's end; the
// goroutine holding it is the only one that writes its outcome.
type pool struct {
	sched     schedule
	wire      *wireRequests
	out       *outcomes
	addr      string // resolved host:port, dialled for every new connection
	maxConns  int
	timeoutNs int64
	dialer    net.Dialer
	dialCtx   context.Context // cancelled when the run is aborted, ending dials under way
	workers   sync.WaitGroup  // every connection's goroutine

	lastSendNs atomic.Int64

	mu        sync.Mutex
	conns     map[*conn]struct{} // open or being dialled
	idle      []*conn            // most recently used last: keeps the busy set on warm sockets
	busy      int                // connections carrying (or dialling for) a request
	queue     []queued           // [queueHead:] wait for a connection, oldest first
	queueHead int
	aborted   bool // the drain ran out or the run was stopped: nothing more is sent
	figures   poolFigures
	settled   chan struct{} // gets a token when nothing is in flight or queued
}

type queued struct {
	index   int
	sinceNs int64
}

func newPool(sched schedule, wire *wireRequests, out *outcomes, addr string, maxConns int, timeoutNs int64, dialCtx context.Context) *pool {
	return &pool{
		sched: sched, wire: wire, out: out, addr: addr, maxConns: maxConns, timeoutNs: timeoutNs,
		// A connection that takes longer than an answer may is as good as refused.
		dialer:  net.Dialer{Timeout: time.Duration(timeoutNs)},
		dialCtx: dialCtx,
		conns:   make(map[*conn]struct{}, maxConns),
		settled: make(chan struct{}, 1),
	}
}

// dispatch hands request i, due now, to a connection or the queue.
func (p *pool) dispatch(i int) {
	nowNs := p.sched.nowNs()
	p.mu.Lock()
	if p.queueHead == len(p.queue) {
		if n := len(p.idle); n > 0 {
			c := p.idle[n-1]
			p.idle = p.idle[:n-1]
			p.assignLocked(c, i, nowNs)
			p.mu.Unlock()
			c.send(i)
			return
		}
		if len(p.conns) < p.maxConns {
			p.openLocked(i, nowNs)
			p.mu.Unlock()
			return
		}
	}
	p.queue = append(p.queue, queued{index: i, sinceNs: nowNs})
	p.mu.Unlock()
}

// assignLocked gives connection c request i to write.
func (p *pool) assignLocked(c *conn, i int, nowNs int64) {
	c.index = i
	c.writtenNs = nowNs
	c.timedOut = false
	p.busy++
	p.figures.peakConnections = max(p.figures.peakConnections, p.busy)
}

// openLocked starts a new connection that dials and then writes request i.
func (p *pool) openLocked(i int, nowNs int64) {
	c := &conn{pool: p, index: -1}
	p.conns[c] = struct{}{}
	p.assignLocked(c, i, nowNs)
	p.workers.Add(1)
	go c.dialAndServe()
}

// adopt makes an already open connection (the one that proved the server listens) the first
// idle one.
func (p *pool) adopt(nc net.Conn) {
	c := &conn{pool: p, index: -1, nc: nc}
	p.mu.Lock()
	p.conns[c] = struct{}{}
	p.idle = append(p.idle, c)
	p.figures.socketsOpened++
	p.workers.Add(1)
	p.mu.Unlock()
	go c.serve()
}

// takeQueuedLocked gives a free connection the oldest waiting request, counting its wait, or
// reports that none waits.
func (p *pool) takeQueuedLocked(c *conn, nowNs int64) (int, bool) {
	if p.queueHead == len(p.queue) || p.aborted {
		return 0, false
	}
	q := p.queue[p.queueHead]
	p.queueHead++
	if p.queueHead == len(p.queue) {
		p.queue, p.queueHead = p.queue[:0], 0
	}
	wait := nowNs - q.sinceNs
	p.figures.waited++
	p.figures.totalWaitNs += wait
	p.figures.longestWaitNs = max(p.figures.longestWaitNs, wait)
	p.assignLocked(c, q.index, nowNs)
	return q.index, true
}

// finishLocked ends connection c's request (answered or not) and says whether the pool is settled.
func (p *pool) finishLocked(c *conn) {
	c.index = -1
	p.busy--
	p.notifyIfSettledLocked()
}

// dropLocked forgets a connection that ended, and opens connections for waiting requests in
// the room it left.
func (p *pool) dropLocked(c *conn) {
	delete(p.conns, c)
	for k, idle := range p.idle {
		if idle == c {
			p.idle = append(p.idle[:k], p.idle[k+1:]...)
			break
		}
	}
	for !p.aborted && p.queueHead < len(p.queue) && len(p.conns) < p.maxConns {
		q := p.queue[p.queueHead]
		p.queueHead++
		nowNs := p.sched.nowNs()
		wait := nowNs - q.sinceNs
		p.figures.waited++
		p.figures.totalWaitNs += wait
		p.figures.longestWaitNs = max(p.figures.longestWaitNs, wait)
		p.openLocked(q.index, nowNs)
	}
	if p.queueHead == len(p.queue) {
		p.queue, p.queueHead = p.queue[:0], 0
	}
}

func (p *pool) notifyIfSettledLocked() {
	if p.busy == 0 && p.queueHead == len(p.queue) {
		select {
		case p.settled <- struct{}{}:
		default:
		}
	}
}

// isSettled: nothing in flight, being dialled or queued.
func (p *pool) isSettled() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.busy == 0 && p.queueHead == len(p.queue)
}

// sweepTimeouts closes every connection whose request has waited timeoutNs for its answer; its
// goroutine then records the timeout.
func (p *pool) sweepTimeouts() {
	nowNs := p.sched.nowNs()
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		if c.index >= 0 && c.nc != nil && nowNs-c.writtenNs > p.timeoutNs {
			c.timedOut = true
			_ = c.nc.Close()
		}
	}
}

// abort ends the run: requests still queued stay unsent, those in flight become timeouts, dials
// under way are cancelled (their requests stay unsent), and every connection closes. It returns
// once every connection's goroutine has ended.
func (p *pool) abort(cancelDials context.CancelFunc) {
	p.mu.Lock()
	p.aborted = true
	for c := range p.conns {
		if c.nc != nil {
			if c.index >= 0 {
				c.timedOut = true
			}
			_ = c.nc.Close()
		}
	}
	p.mu.Unlock()
	cancelDials()
	p.workers.Wait()
}

// noteSend keeps the latest write time, from whichever goroutine wrote.
func (p *pool) noteSend(atNs int64) {
	for {
		last := p.lastSendNs.Load()
		if atNs <= last || p.lastSendNs.CompareAndSwap(last, atNs) {
			return
		}
	}
}
