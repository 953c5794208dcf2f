//! Weekly time windows: AWS maintenance windows (UTC) against a policy's
//! allowed windows (in a local time zone).
//!
//! AWS gives maintenance windows as `ddd:hh:mm-ddd:hh:mm` in UTC; a window
//! may cross midnight and the end of the week (`sat:23:00-sun:01:00`,
//! `sun:23:30-mon:00:30`). A policy states its allowed windows in local
//! time ("Tuesday 03:00 to 06:00 US Eastern"). Because the zone's UTC
//! offset changes (EST and EDT), a UTC window complies only if it lies
//! inside an allowed window under *every* offset the zone uses during the
//! year: a window that is inside only in summer breaks the promise every
//! winter. The offsets come from the time-zone database (jiff's bundled
//! tzdb), never from a hard-coded table.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::{Offset, TimeZone};

/// Minutes in a week.
pub const WEEK: i64 = 7 * 24 * 60;

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// A point in the week: minutes since Monday 00:00.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct WeekTime(pub i64);

impl FromStr for WeekTime {
    type Err = String;
    /// Parses `ddd:hh:mm` or `ddd hh:mm` (day names in English, any case).
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("{s:?} is not a weekly time like \"tue:03:00\"");
        let s = s.trim();
        if s.len() < 5 {
            return Err(bad());
        }
        let (day, rest) = s.split_at(3);
        let day = DAYS
            .iter()
            .position(|d| d.eq_ignore_ascii_case(day))
            .ok_or_else(bad)? as i64;
        let rest = rest.strip_prefix([':', ' ']).ok_or_else(bad)?.trim_start();
        let (h, m) = rest.split_once(':').ok_or_else(bad)?;
        let h: i64 = h.parse().map_err(|_| bad())?;
        let m: i64 = m.parse().map_err(|_| bad())?;
        if !(0..24).contains(&h) || !(0..60).contains(&m) {
            return Err(bad());
        }
        Ok(WeekTime(day * 24 * 60 + h * 60 + m))
    }
}

impl fmt::Display for WeekTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.0.rem_euclid(WEEK);
        write!(
            f,
            "{} {:02}:{:02}",
            DAYS[(m / 1440) as usize],
            (m % 1440) / 60,
            m % 60
        )
    }
}

/// A weekly window `[start, end]`; `end` may be before `start` (the window
/// crosses the end of the week).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: WeekTime,
    pub end: WeekTime,
}

impl Window {
    /// Parses AWS's `ddd:hh:mm-ddd:hh:mm`. A window that ends where it
    /// starts (zero length), or ends before it starts on the same day
    /// (`tue:06:00-tue:03:00`), is malformed: read literally it would be a
    /// whole week, or nearly. A window that crosses the end of the week
    /// (`sun:23:30-mon:00:30`) ends on an earlier *day* and is fine.
    pub fn parse_aws(text: &str) -> Result<Window, String> {
        let (a, b) = text
            .split_once('-')
            .ok_or_else(|| format!("{text:?} is not a window like \"sun:05:00-sun:06:00\""))?;
        let window = Window {
            start: a.parse()?,
            end: b.parse()?,
        };
        if window.start == window.end {
            return Err(format!(
                "malformed window {text:?}: it ends when it starts (zero length)"
            ));
        }
        let day = |t: WeekTime| t.0 / (24 * 60);
        if day(window.start) == day(window.end) && window.end < window.start {
            return Err(format!(
                "malformed window {text:?}: it ends before it starts on the same day"
            ));
        }
        Ok(window)
    }

    /// Length in minutes (a window from a time to itself is empty).
    pub fn minutes(&self) -> i64 {
        (self.end.0 - self.start.0).rem_euclid(WEEK)
    }

    /// The window moved by `minutes` (positive is later).
    pub fn shifted(&self, minutes: i64) -> Window {
        Window {
            start: WeekTime((self.start.0 + minutes).rem_euclid(WEEK)),
            end: WeekTime((self.end.0 + minutes).rem_euclid(WEEK)),
        }
    }

    /// Whether `self` lies wholly inside `outer` (boundaries included).
    pub fn within(&self, outer: &Window) -> bool {
        let offset = (self.start.0 - outer.start.0).rem_euclid(WEEK);
        offset + self.minutes() <= outer.minutes()
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{}", self.start, self.end)
    }
}

/// One UTC offset a zone uses, with its abbreviation (`EST`, `EDT`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneOffset {
    pub offset: Offset,
    pub abbreviation: String,
}

impl fmt::Display for ZoneOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (UTC{})", self.abbreviation, self.offset)
    }
}

/// Every offset `zone` uses during the calendar year of `at` (in UTC),
/// found by sampling each day at noon: zones change offset at most a few
/// times a year and never for less than a day.
pub fn offsets_in_year(zone: &TimeZone, at: Timestamp) -> Vec<ZoneOffset> {
    let year = at.to_zoned(TimeZone::UTC).year();
    let mut found: Vec<ZoneOffset> = Vec::new();
    let Ok(first) = Date::new(year, 1, 1) else {
        return found;
    };
    for day in 0..366 {
        let Ok(date) = first.checked_add(jiff::Span::new().days(day)) else {
            break;
        };
        if date.year() != year {
            break;
        }
        let Ok(ts) = date
            .to_datetime(Time::midnight())
            .to_zoned(TimeZone::UTC)
            .map(|z| z.timestamp())
        else {
            continue;
        };
        let info = zone.to_offset_info(ts);
        let candidate = ZoneOffset {
            offset: info.offset(),
            abbreviation: info.abbreviation().to_string(),
        };
        if !found.contains(&candidate) {
            found.push(candidate);
        }
    }
    found
}

