//! The HTTP API's routes and request validation, as harness/serve/api.ts has them. Every check
//! happens before any state changes, so a bad request changes nothing.
//!
//!   POST /messages                  {"authorId", "channelId", "messageId", "mentions": [userId]}
//!   POST /acks                      {"userId", "channelId", "messageId"}
//!   GET  /read-states/:user/:channel
//!   POST /users/:user/reconnect     {"channelIds": [channelId]}
//!   GET  /health
//!   GET  /stats

use serde_json::{Map, Number, Value};

/// The largest body accepted.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The most ids one list (mentions, reconnect channels) may hold.
pub const MAX_LIST: usize = 10_000;
/// The largest JavaScript safe integer, 2^53 - 1: message ids must survive JSON numbers.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    Message,
    Ack,
    Read,
    Reconnect,
    Health,
    Stats,
}

impl Route {
    pub const ALL: [Route; 6] = [Route::Message, Route::Ack, Route::Read, Route::Reconnect, Route::Health, Route::Stats];

    /// Its name in /stats "latency".
    pub fn name(self) -> &'static str {
        match self {
            Route::Message => "message",
            Route::Ack => "ack",
            Route::Read => "read",
            Route::Reconnect => "reconnect",
            Route::Health => "health",
            Route::Stats => "stats",
        }
    }
}

#[derive(Debug, PartialEq)]
pub enum Call {
    Message { author_id: u32, channel_id: u32, message_id: u64, mentions: Vec<u32> },
    Ack { user_id: u32, channel_id: u32, message_id: u64 },
    Read { user_id: u32, channel_id: u32 },
    Reconnect { user_id: u32, channel_ids: Vec<u32> },
    Health,
    Stats,
}

/// A request the API refuses: an HTTP status and one line saying why.
#[derive(Debug, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub message: String,
}

impl ApiError {
    pub fn new(status: u16, message: impl Into<String>) -> ApiError {
        ApiError { status, message: message.into() }
    }
}

/// Which call a method and path name, before the body is read: 404 or 405 otherwise.
/// Returns the path parameters (raw, not yet checked).
pub fn match_route<'p>(method: &str, path: &'p str) -> Result<(Route, Vec<&'p str>), ApiError> {
    let (route, allowed, params) = if path == "/messages" {
        (Route::Message, "POST", vec![])
    } else if path == "/acks" {
        (Route::Ack, "POST", vec![])
    } else if let Some([user, channel]) = segments(path, "/read-states/", "") {
        (Route::Read, "GET", vec![user, channel])
    } else if let Some([user]) = segments(path, "/users/", "/reconnect") {
        (Route::Reconnect, "POST", vec![user])
    } else if path == "/health" {
        (Route::Health, "GET", vec![])
    } else if path == "/stats" {
        (Route::Stats, "GET", vec![])
    } else {
        return Err(ApiError::new(404, format!("no route {method} {path}")));
    };
    if method != allowed {
        return Err(ApiError::new(405, format!("{path} takes {allowed}, not {method}")));
    }
    Ok((route, params))
}

/// The N non-empty, slash-free segments between `prefix` and `suffix` (the regexes' `[^/]+`).
fn segments<'p, const N: usize>(path: &'p str, prefix: &str, suffix: &str) -> Option<[&'p str; N]> {
    let middle = path.strip_prefix(prefix)?.strip_suffix(suffix)?;
    let mut parts = middle.split('/');
    let mut out = [""; N];
    for slot in &mut out {
        *slot = parts.next().filter(|part| !part.is_empty())?;
    }
    parts.next().is_none().then_some(out)
}

/// Parses and checks a call's body and path parameters: 400 naming the field otherwise.
pub fn parse_call(route: Route, params: &[&str], body: &[u8]) -> Result<Call, ApiError> {
    Ok(match route {
        Route::Health => Call::Health,
        Route::Stats => Call::Stats,
        Route::Read => Call::Read { user_id: path_id(params[0], "user")?, channel_id: path_id(params[1], "channel")? },
        Route::Reconnect => {
            let json = json_object(body)?;
            Call::Reconnect { user_id: path_id(params[0], "user")?, channel_ids: id_list(&json, "channelIds")? }
        }
        Route::Ack => {
            let json = json_object(body)?;
            Call::Ack { user_id: id(&json, "userId")?, channel_id: id(&json, "channelId")?, message_id: message_id(&json)? }
        }
        Route::Message => {
            let json = json_object(body)?;
            Call::Message {
                author_id: id(&json, "authorId")?,
                channel_id: id(&json, "channelId")?,
                message_id: message_id(&json)?,
                mentions: id_list(&json, "mentions")?,
            }
        }
    })
}

