//! Spread over availability zones: the distinct zones a resource (or one
//! shard of it) has its nodes, subnets or members in. A resource survives
//! the loss of one zone only if it spans at least two.

/// The distinct availability zones of a resource, in the order they are
/// first listed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Spread {
    zones: Vec<String>,
}

impl Spread {
    /// From zone names as AWS lists them (one per node, subnet or member):
    /// surrounding blanks are trimmed, and blank and repeated entries are
    /// ignored.
    pub fn of<'a>(zones: impl IntoIterator<Item = &'a str>) -> Spread {
        let mut spread = Spread::default();
        for zone in zones.into_iter().map(str::trim).filter(|z| !z.is_empty()) {
            if !spread.zones.iter().any(|z| z == zone) {
                spread.zones.push(zone.to_string());
            }
        }
        spread
    }

    /// The distinct zones.
    pub fn zones(&self) -> &[String] {
        &self.zones
    }

    /// The distinct zones, owned.
    pub fn into_zones(self) -> Vec<String> {
        self.zones
    }

    /// How many distinct zones.
    pub fn count(&self) -> usize {
        self.zones.len()
    }

    /// Whether the resource spans at least `min` distinct zones.
    pub fn spans(&self, min: usize) -> bool {
        self.count() >= min
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_are_distinct_trimmed_and_in_first_listed_order() {
        let s = Spread::of(["eu-north-1b", " eu-north-1a", "", "eu-north-1b ", "  "]);
        assert_eq!(s.zones(), ["eu-north-1b", "eu-north-1a"]);
        assert_eq!(s.count(), 2);
        assert!(s.spans(2));
        assert!(!s.spans(3));
        let none = Spread::of([]);
        assert_eq!(none.count(), 0);
        assert!(none.spans(0));
        assert!(!none.spans(1));
        assert_eq!(Spread::of(["a", "a"]).into_zones(), ["a"]);
    }
}
