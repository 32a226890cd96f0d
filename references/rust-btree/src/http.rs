//! One HTTP request: route, body, validation, the service call, the JSON reply, its timing.

use std::sync::Arc;
use std::time::Instant;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, HOST};
use hyper::{Method, Request, Response, StatusCode, Version};
use serde_json::{json, Value};

use crate::api::{self, ApiError, Call, Route, MAX_BODY_BYTES};
use crate::clock::Clock;
use crate::latency::Latency;
use crate::lru::Op;
use crate::service::{Service, ServiceError};
use crate::stats;

/// How much of an oversized body is still read (and thrown away) before the 413: a client
/// that is still sending when the connection closes may see a reset instead of the answer.
const DRAIN_LIMIT: usize = 1 << 20;

pub struct App {
    pub service: Arc<Service>,
    pub latency: Latency,
    pub clock: Clock,
}

impl App {
    /// Answers one request. Only successful (< 400) requests are timed, from arrival (headers
    /// parsed) to the response being ready to send.
    pub async fn handle(&self, request: Request<Incoming>) -> Response<Full<Bytes>> {
        let arrived = Instant::now();
        // OPTIONS * asks about the server, not a resource: 200 and nothing more, as net/http answers
        // it (Go 1.19 cannot be told otherwise).
        if request.method() == Method::OPTIONS && request.uri() == "*" {
            return Response::new(Full::new(Bytes::new()));
        }
        let mut route = None;
        let (status, body) = match self.answer(request, &mut route).await {
            Ok(reply) => reply,
            Err(error) => (error.status, json!({ "error": error.message })),
        };
        let response = json_response(status, &body);
        if let (Some(route), true) = (route, status < 400) {
            self.latency.record(route, arrived.elapsed());
        }
        response
    }

    async fn answer(&self, request: Request<Incoming>, route_out: &mut Option<Route>) -> Result<(u16, Value), ApiError> {
        check_request_head(&request)?;
        let path = request.uri().path().to_owned();
        let (route, params) = api::match_route(request.method().as_str(), &path)?;
        *route_out = Some(route);
        let declared = request.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
        let body = read_body(request.into_body(), declared).await?;
        let call = api::parse_call(route, &params, &body)?;
        self.perform(call).await
    }

    async fn perform(&self, call: Call) -> Result<(u16, Value), ApiError> {
        let service = &self.service;
        match call {
            Call::Message { author_id, channel_id, message_id, mentions } => {
                self.refuse_writes_while_store_fails()?;
                // The author has read their own message; everyone mentioned gets one more
                // mention (a user mentioned twice gets two).
                let mut ops = Vec::with_capacity(1 + mentions.len());
                ops.push((Op::Ack(message_id), (author_id, channel_id)));
                ops.extend(mentions.iter().map(|&user| (Op::Mention, (user, channel_id))));
                service.apply(&ops).await.map_err(service_error)?;
                Ok((200, json!({ "ok": true })))
            }
            Call::Ack { user_id, channel_id, message_id } => {
                self.refuse_writes_while_store_fails()?;
                let states = service.apply(&[(Op::Ack(message_id), (user_id, channel_id))]).await.map_err(service_error)?;
                Ok((200, states[0].to_json()))
            }
            Call::Read { user_id, channel_id } => {
                let states = service.apply(&[(Op::Read, (user_id, channel_id))]).await.map_err(service_error)?;
                Ok((200, states[0].to_json()))
            }
            Call::Reconnect { user_id, channel_ids } => {
                let ops: Vec<(Op, (u32, u32))> = channel_ids.iter().map(|&channel| (Op::Read, (user_id, channel))).collect();
                let states = service.apply(&ops).await.map_err(service_error)?;
                Ok((200, json!({ "readStates": states.iter().map(|s| s.to_json()).collect::<Vec<_>>() })))
            }
            Call::Health => Ok(match service.store_failure() {
                Some(cause) => (503, json!({ "status": "store-failing", "error": cause })),
                None => (200, json!({ "status": "ok", "contender": stats::CONTENDER, "cached": service.cached() })),
            }),
            Call::Stats => Ok((200, stats::snapshot(service, &self.latency, &self.clock))),
        }
    }

    /// Writes are refused while the store fails: their states could not be saved, and the
    /// caller should know before it counts them done.
    fn refuse_writes_while_store_fails(&self) -> Result<(), ApiError> {
        match self.service.store_failure() {
            Some(cause) => Err(ApiError::new(503, format!("store failing: {cause}"))),
            None => Ok(()),
        }
    }
}

fn service_error(error: ServiceError) -> ApiError {
    match error {
        ServiceError::Load(cause) => ApiError::new(503, format!("store failing: {cause}")),
        ServiceError::Closed => ApiError::new(503, "the service is shutting down"),
    }
}

/// The methods Node's parser (llhttp) reads: any other, "get" too (methods are case-sensitive),
/// is 400 there before the service sees it, and so it is here (docs/http-contract.md).
pub const KNOWN_METHODS: [&str; 35] = [
    "ACL",
    "BIND",
    "CHECKOUT",
    "CONNECT",
    "COPY",
    "DELETE",
    "GET",
    "HEAD",
    "LINK",
    "LOCK",
    "M-SEARCH",
    "MERGE",
    "MKACTIVITY",
    "MKCALENDAR",
    "MKCOL",
    "MOVE",
    "NOTIFY",
    "OPTIONS",
    "PATCH",
    "POST",
    "PROPFIND",
    "PROPPATCH",
    "PURGE",
    "PUT",
    "QUERY",
    "REBIND",
    "REPORT",
    "SEARCH",
    "SOURCE",
    "SUBSCRIBE",
    "TRACE",
    "UNBIND",
    "UNLINK",
    "UNLOCK",
    "UNSUBSCRIBE",
];

/// What the contract refuses and hyper lets through: an unknown method, an HTTP/1.1 request
/// without a Host header, more than one Host header (RFC 9112 section 3.2).
fn check_request_head(request: &Request<Incoming>) -> Result<(), ApiError> {
    if !KNOWN_METHODS.contains(&request.method().as_str()) {
        return Err(ApiError::new(400, "the method is not one HTTP defines (methods are case-sensitive)"));
    }
    match request.headers().get_all(HOST).iter().count() {
        0 if request.version() == Version::HTTP_11 => Err(ApiError::new(400, "an HTTP/1.1 request needs a Host header")),
        0 | 1 => Ok(()),
        _ => Err(ApiError::new(400, "more than one Host header")),
    }
}

/// The whole body, or 413 past MAX_BODY_BYTES.
async fn read_body(mut body: Incoming, declared: Option<u64>) -> Result<Vec<u8>, ApiError> {
    let too_large = || ApiError::new(413, format!("the body is larger than {MAX_BODY_BYTES} bytes"));
    if declared.is_some_and(|length| length > DRAIN_LIMIT as u64) {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(declared.unwrap_or(0).min(MAX_BODY_BYTES as u64) as usize);
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| ApiError::new(400, format!("could not read the body: {e}")))?;
        let Ok(data) = frame.into_data() else { continue }; // trailers
        seen += data.len();
        if seen > DRAIN_LIMIT {
            break;
        }
        if seen <= MAX_BODY_BYTES {
            bytes.extend_from_slice(&data);
        }
    }
    if seen > MAX_BODY_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

fn json_response(status: u16, body: &Value) -> Response<Full<Bytes>> {
    let bytes = serde_json::to_vec(body).expect("a JSON value serializes");
    let mut response = Response::new(Full::new(Bytes::from(bytes)));
    *response.status_mut() = StatusCode::from_u16(status).expect("a valid status code");
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
