//! Small builders of the Rust expression and type fragments the views hand
//! to the templates (fully qualified paths, so generated code never depends
//! on what the including module imports).

/// `::std::option::Option::Some(<e>)`.
pub(super) fn some(e: &str) -> String {
    format!("::std::option::Option::Some({e})")
}

/// `::std::option::Option<<t>>`.
pub(super) fn option_of(t: &str) -> String {
    format!("::std::option::Option<{t}>")
}

/// `::std::vec::Vec<<t>>`.
pub(super) fn vec_of(t: &str) -> String {
    format!("::std::vec::Vec<{t}>")
}

/// `::std::vec![<items>]`.
pub(super) fn vec_lit<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    format!("::std::vec![{}]", items.join(", "))
}

/// `::std::clone::Clone::clone(&<place>)`.
pub(super) fn clone_of(place: &str) -> String {
    format!("::std::clone::Clone::clone(&{place})")
}

/// One item as itself, several as a tuple.
pub(super) fn tuple(items: &[String]) -> String {
    if items.len() == 1 {
        items[0].clone()
    } else {
        format!("({})", items.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments() {
        assert_eq!(some("x"), "::std::option::Option::Some(x)");
        assert_eq!(
            option_of(&vec_of("u8")),
            "::std::option::Option<::std::vec::Vec<u8>>"
        );
        assert_eq!(vec_lit(&["1u8", "2u8"]), "::std::vec![1u8, 2u8]");
        assert_eq!(clone_of("self.a"), "::std::clone::Clone::clone(&self.a)");
        assert_eq!(tuple(&["a".into()]), "a");
        assert_eq!(tuple(&["a".into(), "b".into()]), "(a, b)");
    }
}
