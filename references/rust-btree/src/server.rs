//! Accepting connections: hyper's HTTP/1.1 (keep-alive) on tokio, one task per connection,
//! every connection watched so shutdown can let the requests in flight finish.

use std::convert::Infallible;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::signal::unix::{signal, SignalKind};

use crate::http::App;

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
        let connection = graceful.watch(http1::Builder::new().max_header_size(MAX_HEADER_BYTES).serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // A client that hangs up or sends garbage ends its own connection; nothing to do.
            let _ = connection.await;
        });
    }
    graceful
}
