//! Password hashing and verification (argon2id, PHC strings) with bounded
//! concurrency and bounded, reused memory.
//!
//! Invariants:
//! - Every hash or verification holds one [`HashPermit`] of a semaphore
//!   sized to the machine's cores (at most [`MAX_PERMITS`]); the work runs on
//!   the blocking pool and keeps the permit until it ends, even when the
//!   request that asked for it is gone.
//! - Each running hash uses one argon2 memory buffer (19 MiB with the
//!   default parameters) taken from a pool and given back afterwards, so the
//!   server allocates at most one buffer per permit, once, and reuses it.
//!   (Allocating and freeing a 19 MiB buffer per hash left each one in
//!   glibc's heap: RSS grew by hundreds of megabytes with logins.)
//! - A password of an unknown account is verified against a dummy hash with
//!   the same parameters, so it costs the same work as a wrong password and
//!   the answer cannot tell the two apart.
//! - Stored hashes are compared in constant time.

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Most hashes that run at once, whatever the core count: each holds a
/// buffer of `m_cost` KiB (19 MiB by default).
pub(crate) const MAX_PERMITS: usize = 4;

/// Largest argon2 memory a stored hash may ask for (256 MiB), so a corrupt
/// row cannot make the server allocate without bound.
const MAX_BLOCKS: usize = 256 * 1024;

/// Bytes of salt in new hashes.
const SALT_BYTES: usize = 16;

/// A password could not be hashed or a stored hash could not be used.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PasswordError {
    /// The stored hash is not a PHC string this server can verify.
    #[error("unreadable password hash: {0}")]
    Unreadable(String),
    /// The stored hash asks for more memory than the server allows.
    #[error("password hash asks for {blocks} KiB of memory, more than {MAX_BLOCKS}")]
    TooCostly {
        /// KiB asked for.
        blocks: usize,
    },
    /// argon2 refused the inputs (its error is no `std::error::Error`
    /// without the crate's `std` feature, so it is carried, not chained).
    #[error("argon2: {0}")]
    Argon2(argon2::Error),
    /// The blocking task running the hash failed.
    #[error("password hashing task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

impl From<argon2::Error> for PasswordError {
    fn from(e: argon2::Error) -> Self {
        Self::Argon2(e)
    }
}

impl From<argon2::password_hash::Error> for PasswordError {
    fn from(e: argon2::password_hash::Error) -> Self {
        Self::Unreadable(e.to_string())
    }
}

/// How to compute a hash: algorithm, version, parameters and salt.
#[derive(Clone, Debug)]
struct Recipe {
    algorithm: Algorithm,
    version: Version,
    params: Params,
    salt: Vec<u8>,
}

/// A parsed PHC string: everything needed to recompute and compare.
#[derive(Clone, Debug)]
struct StoredHash {
    recipe: Recipe,
    hash: Output,
}

impl StoredHash {
    fn parse(phc: &str) -> Result<Self, PasswordError> {
        let parsed = PasswordHash::new(phc)?;
        let algorithm = Algorithm::try_from(parsed.algorithm)?;
        let version = match parsed.version {
            Some(v) => Version::try_from(v)?,
            None => Version::default(),
        };
        let params = Params::try_from(&parsed)?;
        let salt = parsed.salt.ok_or_else(|| PasswordError::Unreadable("no salt".into()))?;
        let mut salt_bytes = [0u8; 64];
        let salt = salt.decode_b64(&mut salt_bytes)?.to_vec();
        let hash = parsed.hash.ok_or_else(|| PasswordError::Unreadable("no hash".into()))?;
        Ok(Self { recipe: Recipe { algorithm, version, params, salt }, hash })
    }
}

/// State shared by the service and its permits.
#[derive(Debug)]
struct Shared {
    permits: Arc<Semaphore>,
    /// Argon2 memory of hashes not running, reused last-in first-out.
    buffers: Mutex<Vec<Vec<Block>>>,
    /// Parameters of new hashes (and of the dummy).
    params: Params,
    /// What an unknown account's password is checked against.
    dummy: StoredHash,
    /// Hashes running now, and the most ever seen at once.
    running: AtomicUsize,
    peak: AtomicUsize,
    /// Buffers allocated so far.
    allocated: AtomicUsize,
}

