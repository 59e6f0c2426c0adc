//! The hardened HTTP client feeds are fetched with.
//!
//! A feed URL is typed by a customer, so the server must not become a way into its own network
//! (server-side request forgery) or be held up by a hostile answer:
//! - every hop, the first URL and each redirect target, is resolved here and each address is
//!   checked against loopback, private, link-local, unique-local, multicast and other
//!   non-public ranges (IPv4-mapped and other IPv4-embedding IPv6 forms included), unless the
//!   operator allow-listed its network (`--feed-allow`);
//! - the connection then goes to exactly the checked addresses (reqwest's `resolve`), so a
//!   second DNS answer cannot swap in another address (DNS rebinding); proxies from the
//!   environment are ignored for the same reason;
//! - redirects are followed by hand (reqwest's own policy is off), at most N of them;
//! - a connect timeout per hop, and one deadline for everything, body included, so a server
//!   that drips its answer byte by byte is cut off;
//! - the body is capped: a larger `Content-Length` is refused before reading, and the bytes are
//!   counted while they stream in, for answers that do not say their length or lie about it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use ipnet::IpNet;
use reqwest::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use reqwest::{StatusCode, Url};

use crate::config::FeedLimits;

/// What a fetch brought back.
#[derive(Debug)]
pub struct Fetched {
    pub body: Vec<u8>,
    pub content_type: Option<String>,
    /// The URL that finally answered, after redirects.
    pub url: Url,
}

/// Why a fetch failed, in words for the person who set the source up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("the address is not a valid http or https URL: {0}")]
    BadUrl(String),
    #[error(
        "{host} is {addr}, {what}; feeds only reach the public internet unless the operator \
         allows that network (--feed-allow)"
    )]
    Blocked {
        host: String,
        addr: IpAddr,
        what: &'static str,
    },
    #[error("cannot find the server {host}: {detail}")]
    Dns { host: String, detail: String },
    #[error("cannot connect to {host}: {detail}")]
    Connect { host: String, detail: String },
    #[error("no complete answer within {0} seconds")]
    Timeout(u64),
    #[error("the server answered {0}")]
    Status(String),
    #[error("the answer is larger than the limit of {0}")]
    TooLarge(String),
    #[error("more than {0} redirects")]
    TooManyRedirects(u32),
    #[error("the server redirected without a valid Location: {0}")]
    BadRedirect(String),
    #[error("the connection failed: {0}")]
    Http(String),
}

/// Fetches URLs within `limits`, reaching non-public networks only inside `allow`.
pub struct Fetcher<'a> {
    pub limits: &'a FeedLimits,
    pub allow: &'a [IpNet],
}

const USER_AGENT: &str = concat!(
    "Vitrin/",
    env!("CARGO_PKG_VERSION"),
    " (digital signage feed reader)"
);

