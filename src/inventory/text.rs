//! [`Text`]: an immutable string shared by reference count.

use std::sync::Arc;

/// An immutable string shared by reference count: a resource's ARN, which
/// every verdict on the resource carries. A verdict's copy is a count, not
/// a second string (at 10^6 resources, about 100 MB less).
///
/// Compares, hashes, orders, prints and serialises as the string it is.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text(Arc<str>);

impl Text {
    pub fn new(s: &str) -> Text {
        Text(Arc::from(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Text {
    fn default() -> Text {
        Text(Arc::from(""))
    }
}

super::strlike::str_like!(Text);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_shared_and_behaves_as_its_string() {
        let a = Text::from("arn:aws:s3:::b");
        let b = a.clone();
        assert!(
            std::ptr::eq(a.as_str(), b.as_str()),
            "a copy shares the string"
        );
        assert_eq!(a, "arn:aws:s3:::b");
        assert_eq!(a, Text::from(String::from("arn:aws:s3:::b")));
        let (x, y) = (Text::from("a"), Text::from("b"));
        assert!(x < y);
        assert_eq!(format!("{a}|{a:?}"), "arn:aws:s3:::b|\"arn:aws:s3:::b\"");
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(serde_json::from_str::<Text>(&json).unwrap(), a);
        assert!(serde_json::from_str::<Text>("null").is_err());
        assert_eq!(Text::default(), "");
    }
}