/// The fields any call reads; every other field is only checked to be JSON, as JSON.parse
/// checks it (docs/http-contract.md): a lone surrogate escape ("\ud800") or nesting deeper than
/// serde_json's 128 levels in a field nobody reads does not make the body invalid.
const FIELDS: [&str; 6] = ["userId", "channelId", "messageId", "authorId", "mentions", "channelIds"];

fn json_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    // Node reads the body as UTF-8, replacing bad bytes, before JSON.parse: so do we.
    let text = String::from_utf8_lossy(body);
    let mut parser = serde_json::Deserializer::from_str(&text);
    let parsed =
        serde_core::Deserializer::deserialize_any(&mut parser, ObjectOfFields).and_then(|object| parser.end().map(|()| object));
    match parsed {
        Ok(Some(map)) => Ok(map),
        Ok(None) => Err(ApiError::new(400, "the body must be a JSON object")),
        Err(_) => Err(ApiError::new(400, "the body is not valid JSON")),
    }
}

/// A key of the body's object: which of FIELDS it is, if any. Read as bytes, so that a key nobody
/// reads may hold a lone surrogate escape, as JSON.parse allows (serde_json refuses one in a str).
struct FieldName(Option<&'static str>);

impl<'de> serde_core::Deserialize<'de> for FieldName {
    fn deserialize<D: serde_core::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_bytes(FieldNameVisitor)
    }
}

struct FieldNameVisitor;

impl<'de> serde_core::de::Visitor<'de> for FieldNameVisitor {
    type Value = FieldName;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a key")
    }

    fn visit_bytes<E: serde_core::de::Error>(self, key: &[u8]) -> Result<FieldName, E> {
        Ok(FieldName(FIELDS.iter().copied().find(|name| name.as_bytes() == key)))
    }

    fn visit_str<E: serde_core::de::Error>(self, key: &str) -> Result<FieldName, E> {
        self.visit_bytes(key.as_bytes())
    }
}

/// A JSON object's known fields (the last of a repeated key wins, as in JSON.parse), the others
/// skipped unread; None for any other JSON value.
struct ObjectOfFields;

impl<'de> serde_core::de::Visitor<'de> for ObjectOfFields {
    type Value = Option<Map<String, Value>>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: serde_core::de::MapAccess<'de>>(self, mut fields: A) -> Result<Self::Value, A::Error> {
        let mut map = Map::new();
        while let Some(FieldName(known)) = fields.next_key::<FieldName>()? {
            match known {
                Some(name) => {
                    map.insert(name.to_owned(), fields.next_value::<Value>()?);
                }
                None => {
                    fields.next_value::<serde_core::de::IgnoredAny>()?;
                }
            }
        }
        Ok(Some(map))
    }

    fn visit_seq<A: serde_core::de::SeqAccess<'de>>(self, mut items: A) -> Result<Self::Value, A::Error> {
        while items.next_element::<serde_core::de::IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

fn path_id(raw: &str, what: &str) -> Result<u32, ApiError> {
    let digits = (1..=10).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_digit());
    digits
        .then(|| raw.parse::<u64>().ok())
        .flatten()
        .and_then(|value| u32::try_from(value).ok())
        .ok_or_else(|| ApiError::new(400, format!("the {what} id in the path must be an integer from 0 to 4294967295")))
}

/// The value of a JSON number if it is an integer from 0 to `max`, judged as JavaScript judges
/// the number JSON.parse makes of it: 7, 7.0 and 7e0 are all the integer 7; 7.5, -1, "7",
/// null and true are not integers.
fn integer_up_to(value: Option<&Value>, max: u64) -> Option<u64> {
    let Some(Value::Number(number)) = value else { return None };
    integer(number).filter(|&n| n <= max)
}

fn integer(number: &Number) -> Option<u64> {
    if let Some(n) = number.as_u64() {
        // Above 2^53 JavaScript would round it, but both ranges checked end below 2^53.
        return Some(n);
    }
    if number.as_i64().is_some() {
        return None; // negative (serde_json keeps non-negative integers as u64)
    }
    let f = number.as_f64()?;
    // -0.0 counts as 0, like JavaScript's -0 >= 0.
    (f.fract() == 0.0 && f >= 0.0 && f <= MAX_SAFE_INTEGER as f64).then_some(f as u64)
}

fn id(json: &Map<String, Value>, key: &str) -> Result<u32, ApiError> {
    integer_up_to(json.get(key), u32::MAX as u64)
        .map(|n| n as u32)
        .ok_or_else(|| ApiError::new(400, format!("\"{key}\" must be an integer from 0 to 4294967295")))
}

