package main

import "syscall"

// prSetTimerSlack is prctl's PR_SET_TIMERSLACK (linux/prctl.h); the syscall package lacks it.
const prSetTimerSlack = 29

// tightenTimerSlack lets this thread's sleeps end 1 ns after their time instead of the default
// 50 µs later. Timer slack is per thread: call it from a goroutine locked to its thread.
func tightenTimerSlack() {
	syscall.RawSyscall(syscall.SYS_PRCTL, prSetTimerSlack, 1, 0)
}

// preciseSleep blocks the calling thread in nanosleep(2), which, unlike time.Sleep (whose
// runtime timers wake in whole milliseconds on Linux), resolves microseconds.
func preciseSleep(ns int64) {
	ts := syscall.NsecToTimespec(ns)
	_ = syscall.Nanosleep(&ts, nil) // an EINTR ends the sleep early; the caller sleeps again
}