/// Hashes and verifies passwords; cheap to clone (all clones share the
/// permits and buffers).
#[derive(Clone, Debug)]
pub(crate) struct PasswordService {
    shared: Arc<Shared>,
}

/// The right to run one hash; obtained from [`PasswordService::acquire`].
#[derive(Debug)]
pub(crate) struct HashPermit {
    /// Held until the hash ends (it moves into the blocking task).
    _permit: OwnedSemaphorePermit,
    shared: Arc<Shared>,
}

impl PasswordService {
    /// A service with argon2's default parameters (argon2id, 19 MiB, two
    /// passes) and one permit per core, at most [`MAX_PERMITS`].
    pub fn new() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        Self::with(cores.clamp(1, MAX_PERMITS), Params::default())
    }

    /// A service with `permits` concurrent hashes and these parameters.
    pub fn with(permits: usize, params: Params) -> Self {
        use rand::RngCore as _;
        let mut salt = vec![0u8; SALT_BYTES];
        rand::rng().fill_bytes(&mut salt);
        let mut hash = vec![0u8; params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN)];
        rand::rng().fill_bytes(&mut hash);
        // A random output no password hashes to (but 2^-256): the same
        // work as a real verification, always false.
        let hash = Output::new(&hash).expect("a 32-byte output is within argon2's bounds");
        let dummy = StoredHash {
            recipe: Recipe {
                algorithm: Algorithm::Argon2id,
                version: Version::V0x13,
                params: params.clone(),
                salt,
            },
            hash,
        };
        Self {
            shared: Arc::new(Shared {
                permits: Arc::new(Semaphore::new(permits.max(1))),
                buffers: Mutex::new(Vec::new()),
                params,
                dummy,
                running: AtomicUsize::new(0),
                peak: AtomicUsize::new(0),
                allocated: AtomicUsize::new(0),
            }),
        }
    }

    /// Waits for a permit to hash.
    pub async fn acquire(&self) -> HashPermit {
        let permit = Arc::clone(&self.shared.permits)
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        HashPermit { _permit: permit, shared: Arc::clone(&self.shared) }
    }

    /// Most hashes seen running at once.
    #[cfg(test)]
    pub fn peak_concurrency(&self) -> usize {
        self.shared.peak.load(Ordering::Relaxed)
    }

    /// argon2 buffers allocated so far (at most one per permit).
    #[cfg(test)]
    pub fn buffers_allocated(&self) -> usize {
        self.shared.allocated.load(Ordering::Relaxed)
    }
}

impl HashPermit {
    /// A new PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) for `password`.
    pub async fn hash(self, password: String) -> Result<String, PasswordError> {
        tokio::task::spawn_blocking(move || {
            use rand::RngCore as _;
            let mut salt = [0u8; SALT_BYTES];
            rand::rng().fill_bytes(&mut salt);
            let params = &self.shared.params;
            let recipe = Recipe {
                algorithm: Algorithm::Argon2id,
                version: Version::V0x13,
                params: params.clone(),
                salt: salt.to_vec(),
            };
            let output_len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
            let output = self.compute(&recipe, password.as_bytes(), output_len)?;
            let salt = SaltString::encode_b64(&salt)?;
            let phc = PasswordHash {
                algorithm: recipe.algorithm.ident(),
                version: Some(recipe.version.into()),
                params: ParamsString::try_from(&recipe.params)?,
                salt: Some(salt.as_salt()),
                hash: Some(output),
            };
            Ok(phc.to_string())
        })
        .await?
    }

    /// Whether `password` matches `stored`; `None` (no such account) checks
    /// it against the dummy hash with the same work and answers `false`.
    pub async fn verify(
        self,
        password: String,
        stored: Option<String>,
    ) -> Result<bool, PasswordError> {
        tokio::task::spawn_blocking(move || {
            let (stored, real) = match stored {
                Some(phc) => (StoredHash::parse(&phc)?, true),
                None => (self.shared.dummy.clone(), false),
            };
            let output = self.compute(&stored.recipe, password.as_bytes(), stored.hash.len())?;
            // `Output`'s equality is constant-time.
            Ok(real && output == stored.hash)
        })
        .await?
    }