fn message_id(json: &Map<String, Value>) -> Result<u64, ApiError> {
    integer_up_to(json.get("messageId"), MAX_SAFE_INTEGER)
        .ok_or_else(|| ApiError::new(400, "\"messageId\" must be an integer from 0 to 2^53 - 1"))
}

fn id_list(json: &Map<String, Value>, key: &str) -> Result<Vec<u32>, ApiError> {
    let refuse = || ApiError::new(400, format!("\"{key}\" must be an array of at most {MAX_LIST} ids from 0 to 4294967295"));
    let Some(Value::Array(items)) = json.get(key) else { return Err(refuse()) };
    if items.len() > MAX_LIST {
        return Err(refuse());
    }
    items.iter().map(|item| integer_up_to(Some(item), u32::MAX as u64).map(|n| n as u32).ok_or_else(refuse)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ack(body: &str) -> Result<Call, ApiError> {
        parse_call(Route::Ack, &[], body.as_bytes())
    }

    #[test]
    fn routes_like_the_node_api() {
        assert_eq!(match_route("GET", "/read-states/7/70").unwrap(), (Route::Read, vec!["7", "70"]));
        assert_eq!(match_route("POST", "/users/7/reconnect").unwrap(), (Route::Reconnect, vec!["7"]));
        assert_eq!(match_route("GET", "/read-states/7").unwrap_err().status, 404);
        assert_eq!(match_route("GET", "/read-states//7").unwrap_err().status, 404);
        assert_eq!(match_route("GET", "/read-states/7/70/1").unwrap_err().status, 404);
        assert_eq!(match_route("POST", "/users/a/b/reconnect").unwrap_err().status, 404);
        assert_eq!(match_route("DELETE", "/read-states/7/70").unwrap_err().status, 405);
        assert_eq!(match_route("GET", "/acks").unwrap_err(), ApiError::new(405, "/acks takes POST, not GET"));
        assert_eq!(match_route("POST", "/nowhere").unwrap_err().status, 404);
    }

    #[test]
    fn accepts_integers_the_way_javascript_sees_them() {
        let ok = |body: &str| ack(body).unwrap();
        assert_eq!(ok(r#"{"userId":7,"channelId":70,"messageId":5}"#), Call::Ack { user_id: 7, channel_id: 70, message_id: 5 });
        assert_eq!(
            ok(r#"{"userId":7.0,"channelId":7e1,"messageId":1e3}"#),
            Call::Ack { user_id: 7, channel_id: 70, message_id: 1000 }
        );
        assert_eq!(
            ok(r#"{"userId":4294967295,"channelId":-0,"messageId":9007199254740991}"#),
            Call::Ack { user_id: u32::MAX, channel_id: 0, message_id: (1 << 53) - 1 }
        );
    }

    #[test]
    fn refuses_what_the_node_api_refuses() {
        for bad_id in ["-1", "4294967296", "1.5", "\"7\"", "null", "true", "[]", "{}", "9007199254740993"] {
            let body = format!(r#"{{"userId":{bad_id},"channelId":70,"messageId":5}}"#);
            assert_eq!(ack(&body).unwrap_err().status, 400, "{body}");
        }
        for bad in ["-1", "1.5", "\"7\"", "null", "9007199254740992", "{}", "1e400"] {
            let body = format!(r#"{{"userId":7,"channelId":70,"messageId":{bad}}}"#);
            assert_eq!(ack(&body).unwrap_err().status, 400, "{body}");
        }
        for body in ["", "[1, 2, 3]", "7", "null", r#"{"userId": 7, "channelId": 70, "messageId": "#] {
            assert_eq!(ack(body).unwrap_err().status, 400, "{body}");
        }
        let message = |mentions: &str| {
            parse_call(
                Route::Message,
                &[],
                format!(r#"{{"authorId":7,"channelId":70,"messageId":9,"mentions":{mentions}}}"#).as_bytes(),
            )
        };
        assert!(message("[7, 9, 7]").is_ok());
        assert_eq!(message("\"all\"").unwrap_err().status, 400);
        assert_eq!(message("[7, -1]").unwrap_err().status, 400);
        let too_many = format!("[{}]", vec!["1"; MAX_LIST + 1].join(","));
        assert_eq!(message(&too_many).unwrap_err().status, 400);
        for raw in ["-1", "4294967296", "1.5", "x", "%20", "99999999999", "0x10", ""] {
            assert_eq!(parse_call(Route::Read, &[raw, "70"], b"").unwrap_err().status, 400, "{raw}");
        }
        assert_eq!(parse_call(Route::Read, &["0004294967", "70"], b"").unwrap(), Call::Read { user_id: 4294967, channel_id: 70 });
    }
}