impl Fetcher<'_> {
    /// GETs `url`, following redirects, within the limits.
    pub async fn get(&self, url: &str, accept: &str) -> Result<Fetched, FetchError> {
        let total = self.limits.total_timeout;
        match tokio::time::timeout(total, self.follow(url, accept)).await {
            Ok(result) => result,
            Err(_) => Err(FetchError::Timeout(total.as_secs().max(1))),
        }
    }

    async fn follow(&self, url: &str, accept: &str) -> Result<Fetched, FetchError> {
        let mut url = parse_url(url)?;
        let mut redirects = 0;
        loop {
            let host = url.host_str().unwrap_or_default().to_owned();
            let addrs = self.resolve(&url).await?;
            let mut builder = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .no_proxy()
                .connect_timeout(self.limits.connect_timeout)
                .user_agent(USER_AGENT);
            if literal_ip(&url).is_none() {
                builder = builder.resolve_to_addrs(&host, &addrs);
            }
            let client = builder.build().map_err(|e| FetchError::Http(words(&e)))?;
            let response = client
                .get(url.clone())
                .header(ACCEPT, accept)
                .send()
                .await
                .map_err(|e| classify(&e, &host, self.limits))?;
            let status = response.status();
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                if redirects == self.limits.max_redirects {
                    return Err(FetchError::TooManyRedirects(self.limits.max_redirects));
                }
                redirects += 1;
                let location = response
                    .headers()
                    .get(LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .ok_or_else(|| FetchError::BadRedirect("no Location header".into()))?;
                url = url
                    .join(location)
                    .map_err(|e| FetchError::BadRedirect(format!("{location}: {e}")))
                    .and_then(|next| {
                        check_scheme(&next)
                            .map_err(|_| FetchError::BadRedirect(next.to_string()))?;
                        Ok(next)
                    })?;
                continue;
            }
            if !status.is_success() {
                return Err(FetchError::Status(status_words(status)));
            }
            return self.read(response, url).await;
        }
    }

    /// The addresses of the URL's host, each one checked.
    async fn resolve(&self, url: &Url) -> Result<Vec<SocketAddr>, FetchError> {
        let port = url.port_or_known_default().unwrap_or(80);
        let host = url.host_str().unwrap_or_default().to_owned();
        let addrs: Vec<SocketAddr> = match literal_ip(url) {
            Some(ip) => vec![SocketAddr::new(ip, port)],
            None => tokio::net::lookup_host((host.as_str(), port))
                .await
                .map_err(|e| FetchError::Dns {
                    host: host.clone(),
                    detail: e.to_string(),
                })?
                .collect(),
        };
        if addrs.is_empty() {
            return Err(FetchError::Dns {
                host,
                detail: "no addresses".into(),
            });
        }
        for addr in &addrs {
            self.check(&host, addr.ip())?;
        }
        Ok(addrs)
    }

    /// Refuses a non-public address outside the allow-list.
    pub fn check(&self, host: &str, ip: IpAddr) -> Result<(), FetchError> {
        match non_public(ip) {
            Some(what) if !allowed(self.allow, ip) => Err(FetchError::Blocked {
                host: host.to_owned(),
                addr: ip,
                what,
            }),
            _ => Ok(()),
        }
    }

    async fn read(&self, mut response: reqwest::Response, url: Url) -> Result<Fetched, FetchError> {
        let max = self.limits.max_bytes;
        let too_large = || FetchError::TooLarge(size_words(max));
        let declared = response
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|len| len > max) {
            return Err(too_large());
        }
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mut body = Vec::with_capacity(declared.unwrap_or(16 * 1024).min(max) as usize);
        let host = url.host_str().unwrap_or_default().to_owned();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| classify(&e, &host, self.limits))?
        {
            if body.len() as u64 + chunk.len() as u64 > max {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched {
            body,
            content_type,
            url,
        })
    }
}

/// The address of a URL whose host is an IP literal (`http://10.0.0.1/`, `http://[::1]/`).
pub fn literal_ip(url: &Url) -> Option<IpAddr> {
    let host = url.host_str()?;
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

/// Parses a source URL: http or https, with a host.
pub fn parse_url(text: &str) -> Result<Url, FetchError> {
    let url = Url::parse(text.trim()).map_err(|e| FetchError::BadUrl(format!("{text}: {e}")))?;
    check_scheme(&url)?;
    Ok(url)
}

fn check_scheme(url: &Url) -> Result<(), FetchError> {
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(FetchError::BadUrl(url.to_string()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(FetchError::BadUrl(
            "user names and passwords inside the URL are not supported".into(),
        ));
    }
    Ok(())
}

fn allowed(allow: &[IpNet], ip: IpAddr) -> bool {
    let embedded = match ip {
        IpAddr::V6(v6) => embedded_v4(v6).map(IpAddr::V4),
        IpAddr::V4(_) => None,
    };
    allow
        .iter()
        .any(|net| net.contains(&ip) || embedded.is_some_and(|v4| net.contains(&v4)))
}

/// Why an address is not on the public internet, or `None` when it is.
pub fn non_public(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => non_public_v4(v4),
        IpAddr::V6(v6) => non_public_v6(v6),
    }
}

fn non_public_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        _ if ip.is_unspecified() || a == 0 => "an unspecified address",
        _ if ip.is_loopback() => "a loopback address",
        _ if ip.is_private() => "a private network address",
        _ if ip.is_link_local() => "a link-local address (cloud metadata lives there)",
        (100, 64..=127, _) => "a carrier-grade NAT address",
        _ if ip.is_multicast() => "a multicast address",
        _ if ip.is_broadcast() || a >= 240 => "a reserved address",
        (192, 0, 0) | (192, 0, 2) | (198, 51, 100) | (203, 0, 113) | (198, 18..=19, _) => {
            "a reserved address"
        }
        _ => return None,
    })
}

/// The IPv4 address inside an IPv6 address that carries one: IPv4-mapped (`::ffff:a.b.c.d`),
/// IPv4-compatible (`::a.b.c.d`), NAT64 (`64:ff9b::/96`) and 6to4 (`2002::/16`).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let low = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    match s {
        [0, 0, 0, 0, 0, 0xffff, _, _] => Some(low),
        [0, 0, 0, 0, 0, 0, _, _] if !ip.is_loopback() && !ip.is_unspecified() => Some(low),
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(low),
        [0x2002, hi, lo, ..] => Some(Ipv4Addr::new(
            (hi >> 8) as u8,
            hi as u8,
            (lo >> 8) as u8,
            lo as u8,
        )),
        _ => None,
    }
}

