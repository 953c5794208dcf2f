//! [`Sym`]: a name that recurs across an estate, stored once.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;
use std::sync::{LazyLock, Mutex};

use serde::de::Visitor;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A name that recurs across an estate: the account and region of every
/// resource ([`super::Place`]). Each distinct name is stored once for the
/// life of the process and every copy is a pointer to it, so a million
/// resources in a dozen places hold a dozen strings, and copying a place
/// into a verdict allocates nothing. The names kept are those of the
/// accounts and regions read, which a scan holds anyway.
///
/// Compares, hashes, orders, prints and serialises as the string it is.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sym(&'static str);

impl Sym {
    /// The one stored copy of `name`.
    pub fn new(name: &str) -> Sym {
        static ALL: LazyLock<Mutex<HashSet<&'static str>>> = LazyLock::new(Default::default);
        thread_local! {
            static SEEN: RefCell<HashSet<&'static str>> = RefCell::new(HashSet::new());
        }
        if name.is_empty() {
            return Sym("");
        }
        SEEN.with(|seen| {
            if let Some(&known) = seen.borrow().get(name) {
                return Sym(known);
            }
            let mut all = match ALL.lock() {
                Ok(all) => all,
                Err(poisoned) => poisoned.into_inner(),
            };
            let known = match all.get(name) {
                Some(&known) => known,
                None => {
                    let leaked: &'static str = Box::leak(name.to_string().into_boxed_str());
                    all.insert(leaked);
                    leaked
                }
            };
            seen.borrow_mut().insert(known);
            Sym(known)
        })
    }

    /// A name that is in the program already (a resource type): nothing
    /// to store.
    pub const fn from_static(name: &'static str) -> Sym {
        Sym(name)
    }

    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

impl std::ops::Deref for Sym {
    type Target = str;
    fn deref(&self) -> &str {
        self.0
    }
}

impl AsRef<str> for Sym {
    fn as_ref(&self) -> &str {
        self.0
    }
}

impl std::borrow::Borrow<str> for Sym {
    fn borrow(&self) -> &str {
        self.0
    }
}

impl From<&str> for Sym {
    fn from(name: &str) -> Sym {
        Sym::new(name)
    }
}

impl From<&String> for Sym {
    fn from(name: &String) -> Sym {
        Sym::new(name)
    }
}

impl From<String> for Sym {
    fn from(name: String) -> Sym {
        Sym::new(&name)
    }
}

impl From<Sym> for String {
    fn from(name: Sym) -> String {
        name.0.to_string()
    }
}

impl PartialEq<str> for Sym {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Sym {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for Sym {
    fn eq(&self, other: &String) -> bool {
        self.0 == other
    }
}

impl PartialEq<Sym> for str {
    fn eq(&self, other: &Sym) -> bool {
        self == other.0
    }
}

impl PartialEq<Sym> for &str {
    fn eq(&self, other: &Sym) -> bool {
        *self == other.0
    }
}

impl PartialEq<Sym> for String {
    fn eq(&self, other: &Sym) -> bool {
        self == other.0
    }
}

impl fmt::Display for Sym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.0)
    }
}

impl fmt::Debug for Sym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0, f)
    }
}

impl Serialize for Sym {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

impl<'de> Deserialize<'de> for Sym {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Sym, D::Error> {
        struct Name;
        impl Visitor<'_> for Name {
            type Value = Sym;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            // A name seen before is found without copying it.
            fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Sym, E> {
                Ok(Sym::new(name))
            }
        }
        deserializer.deserialize_str(Name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_stored_once_and_behaves_as_its_string() {
        let a = Sym::new("eu-north-1");
        let b: Sym = String::from("eu-north-1").into();
        assert_eq!(a, b);
        assert!(std::ptr::eq(a.as_str(), b.as_str()), "one stored copy");
        assert_eq!(a, "eu-north-1");
        assert_eq!(a.len(), 10);
        assert_eq!(format!("{a}|{a:?}"), "eu-north-1|\"eu-north-1\"");
        assert!(Sym::new("a") < Sym::new("b"));
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(json, "\"eu-north-1\"");
        let back: Sym = serde_json::from_str(&json).unwrap();
        assert!(std::ptr::eq(back.as_str(), a.as_str()));
        assert!(serde_json::from_str::<Sym>("1").is_err());
        let set: HashSet<Sym> = [a].into();
        assert!(set.contains("eu-north-1"));
        assert_eq!(Sym::default(), "");
    }
}