    /// Runs argon2 as `recipe` says, in a pooled buffer.
    fn compute(
        &self,
        recipe: &Recipe,
        password: &[u8],
        output_len: usize,
    ) -> Result<Output, PasswordError> {
        let shared = &self.shared;
        let blocks = recipe.params.block_count();
        if blocks > MAX_BLOCKS {
            return Err(PasswordError::TooCostly { blocks });
        }
        let running = shared.running.fetch_add(1, Ordering::Relaxed) + 1;
        shared.peak.fetch_max(running, Ordering::Relaxed);
        let mut buffer = self.take_buffer(blocks);
        let argon2 = Argon2::new(recipe.algorithm, recipe.version, recipe.params.clone());
        let mut out = [0u8; Output::MAX_LENGTH];
        let out = out
            .get_mut(..output_len)
            .ok_or_else(|| PasswordError::Unreadable(format!("{output_len}-byte output")))?;
        let result =
            argon2.hash_password_into_with_memory(password, &recipe.salt, &mut *out, &mut buffer);
        self.give_back(buffer);
        shared.running.fetch_sub(1, Ordering::Relaxed);
        result?;
        Ok(Output::new(out)?)
    }

    fn take_buffer(&self, blocks: usize) -> Vec<Block> {
        let pooled =
            self.shared.buffers.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop();
        let mut buffer = pooled.unwrap_or_else(|| {
            self.shared.allocated.fetch_add(1, Ordering::Relaxed);
            Vec::new()
        });
        if buffer.len() < blocks {
            buffer.resize(blocks, Block::default());
        }
        buffer
    }

    /// Returns a buffer to the pool. Buffers are only taken while a permit
    /// is held, so the pool never holds more than one per permit.
    fn give_back(&self, buffer: Vec<Block>) {
        self.shared.buffers.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(buffer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};

    /// Small parameters: the tests are about the plumbing, not the cost.
    fn cheap() -> Params {
        Params::new(64, 1, 1, None).expect("params")
    }

    #[tokio::test]
    async fn hashes_verify_and_wrong_or_unknown_passwords_do_not() {
        let service = PasswordService::with(2, cheap());
        let phc = service.acquire().await.hash("correct horse".into()).await.expect("hash");
        assert!(phc.starts_with("$argon2id$v=19$m=64,t=1,p=1$"), "{phc}");
        let ok = service.acquire().await.verify("correct horse".into(), Some(phc.clone()));
        assert!(ok.await.expect("verify"));
        let wrong = service.acquire().await.verify("wrong horse".into(), Some(phc.clone()));
        assert!(!wrong.await.expect("verify"));
        let unknown = service.acquire().await.verify("correct horse".into(), None);
        assert!(!unknown.await.expect("verify"));
        // Standard PHC both ways: hashes of the argon2 crate (existing
        // databases) verify here, and ours verify there.
        let theirs = Argon2::default()
            .hash_password(
                b"old password",
                &SaltString::encode_b64(b"0123456789abcdef").expect("salt"),
            )
            .expect("hash")
            .to_string();
        let ok = service.acquire().await.verify("old password".into(), Some(theirs));
        assert!(ok.await.expect("verify theirs"));
        let parsed = PasswordHash::new(&phc).expect("parse ours");
        assert!(Argon2::default().verify_password(b"correct horse", &parsed).is_ok());
        assert!(service.acquire().await.verify("x".into(), Some("garbage".into())).await.is_err());
    }

    #[tokio::test]
    async fn hashing_concurrency_and_memory_are_capped_by_the_permits() {
        let service = PasswordService::with(2, cheap());
        let phc = service.acquire().await.hash("correct horse".into()).await.expect("hash");
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..16 {
            let service = service.clone();
            let phc = phc.clone();
            tasks.spawn(async move {
                let stored = (i % 2 == 0).then_some(phc);
                service.acquire().await.verify("correct horse".into(), stored).await
            });
        }
        while let Some(result) = tasks.join_next().await {
            result.expect("task").expect("verify");
        }
        assert!(service.peak_concurrency() <= 2, "peak {}", service.peak_concurrency());
        assert!(service.peak_concurrency() >= 1);
        assert!(service.buffers_allocated() <= 2, "buffers {}", service.buffers_allocated());
        // Sequential work reuses one buffer.
        let sequential = PasswordService::with(2, cheap());
        for _ in 0..5 {
            sequential.acquire().await.hash("correct horse".into()).await.expect("hash");
        }
        assert_eq!(sequential.buffers_allocated(), 1);
        assert_eq!(sequential.peak_concurrency(), 1);
    }
}
