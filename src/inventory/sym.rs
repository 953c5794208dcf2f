//! [`Sym`]: a name that recurs across an estate, stored once.

use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::{LazyLock, Mutex};

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

super::strlike::str_like!(Sym);

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
