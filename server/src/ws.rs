//! `/ws`: alerts pushed live to every device a user has open (see docs/api.md).
//!
//! The client says `hello` with the last alert id it saw; the socket answers `welcome`
//! (with the unread count), replays every later alert oldest first, then pushes live ones,
//! and tells the device when alerts were read elsewhere. Pings every 20 s; a socket silent
//! for 60 s is closed, and the client reconnects and says hello again.
use crate::rest::error::ApiError;
use crate::rest::extract::Auth;
use crate::startup::ServerState;
use app::error::AppError;
use app::model::WsMessage;
use app::ssr::hub::Push;
use app::ssr::services::alerts as service;
use app::ssr::services::kpis::{self, KpiQuery};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use futures::{SinkExt, StreamExt};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

const PING_EVERY: Duration = Duration::from_secs(20);
const SILENCE_LIMIT: Duration = Duration::from_secs(60);

pub async fn upgrade(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    // Only pages of this site may open a socket with the user's cookie; a client that is
    // not a browser sends no Origin, and its cookie or token still decides.
    if headers.contains_key(header::ORIGIN) && !s.security.is_same_origin(peer.ip(), &headers) {
        return ApiError(AppError::Forbidden).into_response();
    }
    // Small buffers: an idle socket should cost little memory.
    ws.read_buffer_size(4 * 1024)
        .write_buffer_size(4 * 1024)
        .max_message_size(64 * 1024)
        .on_upgrade(move |socket| session(s, v, headers, socket))
}

async fn send(socket: &mut futures::stream::SplitSink<WebSocket, Message>, m: &WsMessage) -> bool {
    match serde_json::to_string(m) {
        Ok(text) => socket.send(Message::Text(text.into())).await.is_ok(),
        Err(_) => true,
    }
}

/// Whether the session or token the socket was opened with still signs its user in.
async fn still_signed_in(state: &app::ssr::AppState, viewer: &app::ssr::auth::Viewer) -> bool {
    let Some(hash) = viewer.credential.as_deref() else {
        return true;
    };
    let now = state.clock.now_ms();
    let found = if viewer.token_scopes.is_some() {
        app::ssr::store::sessions::viewer_for_token(&state.db.read, hash, now).await
    } else {
        app::ssr::store::sessions::viewer_for_session(&state.db.read, hash, now).await
    };
    // A database hiccup does not close sockets; only a definite "no".
    !matches!(found, Ok(None))
}

async fn session(
    s: ServerState,
    viewer: app::ssr::auth::Viewer,
    headers: HeaderMap,
    socket: WebSocket,
) {
    let state = s.app;
    let user_id = viewer.user_id;
    // Subscribe before any replay, so nothing committed in between is missed.
    let mut sub = state.hub.subscribe(user_id);
    let (mut out, mut inbound) = socket.split();
    // None until the client said hello: live alerts wait for the replay.
    let mut sent_upto: Option<i64> = None;
    // The dashboard this socket's page shows, if any: its tiles are kept live.
    let mut watching: Option<KpiQuery> = None;
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    let mut heard = Instant::now();
    loop {
        tokio::select! {
            msg = inbound.next() => {
                let Some(Ok(msg)) = msg else { break };
                heard = Instant::now();
                let text = match msg {
                    Message::Text(t) => t,
                    Message::Close(_) => break,
                    _ => continue,
                };
                match serde_json::from_str::<WsMessage>(text.as_str()) {
                    Ok(WsMessage::Hello { after }) => {
                        // A reconnecting client says hello again: re-check what let it in,
                        // in case its end was announced while this instance did not hear.
                        if !still_signed_in(&state, &viewer).await {
                            break;
                        }
                        let (unread, upto) = app::ssr::store::alerts::badge(&state.db.read, user_id).await.unwrap_or((0, 0));
                        if !send(&mut out, &WsMessage::Welcome { user_id, unread, upto }).await {
                            break;
                        }
                        let mut upto = after.max(0);
                        loop {
                            let Ok(batch) = service::replay(&state, user_id, upto, 500).await else { break };
                            let done = batch.len() < 500;
                            for alert in batch {
                                upto = alert.id;
                                if !send(&mut out, &WsMessage::Alert { alert }).await {
                                    return;
                                }
                            }
                            if done {
                                break;
                            }
                        }
                        sent_upto = Some(sent_upto.map_or(upto, |u| u.max(upto)));
                    }
                    Ok(WsMessage::Ping) if !send(&mut out, &WsMessage::Pong).await => break,
                    Ok(WsMessage::WatchKpis { period, from, to, team_id, rep_id }) => {
                        // A query that cannot be read, or a viewer without KPIs, watches nothing.
                        watching = KpiQuery::from_page(period, from, to, team_id, rep_id, None, None)
                            .ok()
                            .filter(|_| app::domain::scope::can_see_dashboard(viewer.role));
                        sub.watch_kpis(watching.is_some());
                    }
                    Ok(WsMessage::UnwatchKpis) => {
                        watching = None;
                        sub.watch_kpis(false);
                    }
                    _ => {}
                }
            }
            push = sub.rx.recv() => {
                let Some(first) = push else { break };
                // Everything already queued goes out in one flush.
                let mut pending = vec![first];
                while let Ok(more) = sub.rx.try_recv() {
                    pending.push(more);
                }
                let mut failed = false;
                for push in pending {
                    let text: String = match push {
                        Push::Alert(alert, text) => match sent_upto {
                            Some(upto) if alert.id > upto => {
                                sent_upto = Some(alert.id);
                                // Serialised once by the dispatcher for every socket.
                                text.as_ref().to_string()
                            }
                            _ => continue,
                        },
                        Push::Read(ids) => serde_json::to_string(&WsMessage::Read { ids }).unwrap_or_default(),
                        Push::ReadAll(upto) => serde_json::to_string(&WsMessage::ReadAll { upto }).unwrap_or_default(),
                        Push::Queue => serde_json::to_string(&WsMessage::Queue).unwrap_or_default(),
                        Push::Kpi => {
                            let Some(q) = watching.clone() else { continue };
                            let lang = app::ssr::context::lang_of(&headers, Some(&viewer));
                            match kpis::report(&state, &viewer, q, lang).await {
                                Ok(report) => serde_json::to_string(&WsMessage::Kpi { report }).unwrap_or_default(),
                                Err(_) => continue,
                            }
                        }
                        Push::Ended(which) => {
                            if which.is_none() || which.as_deref() == viewer.credential.as_deref() {
                                failed = true;
                                break;
                            }
                            continue;
                        }
                    };
                    if out.feed(Message::Text(text.into())).await.is_err() {
                        failed = true;
                        break;
                    }
                }
                if failed || out.flush().await.is_err() {
                    break;
                }
            }
            _ = ping.tick() => {
                if heard.elapsed() > SILENCE_LIMIT {
                    break;
                }
                if out.send(Message::Ping(Default::default())).await.is_err() {
                    break;
                }
            }
        }
    }
    let _ = out.close().await;
}
