//! Connection strings: telling PostgreSQL's `key=value` form from a URL, and
//! hiding passwords in both before a string reaches `Debug`, an error or a
//! log.

/// Whether `s` is a libpq `key=value` connection string
/// (`host=localhost user=app dbname=app`): no `scheme://`, and its first
/// word is a `key=value` pair.
pub(crate) fn is_key_value(s: &str) -> bool {
    !s.contains("://")
        && s.split_whitespace()
            .next()
            .is_some_and(|word| word.split_once('=').is_some_and(|(k, _)| !k.is_empty()))
}

/// `s` with every password replaced by `***`: the one in a URL's user
/// information (`postgres://user:***@host`), a `password=` query parameter,
/// and a `password=` pair of the `key=value` form (quoted or not).
pub(crate) fn redact(s: &str) -> String {
    if is_key_value(s) {
        return redact_key_value(s);
    }
    let Some((scheme, rest)) = s.split_once("://") else {
        return s.to_owned();
    };
    // The authority ends at the first '/', '?' or '#'; its user information
    // at the last '@' in it (a password may hold an unescaped '@').
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let authority = match authority.rsplit_once('@') {
        Some((cred, host)) => match cred.split_once(':') {
            Some((user, _)) => format!("{user}:***@{host}"),
            None => authority.to_owned(),
        },
        None => authority.to_owned(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let pairs: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                    _ => pair.to_owned(),
                })
                .collect();
            format!("{path}?{}", pairs.join("&"))
        }
        None => tail.to_owned(),
    };
    format!("{scheme}://{authority}{tail}")
}

/// The `key=value` form with the value of `password` replaced; values may be
/// single-quoted with `\'` and `\\` escapes, as libpq reads them.
fn redact_key_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    loop {
        let trimmed = rest.trim_start();
        out.push_str(&rest[..rest.len() - trimmed.len()]);
        rest = trimmed;
        if rest.is_empty() {
            return out;
        }
        let Some(eq) = rest.find('=') else {
            out.push_str(rest);
            return out;
        };
        let key = rest[..eq].trim_end();
        out.push_str(&rest[..=eq]);
        rest = rest[eq + 1..].trim_start();
        // The value: quoted up to the closing quote, or up to whitespace.
        let len = if let Some(quoted) = rest.strip_prefix('\'') {
            let mut escaped = false;
            let mut end = quoted.len();
            for (i, c) in quoted.char_indices() {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '\'' => {
                        end = i + 1;
                        break;
                    }
                    _ => {}
                }
            }
            1 + end
        } else {
            rest.find(char::is_whitespace).unwrap_or(rest.len())
        };
        if key.eq_ignore_ascii_case("password") {
            out.push_str("***");
        } else {
            out.push_str(&rest[..len]);
        }
        rest = &rest[len..];
    }
}

#[cfg(test)]
mod tests {
    use super::{is_key_value, redact};

    #[test]
    fn key_value_strings_are_told_from_urls() {
        assert!(is_key_value("host=localhost user=app"));
        assert!(is_key_value("dbname=test"));
        assert!(!is_key_value("postgres://u@h/db?sslmode=disable"));
        assert!(!is_key_value("sqlite::memory:"));
        assert!(!is_key_value("sqlite://a=b.db"));
        assert!(!is_key_value("=x"));
        assert!(!is_key_value(""));
    }

    #[test]
    fn passwords_are_hidden_in_every_form() {
        let cases = [
            ("postgres://u:secret@h/db", "postgres://u:***@h/db"),
            (
                "postgres://u:se@cret@h:5432/db",
                "postgres://u:***@h:5432/db",
            ),
            ("postgres://u@h/db", "postgres://u@h/db"),
            (
                "postgres://u@h/db?sslmode=disable&password=secret&application_name=a",
                "postgres://u@h/db?sslmode=disable&password=***&application_name=a",
            ),
            (
                "postgres://h/db?user=u&PASSWORD=secret",
                "postgres://h/db?user=u&PASSWORD=***",
            ),
            (
                "host=h user=u password=secret dbname=db",
                "host=h user=u password=*** dbname=db",
            ),
            (
                "host=h password = 'se cr\\'et' dbname=db",
                "host=h password =*** dbname=db",
            ),
            ("password=secret", "password=***"),
            ("sqlite://app.db", "sqlite://app.db"),
        ];
        for (input, hidden) in cases {
            assert_eq!(redact(input), hidden, "{input}");
            assert!(!redact(input).contains("secret"), "{input}");
            assert!(!redact(input).contains("cr"), "{input}");
        }
    }
}