fn non_public_v6(ip: Ipv6Addr) -> Option<&'static str> {
    if let Some(v4) = embedded_v4(ip) {
        return non_public_v4(v4);
    }
    let first = ip.segments()[0];
    Some(match first {
        _ if ip.is_unspecified() => "an unspecified address",
        _ if ip.is_loopback() => "a loopback address",
        _ if first & 0xfe00 == 0xfc00 => "a private (unique-local) address",
        _ if first & 0xffc0 == 0xfe80 => "a link-local address",
        _ if first & 0xffc0 == 0xfec0 => "a site-local address",
        _ if first & 0xff00 == 0xff00 => "a multicast address",
        0x2001 if ip.segments()[1] == 0x0db8 => "a reserved address",
        0x0100 if ip.segments()[1..4] == [0, 0, 0] => "a reserved address",
        _ => return None,
    })
}

/// A reqwest error in plain words.
fn classify(e: &reqwest::Error, host: &str, limits: &FeedLimits) -> FetchError {
    if e.is_timeout() {
        // The only timeout reqwest itself enforces here is the connect timeout.
        return FetchError::Connect {
            host: host.to_owned(),
            detail: format!(
                "no connection within {} seconds",
                limits.connect_timeout.as_secs().max(1)
            ),
        };
    }
    if e.is_connect() {
        return FetchError::Connect {
            host: host.to_owned(),
            detail: words(e),
        };
    }
    FetchError::Http(words(e))
}

/// The innermost cause of an error: "Connection refused (os error 111)" rather than
/// "error sending request for url (…)".
fn words(e: &(dyn std::error::Error + 'static)) -> String {
    let mut inner: &dyn std::error::Error = e;
    while let Some(source) = inner.source() {
        inner = source;
    }
    inner.to_string()
}

fn status_words(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

/// `4 MiB`, `64 KiB`, `900 bytes`.
pub fn size_words(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 && bytes.is_multiple_of(1 << 10) {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn non_public_addresses_are_recognised() {
        for blocked in [
            "0.0.0.0",
            "127.0.0.1",
            "127.9.9.9",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "240.0.0.1",
            "::",
            "::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "::10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:0a00:0001::1",
            "2001:db8::1",
        ] {
            assert!(non_public(ip(blocked)).is_some(), "{blocked} is not public");
        }
        for public in [
            "1.1.1.1",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2a00:1450:4001::1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "2002:0808:0808::1",
        ] {
            assert_eq!(non_public(ip(public)), None, "{public} is public");
        }
    }

    #[test]
    fn the_allow_list_opens_exactly_its_networks() {
        let limits = FeedLimits::default();
        let allow: Vec<IpNet> = vec![
            "127.0.0.1/32".parse().unwrap(),
            "10.8.0.0/16".parse().unwrap(),
        ];
        let fetcher = Fetcher {
            limits: &limits,
            allow: &allow,
        };
        assert!(fetcher.check("h", ip("127.0.0.1")).is_ok());
        assert!(fetcher.check("h", ip("::ffff:127.0.0.1")).is_ok());
        assert!(fetcher.check("h", ip("10.8.200.1")).is_ok());
        assert!(fetcher.check("h", ip("93.184.216.34")).is_ok());
        let err = fetcher.check("intranet", ip("127.0.0.2")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "intranet is 127.0.0.2, a loopback address; feeds only reach the public internet \
             unless the operator allows that network (--feed-allow)"
        );
        assert!(fetcher.check("h", ip("10.9.0.1")).is_err());
        assert!(fetcher.check("h", ip("::1")).is_err());
    }

    #[test]
    fn only_http_urls_with_a_host_are_fetched() {
        assert!(parse_url("https://example.com/feed.xml").is_ok());
        assert!(parse_url(" http://[::1]:8080/x ").is_ok());
        for bad in [
            "ftp://example.com/x",
            "file:///etc/passwd",
            "example.com/feed",
            "http://user:pw@example.com/",
            "gopher://x",
        ] {
            assert!(parse_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sizes_in_words() {
        assert_eq!(size_words(4 << 20), "4 MiB");
        assert_eq!(size_words(64 << 10), "64 KiB");
        assert_eq!(size_words(1000), "1000 bytes");
    }
}
