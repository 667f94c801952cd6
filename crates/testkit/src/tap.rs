//! A wire tap: a TCP relay in front of a real server that records each connection's first request
//! head (request line and headers) and passes every byte through unchanged.
//!
//! llmock, the real peer for the provider wires, does not record request headers; tests that must
//! see which credential a client sent (the documented key variables) put a tap in front of it.

use parking_lot::Mutex;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;

/// A running tap. Its thread lives as long as the test process; the port closes with it.
#[derive(Debug, Clone)]
pub struct HeaderTap {
    pub port: u16,
    heads: Arc<Mutex<Vec<String>>>,
}

impl HeaderTap {
    /// Relay `127.0.0.1:PORT` to `127.0.0.1:upstream`.
    pub fn start(upstream: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the tap");
        let port = listener.local_addr().expect("addr").port();
        let heads = Arc::new(Mutex::new(Vec::new()));
        let seen = heads.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let seen = seen.clone();
                std::thread::spawn(move || relay(client, upstream, &seen));
            }
        });
        Self { port, heads }
    }

    /// The request heads seen so far (one per connection), oldest first.
    pub fn heads(&self) -> Vec<String> {
        self.heads.lock().clone()
    }

    /// Whether some request carried header `name` with exactly `value` (name case-insensitive).
    pub fn saw_header(&self, name: &str, value: &str) -> bool {
        self.heads().iter().any(|h| {
            h.lines()
                .skip(1)
                .filter_map(|l| l.split_once(':'))
                .any(|(k, v)| k.trim().eq_ignore_ascii_case(name) && v.trim() == value)
        })
    }
}

fn relay(mut client: TcpStream, upstream: u16, seen: &Mutex<Vec<String>>) {
    let mut head = Vec::new();
    let mut buf = [0u8; 8192];
    // Read until the end of the first request head; whatever follows is relayed as it is.
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match client.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let end = head.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(head.len());
    seen.lock().push(String::from_utf8_lossy(&head[..end]).into_owned());
    let Ok(mut server) = TcpStream::connect(("127.0.0.1", upstream)) else { return };
    if server.write_all(&head).is_err() {
        return;
    }
    let (Ok(mut client_r), Ok(mut server_w)) = (client.try_clone(), server.try_clone()) else { return };
    let up = std::thread::spawn(move || {
        let _ = std::io::copy(&mut client_r, &mut server_w);
        let _ = server_w.shutdown(Shutdown::Write);
    });
    let _ = std::io::copy(&mut server, &mut client);
    let _ = client.shutdown(Shutdown::Write);
    let _ = up.join();
}
