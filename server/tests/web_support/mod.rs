//! Page-test helpers: an in-process browser-like client (cookie jar, form posts, multipart
//! uploads) over `build_app`. Used with `mod common; mod web_support;` in `web_*.rs`.
#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use tower::ServiceExt;

use crate::common::{PASSWORD, TestEnv};

/// One answer: status, `Location` (for redirects) and the body as text.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub location: Option<String>,
    pub headers: HeaderMap,
    pub html: String,
}

impl Answer {
    /// Fails the test unless the page contains `text`.
    pub fn assert_contains(&self, text: &str) -> &Answer {
        assert!(
            self.html.contains(text),
            "expected {text:?} in the page ({}):\n{}",
            self.status,
            self.html
        );
        self
    }

    pub fn assert_lacks(&self, text: &str) -> &Answer {
        assert!(
            !self.html.contains(text),
            "did not expect {text:?} in the page:\n{}",
            self.html
        );
        self
    }

    /// Fails the test unless this is a 303 to `to`.
    pub fn assert_redirect(&self, to: &str) -> &Answer {
        assert_eq!(self.status, StatusCode::SEE_OTHER, "{}", self.html);
        assert_eq!(self.location.as_deref(), Some(to));
        self
    }
}

/// A client with cookies, like one browser tab. Redirects are not followed.
#[derive(Clone)]
pub struct WebClient {
    app: Router,
    cookies: Vec<(String, String)>,
    /// Sent as `Accept-Language`.
    pub accept_language: Option<String>,
}

impl WebClient {
    pub fn new(env: &TestEnv) -> WebClient {
        WebClient {
            app: env.app.clone(),
            cookies: Vec::new(),
            accept_language: None,
        }
    }

    /// First-run setup through the pages; the client is then signed in as the owner.
    pub async fn setup(env: &TestEnv, email: &str) -> WebClient {
        let mut client = WebClient::new(env);
        client
            .post_form(
                "/setup",
                &[
                    ("organization", "Café Vitrin"),
                    ("name", "Owner"),
                    ("email", email),
                    ("password", PASSWORD),
                ],
            )
            .await
            .assert_redirect("/dashboard");
        client
    }

    /// Signs in through the login page.
    pub async fn login(env: &TestEnv, email: &str) -> WebClient {
        let mut client = WebClient::new(env);
        let answer = client
            .post_form(
                "/login",
                &[("email", email), ("password", PASSWORD), ("next", "/")],
            )
            .await;
        answer.assert_redirect("/");
        client
    }

    /// The same cookies against another router (e.g. one built with a different config).
    pub fn with_app(mut self, app: Router) -> WebClient {
        self.app = app;
        self
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.cookies.retain(|(n, _)| n != name);
        self.cookies.push((name.to_owned(), value.to_owned()));
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        self.send(Method::GET, path, None, Body::empty(), &[]).await
    }

    /// A form post (`application/x-www-form-urlencoded`).
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.send(
            Method::POST,
            path,
            Some("application/x-www-form-urlencoded".into()),
            Body::from(body),
            &[],
        )
        .await
    }

    /// A form post with extra headers (e.g. `Referer`).
    pub async fn post_form_with(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Answer {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.send(
            Method::POST,
            path,
            Some("application/x-www-form-urlencoded".into()),
            Body::from(body),
            headers,
        )
        .await
    }

    /// A `multipart/form-data` post with one file part named `field`.
    pub async fn post_file(&mut self, path: &str, field: &str, name: &str, bytes: &[u8]) -> Answer {
        let boundary = "vitrin-test-boundary-7d3f";
        let mut body = Vec::new();
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; \
                 filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.send(
            Method::POST,
            path,
            Some(format!("multipart/form-data; boundary={boundary}")),
            Body::from(body),
            &[],
        )
        .await
    }

    async fn send(
        &mut self,
        method: Method,
        path: &str,
        content_type: Option<String>,
        body: Body,
        headers: &[(&str, &str)],
    ) -> Answer {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, "vitrin.test");
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect();
            request = request.header(header::COOKIE, jar.join("; "));
        }
        if let Some(lang) = &self.accept_language {
            request = request.header(header::ACCEPT_LANGUAGE, lang);
        }
        if let Some(ct) = content_type {
            request = request.header(header::CONTENT_TYPE, ct);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = self
            .app
            .clone()
            .oneshot(request.body(body).unwrap())
            .await
            .unwrap();
        for set in response.headers().get_all(header::SET_COOKIE) {
            let set = set.to_str().unwrap();
            let pair = set.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != name);
            if !value.is_empty() && !set.contains("Max-Age=0") {
                self.cookies.push((name.to_owned(), value.to_owned()));
            }
        }
        let status = response.status();
        let headers = response.headers().clone();
        let location = headers
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_owned());
        let bytes = axum::body::to_bytes(response.into_body(), 64 << 20)
            .await
            .unwrap();
        Answer {
            status,
            location,
            headers,
            html: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }
}

/// Percent-encoding for form bodies and query strings.
pub fn encode(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A small valid PNG (`w`×`h`, one colour).
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(w, h, image::Rgb([200, 40, 40]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}
