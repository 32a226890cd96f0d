//! Service time per route, in HDR histograms of integer nanoseconds, encoded for /stats the way
//! hdr-histogram-js's encodeIntoCompressedBase64 does: V2 deflate, then standard base64.

use std::sync::Mutex;
use std::time::Duration;

use base64::Engine;
use hdrhistogram::serialization::{Serializer, V2DeflateSerializer};
use hdrhistogram::Histogram;

use crate::api::Route;

/// 1 ns to 2^40 ns (about 18 minutes), 3 significant digits: the harness's histogram settings.
const LOWEST: u64 = 1;
const HIGHEST: u64 = 1 << 40;
const SIGNIFICANT_DIGITS: u8 = 3;

pub struct Latency {
    /// One per route, in Route::ALL order; separate locks so routes never wait on each other.
    histograms: Vec<Mutex<Histogram<u64>>>,
}

impl Latency {
    pub fn new() -> Latency {
        let histograms = Route::ALL
            .iter()
            .map(|_| Mutex::new(Histogram::new_with_bounds(LOWEST, HIGHEST, SIGNIFICANT_DIGITS).expect("valid histogram bounds")))
            .collect();
        Latency { histograms }
    }

    fn slot(route: Route) -> usize {
        Route::ALL.iter().position(|&r| r == route).expect("every route is in Route::ALL")
    }

    pub fn record(&self, route: Route, elapsed: Duration) {
        let nanos = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX).max(LOWEST);
        // Longer than 2^40 ns cannot happen in a benchmark; clamp rather than lose the sample.
        self.histograms[Self::slot(route)].lock().expect("histogram lock").saturating_record(nanos);
    }

    /// Each route's name and its encoded histogram.
    pub fn encoded(&self) -> Vec<(&'static str, String)> {
        Route::ALL
            .iter()
            .map(|&route| {
                // Copy under the lock, encode outside it: recording never waits on deflate.
                let copy = self.histograms[Self::slot(route)].lock().expect("histogram lock").clone();
                (route.name(), encode(&copy))
            })
            .collect()
    }
}

pub fn encode(histogram: &Histogram<u64>) -> String {
    let mut bytes = Vec::new();
    V2DeflateSerializer::new().serialize(histogram, &mut bytes).expect("a histogram serializes into memory");
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
