//! What the handlers' annotations leave out of the OpenAPI document, added in one place so the
//! document tells the truth about every operation (a schemathesis run in CI holds it to that):
//!
//! - errors are `application/problem+json`, not `application/json`;
//! - the statuses the shared extractors and layers answer: 400 for a malformed body, path or
//!   query, 415 for a body that is not JSON, 422 for a well-formed but invalid one, 401 without
//!   valid credentials, 403 for writes the role does not allow, 404 for an unknown id, 409 for a
//!   write that collides with what exists;
//! - who may call: nobody needs credentials for setup, login, pairing and tracked links; the
//!   player's endpoints take its device token;
//! - create and replace bodies of the content library: the server assigns `id`, so a request
//!   need not carry one (the read schemas require it).
//!
//! Worked on the document's JSON form: it is short, and utoipa's builders would be longer.

use serde_json::{Map, Value, json};
use utoipa::openapi::OpenApi;

/// Operations anyone may call.
const PUBLIC: [&str; 5] = [
    "/api/v1/setup",
    "/api/v1/auth/login",
    "/api/player/v1/pair",
    "/api/player/v1/pair/status",
    "/q/{code}",
];
const PLAYER: &str = "/api/player/v1/";
/// Library documents whose create/replace bodies get a schema without a required `id`.
const LIBRARY: [(&str, &str); 4] = [
    ("/api/v1/content", "ContentItem"),
    ("/api/v1/playlists", "Playlist"),
    ("/api/v1/layouts", "Layout"),
    ("/api/v1/rules", "ScheduleRule"),
];

pub struct Truthful;

impl utoipa::Modify for Truthful {
    fn modify(&self, openapi: &mut OpenApi) {
        let mut doc = serde_json::to_value(&*openapi).expect("the document serializes");
        complete(&mut doc);
        *openapi = serde_json::from_value(doc).expect("the completed document deserializes");
    }
}

fn complete(doc: &mut Value) {
    add_input_schemas(doc);
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, operation) in item.iter_mut() {
            if let Some(operation) = operation.as_object_mut() {
                complete_operation(path, method, operation);
            }
        }
    }
}

fn complete_operation(path: &str, method: &str, op: &mut Map<String, Value>) {
    let public = PUBLIC.contains(&path);
    if public {
        op.insert("security".into(), json!([]));
    } else if path.starts_with(PLAYER) {
        op.insert("security".into(), json!([{"device": []}]));
    }
    if let Some((_, schema)) = LIBRARY
        .iter()
        .find(|(base, _)| path == *base || path == format!("{base}/{{id}}"))
        && matches!(method, "post" | "put")
        && let Some(body) = op.get_mut("requestBody")
    {
        body["content"]["application/json"]["schema"] =
            json!({"$ref": format!("#/components/schemas/{schema}Input")});
    }
    let json_body = op
        .get("requestBody")
        .is_some_and(|b| b["content"].get("application/json").is_some());
    let any_body = op.contains_key("requestBody");
    let params: Vec<String> = op
        .get("parameters")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .filter_map(|p| p["in"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let write = matches!(method, "post" | "put" | "delete");
    let responses = op
        .entry("responses")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .expect("responses is an object");
    for response in responses.values_mut() {
        problem_content(response);
    }
    let mut add = |status: &str, description: &str| {
        responses
            .entry(status)
            .or_insert_with(|| problem(description));
    };
    if any_body || params.iter().any(|p| p == "query" || p == "path") {
        add("400", "malformed body, path or query");
    }
    if json_body {
        add("415", "the body is not JSON");
        add("422", "invalid fields, each named in `errors`");
    }
    if !public {
        add("401", "no valid credentials");
    }
    if !public && write && !path.starts_with(PLAYER) {
        add("403", "the role does not allow this");
        if any_body {
            add(
                "409",
                "collides with what exists (a name in use, a reference)",
            );
        }
    }
    if params.iter().any(|p| p == "path") {
        add("404", "no such object (or another organization's)");
    }
}

fn problem(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    })
}

/// An error response documented as `application/json` with the `Problem` schema is served as
/// `application/problem+json`.
fn problem_content(response: &mut Value) {
    let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) else {
        return;
    };
    let is_problem = content
        .get("application/json")
        .is_some_and(|c| c["schema"]["$ref"] == "#/components/schemas/Problem");
    if is_problem && let Some(media) = content.remove("application/json") {
        content.insert("application/problem+json".into(), media);
    }
}

/// `<Name>Input`: the read schema of a library document with `id` no longer required.
fn add_input_schemas(doc: &mut Value) {
    let Some(schemas) = doc["components"]["schemas"].as_object_mut() else {
        return;
    };
    for (_, name) in LIBRARY {
        let Some(mut schema) = schemas.get(name).cloned() else {
            continue;
        };
        optional_id(&mut schema);
        schema["description"] = json!(format!(
            "A {name} to create or replace; `id`, if given, is ignored (the server assigns it)."
        ));
        schemas.insert(format!("{name}Input"), schema);
    }
}

fn optional_id(schema: &mut Value) {
    if let Some(required) = schema.get_mut("required").and_then(Value::as_array_mut) {
        required.retain(|field| field != "id");
    }
    if let Some(parts) = schema.get_mut("allOf").and_then(Value::as_array_mut) {
        parts.iter_mut().for_each(optional_id);
    }
}
