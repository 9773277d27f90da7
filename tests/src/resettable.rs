//! A listener for axum whose connections a handler can reset: after it has read a request,
//! the connection is torn down with a TCP reset instead of an answer, as when a load balancer
//! or HubSpot drops a connection mid-call.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// Handed to the handler (as `ConnectInfo`): resets its connection instead of answering.
#[derive(Clone, Debug, Default)]
pub struct ResetSwitch(Arc<AtomicBool>);

impl ResetSwitch {
    /// The answer being written is not sent; the connection is reset instead.
    pub fn reset(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    fn is_reset(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

impl Connected<IncomingStream<'_, ResettableListener>> for ResetSwitch {
    fn connect_info(stream: IncomingStream<'_, ResettableListener>) -> Self {
        stream.remote_addr().clone()
    }
}

pub struct ResettableListener(TcpListener);

impl ResettableListener {
    pub fn new(listener: TcpListener) -> Self {
        ResettableListener(listener)
    }
}

impl Listener for ResettableListener {
    type Io = Connection;
    type Addr = ResetSwitch;

    async fn accept(&mut self) -> (Connection, ResetSwitch) {
        loop {
            match self.0.accept().await {
                Ok((stream, _)) => {
                    let switch = ResetSwitch::default();
                    let connection = Connection {
                        stream,
                        switch: switch.clone(),
                    };
                    return (connection, switch);
                }
                // A failed accept (the client gave up, too many files) concerns that
                // connection only.
                Err(_) => tokio::task::yield_now().await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<ResetSwitch> {
        Ok(ResetSwitch::default())
    }
}

/// One accepted connection; fails its first write after a reset, so the server drops it.
pub struct Connection {
    stream: TcpStream,
    switch: ResetSwitch,
}

impl Connection {
    fn check(&self) -> io::Result<()> {
        if self.switch.is_reset() {
            // Closing with a zero linger sends RST rather than FIN.
            self.stream.set_zero_linger()?;
            return Err(io::Error::new(
                io::ErrorKind::ConnectionReset,
                "reset by the fake HubSpot",
            ));
        }
        Ok(())
    }
}

impl AsyncRead for Connection {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.check()?;
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.check()?;
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
