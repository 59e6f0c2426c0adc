//! A real S3 API server (moto, from PyPI; `.ci/run` installs it) on 127.0.0.1 with one
//! bucket, for runs whose servers keep their media in S3 as a scaled-out deployment does.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `moto_server` on a free port with `bucket` created; killed on drop.
pub struct S3 {
    child: Child,
    pub endpoint: String,
    pub bucket: String,
}

impl S3 {
    pub async fn start(bucket: &str) -> S3 {
        let port = crate::free_addr().port();
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server must be installed (pip install 'moto[server]'; .ci/run does)");
        let s3 = S3 {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            bucket: bucket.to_owned(),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while reqwest::get(&s3.endpoint).await.is_err() {
            assert!(Instant::now() < deadline, "moto_server did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let created = reqwest::Client::new()
            .put(format!("{}/{bucket}", s3.endpoint))
            .send()
            .await
            .expect("moto answers");
        assert!(created.status().is_success(), "bucket {bucket} not created");
        s3
    }

    /// `--media-url` of a server keeping its media under `prefix` in the bucket.
    pub fn media_url(&self, prefix: &str) -> String {
        format!("s3://{}/{prefix}", self.bucket)
    }

    /// The environment the server's S3 client reads.
    pub fn env(&self) -> [(&'static str, &str); 5] {
        [
            ("AWS_ENDPOINT", self.endpoint.as_str()),
            ("AWS_ALLOW_HTTP", "true"),
            ("AWS_ACCESS_KEY_ID", "test"),
            ("AWS_SECRET_ACCESS_KEY", "test"),
            ("AWS_REGION", "us-east-1"),
        ]
    }

    /// How many objects the bucket holds.
    pub async fn object_count(&self) -> usize {
        let listing = reqwest::get(format!("{}/{}?list-type=2", self.endpoint, self.bucket))
            .await
            .expect("moto answers")
            .text()
            .await
            .expect("a listing");
        listing.matches("<Key>").count()
    }
}

impl Drop for S3 {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
