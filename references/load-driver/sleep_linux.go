package main

import "syscall"

// prSetTimerSlack is prctl's PR_SET_TIMERSLACK (linux/prctl.h); the syscall package lacks it.
const prSetTimerSlack = 29

// sleepPrecisely blocks the calling thread in nanosleep(2), which resolves microseconds where
// time.Sleep does not (Go's timers wake from epoll_wait, in whole milliseconds on Linux). It
// first sets the thread's timer slack to 1 ns, instead of the default 50 µs by which the kernel
// may wake a sleeper late: the slack belongs to the thread, and a goroutine may run on any thread,
// so it is set each time (a system call of well under a microsecond).
func sleepPrecisely(ns int64) {
	syscall.RawSyscall(syscall.SYS_PRCTL, prSetTimerSlack, 1, 0)
	ts := syscall.NsecToTimespec(ns)
	_ = syscall.Nanosleep(&ts, nil) // an EINTR ends the sleep early; the caller sleeps again
}
