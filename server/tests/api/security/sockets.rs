//! Sockets that outlive their session.
use crate::helpers::*;
use futures::{SinkExt, StreamExt};
use reqwest::{Client, StatusCode};
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

async fn cookie_of(app: &TestApp, email: &str) -> String {
    let r = app
        .client()
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .find(|c| c.starts_with("tandem_session="))
        .unwrap()
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn socket(base: &str, cookie: &str) -> Ws {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut req = format!("{}/ws", base.replace("http://", "ws://"))
        .into_client_request()
        .unwrap();
    req.headers_mut().insert("cookie", cookie.parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req)
        .await
        .expect("websocket");
    ws.send(Message::Text(
        json!({"type": "hello", "after": 0}).to_string().into(),
    ))
    .await
    .unwrap();
    loop {
        let m = tokio::time::timeout(std::time::Duration::from_secs(5), ws.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        if m.to_text().unwrap_or_default().contains("welcome") {
            return ws;
        }
    }
}

/// True if the socket closes within a few seconds (messages before the close are skipped).
async fn closes(ws: &mut Ws) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while std::time::Instant::now() < deadline {
        match tokio::time::timeout(std::time::Duration::from_millis(500), ws.next()).await {
            Ok(None) | Ok(Some(Err(_))) | Ok(Some(Ok(Message::Close(_)))) => return true,
            _ => {}
        }
    }
    false
}

#[tokio::test]
async fn an_ended_session_closes_its_sockets_on_every_instance() {
    for b in backends() {
        let app = spawn_app(b).await;
        // Sign-out closes that session's socket, and only that one.
        let one = cookie_of(&app, "rep2@demo.tandem").await;
        let other = cookie_of(&app, "rep2@demo.tandem").await;
        let mut ws_one = socket(&app.base, &one).await;
        let mut ws_other = socket(&app.base, &other).await;
        let r = Client::new()
            .post(app.url("/api/v1/auth/logout"))
            .header("cookie", &one)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        assert!(
            closes(&mut ws_one).await,
            "{b:?}: socket outlived its session"
        );
        assert!(
            !closes(&mut ws_other).await,
            "{b:?}: another session's socket closed"
        );

        // Deactivation closes every socket of the user, here and on another instance.
        let elsewhere = match b {
            Backend::Postgres => Some(app.second_instance().await),
            Backend::Sqlite => None,
        };
        let mut ws_elsewhere = match &elsewhere {
            Some(i) => Some(socket(&i.base, &other).await),
            None => None,
        };
        let admin = app.login("admin@demo.tandem").await;
        let id = app.user_id("rep2@demo.tandem").await;
        let user = json(
            admin
                .get(app.url(&format!("/api/v1/users/{id}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        let r = admin
            .patch(app.url(&format!("/api/v1/users/{id}")))
            .json(&json!({"version": user["version"], "active": false}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(
            closes(&mut ws_other).await,
            "{b:?}: socket outlived deactivation"
        );
        if let Some(ws) = ws_elsewhere.as_mut() {
            assert!(
                closes(ws).await,
                "socket on the other instance outlived deactivation"
            );
        }
    }
}
