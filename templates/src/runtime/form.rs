//! `application/x-www-form-urlencoded` bodies (HubSpot's OAuth token endpoints), from the
//! same models JSON bodies use.

use serde::Serialize;
use serde_json::Value;

/// The form for `value`, which must serialise to an object: each property is a `key=value`
/// pair, in the order serde writes them. A string is sent as it is, a number or boolean as
/// JSON writes it, an array as one pair per item, a nested object as its JSON text; `null`
/// (an unset optional field) is left out.
pub(crate) fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, String> {
    let object = match serde_json::to_value(value).map_err(|e| e.to_string())? {
        Value::Object(object) => object,
        other => {
            return Err(format!(
                "a form body must be an object, not {}",
                kind_of(&other)
            ))
        }
    };
    let mut out = String::new();
    let mut pair = |key: &str, value: &Value| {
        let text = match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        if !out.is_empty() {
            out.push('&');
        }
        encode_component(key, &mut out);
        out.push('=');
        encode_component(&text, &mut out);
    };
    for (key, value) in &object {
        match value {
            Value::Null => {}
            Value::Array(items) => items.iter().for_each(|item| pair(key, item)),
            other => pair(key, other),
        }
    }
    Ok(out.into_bytes())
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The HTML standard's urlencoded byte serializer: alphanumerics and `*-._` as they are,
/// space as `+`, every other byte percent-encoded.
pub(crate) fn encode_component(text: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in text.bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(HEX[usize::from(byte >> 4)] as char);
                out.push(HEX[usize::from(byte & 0xF)] as char);
            }
        }
    }
}

/// The pairs of an encoded form, decoded (`+` is a space; a `%` that starts no escape is
/// kept as it is): how the values of a form body are found to keep them out of errors.
pub(crate) fn decode(form: &[u8]) -> Vec<(String, String)> {
    form.split(|&b| b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = match pair.iter().position(|&b| b == b'=') {
                Some(at) => (&pair[..at], &pair[at + 1..]),
                None => (pair, &[][..]),
            };
            (decode_component(key), decode_component(value))
        })
        .collect()
}

fn decode_component(text: &[u8]) -> String {
    let hex = |b: u8| char::from(b).to_digit(16);
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                text.get(i + 1).and_then(|&b| hex(b)),
                text.get(i + 2).and_then(|&b| hex(b)),
            ) {
                (Some(high), Some(low)) => {
                    out.push((high * 16 + low) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn form(value: Value) -> String {
        String::from_utf8(encode(&value).unwrap()).unwrap()
    }

    #[test]
    fn an_oauth_refresh_is_encoded_as_the_token_endpoint_reads_it() {
        let body = json!({
            "grant_type": "refresh_token",
            "client_id": "5a1b-c",
            "client_secret": "s/e+c=r&e t",
            "redirect_uri": "https://example.com/cb?x=1",
            "scope": null,
        });
        assert_eq!(
            form(body),
            "client_id=5a1b-c&client_secret=s%2Fe%2Bc%3Dr%26e+t&grant_type=refresh_token\
             &redirect_uri=https%3A%2F%2Fexample.com%2Fcb%3Fx%3D1"
        );
    }

    #[test]
    fn scalars_lists_and_objects_have_one_spelling_each() {
        let body = json!({"n": 5, "b": false, "ids": [1, "a"], "o": {"k": "v"}, "u": "é"});
        assert_eq!(
            form(body),
            "b=false&ids=1&ids=a&n=5&o=%7B%22k%22%3A%22v%22%7D&u=%C3%A9"
        );
    }

    #[test]
    fn a_form_decodes_to_the_pairs_it_was_made_of() {
        let body = json!({"client_secret": "s/e+c=r&e t", "u": "é", "n": 5});
        let encoded = encode(&body).unwrap();
        assert_eq!(
            decode(&encoded),
            [
                ("client_secret".to_owned(), "s/e+c=r&e t".to_owned()),
                ("n".to_owned(), "5".to_owned()),
                ("u".to_owned(), "é".to_owned()),
            ]
        );
        assert_eq!(
            decode(b"a=50%&b&=c"),
            [
                ("a".to_owned(), "50%".to_owned()),
                ("b".to_owned(), String::new()),
                (String::new(), "c".to_owned()),
            ]
        );
    }

    #[test]
    fn only_an_object_is_a_form() {
        assert_eq!(
            encode(&json!(["a"])).unwrap_err(),
            "a form body must be an object, not an array"
        );
        assert_eq!(encode(&json!({})).unwrap(), b"");
    }
}
