//! sd_notify: readiness and watchdog pings reach the socket systemd names. (The only test in
//! this binary: it changes the process environment.)

use std::os::unix::net::UnixDatagram;
use std::time::Duration;

use vitrin_player::render::kiosk::{Kiosk, sd_notify};

fn receive(socket: &UnixDatagram) -> String {
    let mut buf = [0u8; 256];
    let n = socket.recv(&mut buf).expect("a notification arrives");
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

// One test for everything that touches NOTIFY_SOCKET: the environment is process-wide.
#[test]
fn ready_and_watchdog_reach_the_notify_socket() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notify");
    let socket = UnixDatagram::bind(&path).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();

    // SAFETY: this test binary runs no other thread that reads the environment.
    unsafe { std::env::remove_var("NOTIFY_SOCKET") };
    assert!(!sd_notify("READY=1").unwrap(), "no socket, nothing sent");

    unsafe { std::env::set_var("NOTIFY_SOCKET", &path) };
    assert!(sd_notify("WATCHDOG=1").unwrap());
    assert_eq!(receive(&socket), "WATCHDOG=1");

    // The UI loop's first tick says it is ready and alive.
    let ctx = egui::Context::default();
    let mut kiosk = Kiosk::new(true);
    kiosk.tick(&ctx);
    let first = receive(&socket);
    assert!(first.lines().any(|l| l == "READY=1"), "{first:?}");
    assert!(first.lines().any(|l| l == "WATCHDOG=1"), "{first:?}");

    // Abstract sockets ("@name"), as systemd may hand out.
    let name = format!("vitrin-notify-test-{}", std::process::id());
    let addr =
        <std::os::unix::net::SocketAddr as std::os::linux::net::SocketAddrExt>::from_abstract_name(
            &name,
        )
        .unwrap();
    let abstract_socket = UnixDatagram::bind_addr(&addr).unwrap();
    abstract_socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    unsafe { std::env::set_var("NOTIFY_SOCKET", format!("@{name}")) };
    assert!(sd_notify("WATCHDOG=1").unwrap());
    assert_eq!(receive(&abstract_socket), "WATCHDOG=1");
    unsafe { std::env::remove_var("NOTIFY_SOCKET") };
}
