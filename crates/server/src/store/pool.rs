//! The read pool every backend uses: a few read connections (of the
//! backend's own type `C`), each lent to one blocking task at a time, so
//! reads run beside the writer and each other.

use super::StoreError;
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

/// Read connections handed out one per blocking task.
pub(crate) struct ReadPool<C> {
    connections: Arc<Mutex<Vec<C>>>,
    permits: Arc<Semaphore>,
    size: u32,
}

/// Returns a connection to the pool (then frees its permit) even when the
/// read panics or its caller stops waiting.
struct Lease<C> {
    connection: Option<C>,
    pool: Arc<Mutex<Vec<C>>>,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl<C> Drop for Lease<C> {
    fn drop(&mut self) {
        if let Some(conn) = self.connection.take() {
            self.pool.lock().unwrap_or_else(|p| p.into_inner()).push(conn);
        }
    }
}

impl<C: Send + 'static> ReadPool<C> {
    /// A pool of these connections.
    pub(crate) fn new(connections: Vec<C>) -> Self {
        let size = connections.len();
        Self {
            connections: Arc::new(Mutex::new(connections)),
            permits: Arc::new(Semaphore::new(size)),
            size: u32::try_from(size).unwrap_or(u32::MAX),
        }
    }

    /// Runs `work` on a pooled connection in a blocking task.
    pub(crate) async fn run<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut C) -> Result<T, StoreError> + Send + 'static,
    {
        let permit =
            Arc::clone(&self.permits).acquire_owned().await.map_err(|_| StoreError::Closed)?;
        let connection = self.connections.lock().unwrap_or_else(|p| p.into_inner()).pop();
        // Every permit stands for one pooled connection, so one is there.
        let connection = connection.ok_or_else(|| StoreError::Task("read pool is empty".into()))?;
        let mut lease = Lease {
            connection: Some(connection),
            pool: Arc::clone(&self.connections),
            _permit: permit,
        };
        tokio::task::spawn_blocking(move || match lease.connection.as_mut() {
            Some(conn) => work(conn),
            None => Err(StoreError::Closed),
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }

    /// Waits for running reads, then closes every connection.
    pub(crate) async fn close(&self) {
        if let Ok(all) = self.permits.acquire_many(self.size).await {
            all.forget();
        }
        self.permits.close();
        self.connections.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}
