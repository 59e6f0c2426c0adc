//! Uploaded media: [`probe`] checks what a file really is (by its bytes, never its name) and
//! [`blobs`] stores it content-addressed in an object store.

pub mod blobs;
pub mod probe;

pub use blobs::{
    BlobError, BlobStore, BlobStream, Committed, FinishedUpload, StagedUpload, TempPath, blob_key,
    thumb_key,
};
pub use probe::{MediaKind, ProbeError, ProbeLimits, Probed, probe_file};