/// Why a UTC window breaks the allowed local windows: the offsets under
/// which it falls outside, with the window in local time under each.
pub fn violations(
    utc: &Window,
    allowed_local: &[Window],
    offsets: &[ZoneOffset],
) -> Vec<(ZoneOffset, Window)> {
    offsets
        .iter()
        .filter_map(|o| {
            let local = utc.shifted(i64::from(o.offset.seconds()) / 60);
            if allowed_local.iter().any(|a| local.within(a)) {
                None
            } else {
                Some((o.clone(), local))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Window {
        Window::parse_aws(s).unwrap()
    }

    fn kliv() -> Vec<Window> {
        vec![w("tue:03:00-tue:06:00"), w("sat:03:00-sun:06:00")]
    }

    fn eastern() -> Vec<ZoneOffset> {
        let zone = TimeZone::get("America/New_York").unwrap();
        offsets_in_year(&zone, "2026-06-01T00:00:00Z".parse().unwrap())
    }

    fn judge(utc: &str) -> Vec<String> {
        violations(&w(utc), &kliv(), &eastern())
            .into_iter()
            .map(|(o, _)| o.abbreviation)
            .collect()
    }

    #[test]
    fn eastern_time_has_two_offsets_from_the_tzdb() {
        let offsets = eastern();
        let names: Vec<&str> = offsets.iter().map(|o| o.abbreviation.as_str()).collect();
        assert_eq!(names, vec!["EST", "EDT"]);
        assert_eq!(offsets[0].offset.seconds(), -5 * 3600);
        assert_eq!(offsets[1].offset.seconds(), -4 * 3600);
        let utc = offsets_in_year(&TimeZone::UTC, "2026-06-01T00:00:00Z".parse().unwrap());
        assert_eq!(utc.len(), 1);
    }

    #[test]
    fn parse_and_display() {
        assert_eq!(w("sun:05:00-sun:06:30").to_string(), "sun 05:00–sun 06:30");
        assert_eq!(w("Mon:00:00-mon:00:30").minutes(), 30);
        assert_eq!(w("sun:23:30-mon:00:30").minutes(), 60);
        for bad in [
            "sun05:00-sun:06:00",
            "xyz:05:00-sun:06:00",
            "sun:24:00-mon:01:00",
            "sun:05:00",
            "",
        ] {
            assert!(Window::parse_aws(bad).is_err(), "{bad}");
        }
        // Malformed, not a week long.
        for bad in ["tue:06:00-tue:03:00", "tue:03:00-tue:03:00"] {
            let e = Window::parse_aws(bad).unwrap_err();
            assert!(e.starts_with("malformed window"), "{e}");
        }
        // Across the end of the week, or over midnight, is fine.
        assert_eq!(w("sat:23:00-sun:01:00").minutes(), 120);
        assert_eq!(w("sun:22:00-mon:02:00").minutes(), 240);
    }

    #[test]
    fn windows_table() {
        // Inside in both EDT and EST: Tue 08:00-10:00 UTC is 04:00-06:00 EDT
        // and 03:00-05:00 EST.
        assert!(judge("tue:08:00-tue:10:00").is_empty());
        // Exactly the allowed window in EST only: 03:00-06:00 EST is
        // 04:00-07:00 EDT, past 06:00 in summer.
        assert_eq!(judge("tue:08:00-tue:11:00"), vec!["EDT"]);
        // Only valid in summer: 03:00-06:00 EDT is 02:00-05:00 EST.
        assert_eq!(judge("tue:07:00-tue:10:00"), vec!["EST"]);
        // Outside entirely (AWS's default-looking Sunday morning UTC is
        // Saturday night/Sunday small hours Eastern: inside).
        assert!(judge("sun:05:00-sun:06:00").is_empty());
        assert_eq!(judge("wed:05:00-wed:06:00"), vec!["EST", "EDT"]);
        // Straddling the start of the Saturday window.
        assert_eq!(judge("sat:07:30-sat:08:30"), vec!["EST"]);
        // Crossing Saturday→Sunday midnight UTC: Saturday evening Eastern.
        assert!(judge("sat:23:00-sun:01:00").is_empty());
        // Crossing Sunday→Monday midnight UTC: Sunday evening Eastern,
        // after the window closed at 06:00.
        assert_eq!(judge("sun:23:30-mon:00:30"), vec!["EST", "EDT"]);
        // Ending exactly at Sunday 06:00 EST (11:00 UTC) is inside in
        // winter; in summer it is 07:00 EDT, outside.
        assert_eq!(judge("sun:10:00-sun:11:00"), vec!["EDT"]);
    }

    #[test]
    fn week_wrap_containment() {
        let outer = w("sun:22:00-mon:02:00");
        assert!(w("sun:23:00-mon:01:00").within(&outer));
        assert!(w("mon:00:00-mon:02:00").within(&outer));
        assert!(!w("mon:01:00-mon:03:00").within(&outer));
        assert!(!w("sat:23:00-sun:23:00").within(&outer));
    }
}
