//! What `tracing` writes while a test runs, captured for the test to read.

use std::sync::{Arc, Mutex, Once};

use tracing::subscriber::DefaultGuard;

/// Captures every event at `level` or above on this thread until dropped.
pub(crate) struct CapturedLogs {
    buffer: Buffer,
    _guard: DefaultGuard,
}

impl CapturedLogs {
    pub(crate) fn start(level: tracing::Level) -> Self {
        // `tracing` caches, per log line and for the whole process, whether anyone listens.
        // With no global subscriber, a test without a capture that reaches a line first
        // switches it off for every thread, and a capturing test would never see it.
        static LISTEN_EVERYWHERE: Once = Once::new();
        LISTEN_EVERYWHERE.call_once(|| {
            tracing::subscriber::set_global_default(tracing_subscriber::registry())
                .expect("no other global subscriber in the tests");
        });
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(level)
            .with_writer(move || writer.clone())
            .finish();
        CapturedLogs {
            buffer,
            _guard: tracing::subscriber::set_default(subscriber),
        }
    }

    /// Everything written so far.
    pub(crate) fn text(&self) -> String {
        String::from_utf8(self.buffer.0.lock().unwrap().clone()).expect("logs are UTF-8")
    }
}

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
