//! Scenario time: wall milliseconds since start, times the scenario's time scale.

use std::time::Instant;

#[derive(Clone, Copy)]
pub struct Clock {
    started: Instant,
    time_scale: f64,
}

impl Clock {
    pub fn new(started: Instant, time_scale: f64) -> Clock {
        Clock { started, time_scale }
    }

    /// Scenario ms now. Instant is monotonic, so this never goes backwards: the write-back
    /// order in the cache relies on it.
    pub fn now(&self) -> f64 {
        self.wall_ms() * self.time_scale
    }

    /// Wall ms since start (the /stats uptime clock).
    pub fn wall_ms(&self) -> f64 {
        self.started.elapsed().as_secs_f64() * 1000.0
    }
}
