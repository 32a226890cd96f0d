//! Accepting connections: hyper's HTTP/1.1 (keep-alive) on tokio, one task per connection,
//! every connection watched so shutdown can let the requests in flight finish.

use std::convert::Infallible;
use std::future::{poll_fn, Future};
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::signal::unix::{signal, SignalKind};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

use crate::http::{App, KNOWN_METHODS};

/// The most bytes of request line and headers hyper reads before it answers 431.
const MAX_HEADER_BYTES: usize = 64 * 1024;

/// Resolves on the first SIGTERM or SIGINT. Made before the service listens, so a signal that
/// comes right after "listening on" is not missed.
pub fn stop_signal() -> std::io::Result<impl Future<Output = ()>> {
    let mut term = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    Ok(poll_fn(
        move |cx| {
            if term.poll_recv(cx).is_ready() || interrupt.poll_recv(cx).is_ready() {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        },
    ))
}

/// Serves connections until `stop` resolves; then the listener closes and the returned handle
/// waits for the connections (idle ones close at once, busy ones after their response).
pub async fn serve(listener: TcpListener, app: Arc<App>, mut stop: Pin<&mut impl Future<Output = ()>>) -> GracefulShutdown {
    let graceful = GracefulShutdown::new();
    loop {
        let accepted = poll_fn(|cx| {
            if stop.as_mut().poll(cx).is_ready() {
                return Poll::Ready(None);
            }
            listener.poll_accept(cx).map(Some)
        })
        .await;
        let stream = match accepted {
            None => break,
            Some(Ok((stream, _))) => stream,
            Some(Err(error)) => {
                // Out of file descriptors, say: wait a moment rather than spin.
                eprintln!("accept failed: {error}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        // Small JSON replies on keep-alive connections: do not let Nagle hold them back.
        let _ = stream.set_nodelay(true);
        let app = Arc::clone(&app);
        let service = service_fn(move |request| {
            let app = Arc::clone(&app);
            async move { Ok::<_, Infallible>(app.handle(request).await) }
        });
        // The request line and headers may take 64 KiB (docs/http-contract.md); more is 431.
        let stream = FragmentGuard { inner: stream, tail: Vec::new() };
        let connection = graceful
            .watch(http1::Builder::new().max_header_size(MAX_HEADER_BYTES).serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // A client that hangs up or sends garbage ends its own connection; nothing to do.
            let _ = connection.await;
        });
    }
    graceful
}

/// How many bytes of earlier reads are kept to see the start of a request line split across reads.
const TAIL: usize = 512;

/// A connection whose request lines are checked for a fragment before hyper reads them. A '#' in
/// a request target makes it invalid (RFC 9110 section 7.1) and the other services answer 400,
/// but the http crate drops the fragment while hyper parses the line, so `POST /acks#x` would be
/// served as `POST /acks`. Such a '#' is replaced with a NUL byte, which hyper's parser refuses
/// (400). The cost on every read is one memchr for '#' (docs/http-contract.md).
struct FragmentGuard {
    inner: TcpStream,
    /// The last bytes read, for the context of a '#' early in a read.
    tail: Vec<u8>,
}

impl AsyncRead for FragmentGuard {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let this = &mut *self;
        let polled = Pin::new(&mut this.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = polled {
            let fresh = &mut buf.filled_mut()[before..];
            if fresh.contains(&b'#') {
                refuse_fragments(&this.tail, fresh);
            }
            let keep = fresh.len().min(TAIL);
            let tail = &mut this.tail;
            tail.extend_from_slice(&fresh[fresh.len() - keep..]);
            if tail.len() > TAIL {
                tail.drain(..tail.len() - TAIL);
            }
        }
        polled
    }
}

impl AsyncWrite for FragmentGuard {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, data)
    }

    fn poll_write_vectored(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[io::IoSlice<'_>]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, data)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Replaces with NUL every '#' of `fresh` that stands in a request target: after a method HTTP
/// defines and one space, with no space, CR or LF between, and before " HTTP/" where the read
/// shows it. `earlier` is what came before `fresh` on the connection (its last bytes).
fn refuse_fragments(earlier: &[u8], fresh: &mut [u8]) {
    for i in 0..fresh.len() {
        if fresh[i] != b'#' {
            continue;
        }
        let at = |k: usize| if k < earlier.len() { earlier[k] } else { fresh[k - earlier.len()] };
        let hash = earlier.len() + i;
        // Back over the target to the space after the method.
        let mut k = hash;
        while k > 0 && !matches!(at(k - 1), b' ' | b'\r' | b'\n') {
            k -= 1;
        }
        if k == 0 || at(k - 1) != b' ' {
            continue;
        }
        let method_end = k - 1;
        let mut m = method_end;
        while m > 0 && (at(m - 1).is_ascii_uppercase() || at(m - 1) == b'-') {
            m -= 1;
        }
        // A request line starts a line, the connection, or follows a body; not a header value.
        if m > 0 && matches!(at(m - 1), b' ' | b'\t') {
            continue;
        }
        let method: Vec<u8> = (m..method_end).map(at).collect();
        if !KNOWN_METHODS.iter().any(|known| known.as_bytes() == method.as_slice()) {
            continue;
        }
        // Forward to the space before the version, where this read shows it.
        let rest = &fresh[i..];
        let version_ok = match rest.iter().position(|&b| matches!(b, b' ' | b'\r' | b'\n')) {
            Some(space) => rest[space] == b' ' && (rest.len() < space + 6 || &rest[space + 1..space + 6] == b"HTTP/"),
            None => true,
        };
        if version_ok {
            fresh[i] = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::refuse_fragments;

    fn guarded(earlier: &str, fresh: &str) -> String {
        let mut bytes = fresh.as_bytes().to_vec();
        refuse_fragments(earlier.as_bytes(), &mut bytes);
        String::from_utf8(bytes).unwrap().replace('\0', "<NUL>")
    }

    #[test]
    fn a_fragment_in_a_request_target_is_refused_and_nothing_else_changes() {
        assert_eq!(guarded("", "POST /acks#frag HTTP/1.1\r\n"), "POST /acks<NUL>frag HTTP/1.1\r\n");
        assert_eq!(guarded("", "GET /health# HTTP/1.1\r\n"), "GET /health<NUL> HTTP/1.1\r\n");
        // Split across reads, and pipelined right after a body.
        assert_eq!(guarded("POST /ac", "ks#x HTTP/1.1\r\n"), "ks<NUL>x HTTP/1.1\r\n");
        assert_eq!(guarded("", "{\"userId\":1}GET /health#x HTTP/1.1\r\n"), "{\"userId\":1}GET /health<NUL>x HTTP/1.1\r\n");
        // Not a request target: left alone.
        for fresh in [
            "X-Note: GET /a#b\r\n",
            "X-Note: GET /a#b HTTP/1.1\r\n",
            "{\"x\":\"a#b\"}",
            "GET /a HTTP/1.1\r\nX: #1\r\n",
            "get /a#b HTTP/1.1\r\n",
            "FOO /a#b HTTP/1.1\r\n",
        ] {
            assert_eq!(guarded("", fresh), fresh.replace('\0', "<NUL>"), "{fresh}");
        }
    }
}
