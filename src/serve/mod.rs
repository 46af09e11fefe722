//! `narrate serve`: a small static file server for previewing a show folder (feed, audio,
//! transcripts, chapters, artwork) in a browser or podcast app on this machine.
//!
//! Built on `std::net` with one thread per connection rather than an HTTP crate: a preview
//! server has a handful of clients, and what matters here (byte ranges for audio seeking,
//! confining paths to the folder, streaming files) needs code of our own with any crate.

mod connection;

mod index;
mod mime;
mod path;
mod range;
mod request;
mod response;

use crate::{Error, Result};
use response::{Response, Status};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Connections served at once; more are turned away with 503 instead of piling up threads.
const MAX_CONNECTIONS: usize = 64;
/// Pause after a failed accept (e.g. out of file descriptors) so the loop does not spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Serves `dir` on 127.0.0.1:`port` until the process ends. Port 0 picks a free port;
/// `ready` is told the address once the server is listening.
pub fn serve(dir: &Path, port: u16, ready: impl FnOnce(SocketAddr)) -> Result<()> {
    let root = dir.canonicalize().map_err(Error::io(dir))?;
    if !root.is_dir() {
        return Err(Error::Serve(format!("{}: not a directory", dir.display())));
    }
    let listener =
        TcpListener::bind((Ipv4Addr::LOCALHOST, port)).map_err(|e| Error::Serve(format!("cannot listen on 127.0.0.1:{port}: {e}")))?;
    let address = listener.local_addr().map_err(|e| Error::Serve(format!("cannot read the listening address: {e}")))?;
    ready(address);
    accept_loop(&listener, &Arc::new(root));
    Ok(())
}

fn accept_loop(listener: &TcpListener, root: &Arc<PathBuf>) {
    let active = Arc::new(AtomicUsize::new(0));
    loop {
        let Ok((stream, _)) = listener.accept() else {
            std::thread::sleep(ACCEPT_BACKOFF);
            continue;
        };
        if active.fetch_add(1, Ordering::AcqRel) >= MAX_CONNECTIONS {
            active.fetch_sub(1, Ordering::AcqRel);
            turn_away(stream);
            continue;
        }
        let slot = Slot(Arc::clone(&active));
        let root = Arc::clone(root);
        let spawned = std::thread::Builder::new().name("narrate-serve".into()).spawn(move || {
            let _slot = slot;
            connection::handle(stream, &root);
        });
        // If no thread can be made, the closure (and with it the stream and the slot) is
        // dropped: the client sees the connection close.
        drop(spawned);
    }
}

/// Tells a client over the connection limit to come back later.
fn turn_away(stream: TcpStream) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let _ = Response::error(Status::ServiceUnavailable).write_to(&mut &stream, true);
}

/// One counted connection; frees its place when the connection's thread ends.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

