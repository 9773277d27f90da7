//! Percent-encoding of values written into a URL: path segments and query values, and
//! paging cursors that HubSpot hands out already encoded.

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

fn push_encoded(byte: u8, out: &mut String) {
    out.push('%');
    out.push(HEX[usize::from(byte >> 4)] as char);
    out.push(HEX[usize::from(byte & 0xF)] as char);
}

/// Percent-encodes everything but RFC 3986 unreserved characters, so a value can never
/// add a segment, a query or a fragment.
pub(crate) fn encode_segment(value: &str, out: &mut String) {
    for byte in value.bytes() {
        if is_unreserved(byte) {
            out.push(byte as char);
        } else {
            push_encoded(byte, out);
        }
    }
}

/// Encodes a cursor that is already percent-encoded: `%XX` sequences stay as they are, as do
/// the characters a query may hold as they are; what would end the value (`&`, `#`), change
/// its meaning (`=`, `+`, `;`), or cannot stand in a URL (spaces, controls, non-ASCII, a `%`
/// that starts no sequence) is encoded.
pub(crate) fn encode_cursor(value: &str, out: &mut String) {
    let bytes = value.as_bytes();
    for (i, &byte) in bytes.iter().enumerate() {
        let escape = byte == b'%'
            && bytes.len() > i + 2
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit();
        let plain = is_unreserved(byte)
            || matches!(
                byte,
                b'!' | b'$' | b'\'' | b'(' | b')' | b'*' | b',' | b':' | b'@' | b'/' | b'?'
            );
        if escape || plain {
            out.push(byte as char);
        } else {
            push_encoded(byte, out);
        }
    }
}
