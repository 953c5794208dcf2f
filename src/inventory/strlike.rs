//! What [`super::Sym`] and [`super::Text`] share: each is a string stored
//! another way, and behaves as the string it holds.

/// Implements, for a type with `fn new(&str) -> Self` and
/// `fn as_str(&self) -> &str`: deref to `str`, comparison with strings
/// both ways, `Display` and `Debug` as the string, conversions from and to
/// strings, and serde as a JSON string.
macro_rules! str_like {
    ($ty:ident) => {
        impl std::ops::Deref for $ty {
            type Target = str;
            fn deref(&self) -> &str {
                self.as_str()
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl std::borrow::Borrow<str> for $ty {
            fn borrow(&self) -> &str {
                self.as_str()
            }
        }

        impl From<&str> for $ty {
            fn from(s: &str) -> $ty {
                $ty::new(s)
            }
        }

        impl From<&String> for $ty {
            fn from(s: &String) -> $ty {
                $ty::new(s)
            }
        }

        impl From<String> for $ty {
            fn from(s: String) -> $ty {
                $ty::new(&s)
            }
        }

        impl From<$ty> for String {
            fn from(s: $ty) -> String {
                s.as_str().to_string()
            }
        }

        impl PartialEq<str> for $ty {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $ty {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl PartialEq<String> for $ty {
            fn eq(&self, other: &String) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<$ty> for str {
            fn eq(&self, other: &$ty) -> bool {
                self == other.as_str()
            }
        }

        impl PartialEq<$ty> for &str {
            fn eq(&self, other: &$ty) -> bool {
                *self == other.as_str()
            }
        }

        impl PartialEq<$ty> for String {
            fn eq(&self, other: &$ty) -> bool {
                self == other.as_str()
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(self.as_str(), f)
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<$ty, D::Error> {
                struct Str;
                impl serde::de::Visitor<'_> for Str {
                    type Value = $ty;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("a string")
                    }
                    // Read without a copy of its own where the reader
                    // lends the string.
                    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<$ty, E> {
                        Ok($ty::new(s))
                    }
                }
                deserializer.deserialize_str(Str)
            }
        }
    };
}

pub(super) use str_like;
