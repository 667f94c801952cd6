//! The HTTP server under every fake: actix-web on 127.0.0.1:0, on a thread of its own (with its
//! own actix system), so a fake works from any test, async or not.

use actix_web::{App, HttpServer, web};
use std::net::TcpListener;

/// A running fake server. Stops (and joins its thread) when dropped.
pub(crate) struct Running {
    pub port: u16,
    handle: actix_web::dev::ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    /// Serve the routes `configure` adds, with `workers` worker threads.
    pub fn spawn<F>(name: &str, workers: usize, configure: F) -> Self
    where
        F: Fn(&mut web::ServiceConfig) + Send + Clone + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind {name}: {e}"));
        let port = listener.local_addr().expect("addr").port();
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name(format!("{name}-{port}"))
            .spawn(move || {
                actix_rt::System::new().block_on(async move {
                    let server = HttpServer::new(move || App::new().configure(configure.clone()))
                        // As real API servers do: small writes (SSE chunks) leave at once
                        // instead of waiting for the client's delayed ACK (Nagle).
                        .on_connect(|conn, _| {
                            if let Some(tcp) = conn.downcast_ref::<actix_web::rt::net::TcpStream>() {
                                let _ = tcp.set_nodelay(true);
                            }
                        })
                        .workers(workers)
                        .disable_signals()
                        .shutdown_timeout(0)
                        .listen(listener)
                        .expect("listen")
                        .run();
                    let _ = tx.send(server.handle());
                    let _ = server.await;
                });
            })
            .unwrap_or_else(|e| panic!("spawn {name}: {e}"));
        let handle = rx.recv().unwrap_or_else(|_| panic!("{name} did not start"));
        Self { port, handle, thread: Some(thread) }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // `stop` returns a future; the server's own thread drives it.
        drop(self.handle.stop(false));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
