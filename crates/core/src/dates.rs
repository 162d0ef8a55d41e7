//! Lenient dates as feeds and pages write them: RFC 822 (with or without weekday and seconds,
//! named or numeric zones, two-digit years), W3CDTF / ISO 8601 (extended or basic, partial
//! dates), and asctime. Feeds use exactly these forms; pages add looser ones on top (see
//! `tidings-html`).

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

/// Parses a feed or page date; `None` when it is not one. A time without a zone is UTC.
pub fn parse_date(s: &str) -> Option<Timestamp> {
    parse_date_with_offset(s).map(|(t, _)| t)
}

/// Like [`parse_date`], and also the UTC offset in minutes the date was written in, so a page's
/// local date ("published on the 18th", late in the evening) can be shown as the page shows it.
pub fn parse_date_with_offset(s: &str) -> Option<(Timestamp, i32)> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if s.as_bytes()[0].is_ascii_digit()
        && let Some(t) = iso8601(s)
    {
        return Some(t);
    }
    rfc822(s)
}

fn month(name: &str) -> Option<i8> {
    let n = name.get(..3)?.to_ascii_lowercase();
    Some(match n.as_str() {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    })
}

/// Offset in minutes east of UTC of a zone name ("GMT", "EST", "CEST", …) or a numeric
/// `+hhmm` / `+hh:mm` / `-h`; `None` when it is neither.
pub fn utc_offset_minutes(z: &str) -> Option<i32> {
    let up = z.trim().to_ascii_uppercase();
    let named = match up.as_str() {
        "Z" | "UT" | "UTC" | "GMT" | "" => Some(0),
        "EST" => Some(-5 * 60),
        "EDT" => Some(-4 * 60),
        "CST" => Some(-6 * 60),
        "CDT" => Some(-5 * 60),
        "MST" => Some(-7 * 60),
        "MDT" => Some(-6 * 60),
        "PST" => Some(-8 * 60),
        "PDT" => Some(-7 * 60),
        "AST" => Some(-4 * 60),
        "ADT" => Some(-3 * 60),
        "HST" => Some(-10 * 60),
        "AKST" => Some(-9 * 60),
        "AKDT" => Some(-8 * 60),
        "CET" => Some(60),
        "CEST" => Some(120),
        "BST" => Some(60),
        "IST" => Some(330),
        "JST" => Some(540),
        _ => None,
    };
    if named.is_some() {
        return named;
    }
    let (sign, digits) = match up.as_bytes().first()? {
        b'+' => (1, &up[1..]),
        b'-' => (-1, &up[1..]),
        _ => return None,
    };
    let digits: String = digits.chars().filter(|c| *c != ':').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) || digits.is_empty() || digits.len() > 4 {
        return None;
    }
    let (h, m) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        3 => (digits[..1].parse::<i32>().ok()?, digits[1..].parse::<i32>().ok()?),
        _ => (digits[..2].parse::<i32>().ok()?, digits[2..].parse::<i32>().ok()?),
    };
    Some(sign * (h * 60 + m))
}

fn build(y: i16, mo: i8, d: i8, h: i8, mi: i8, sec: i8, offset_min: i32) -> Option<(Timestamp, i32)> {
    let date = Date::new(y, mo, d).ok()?;
    let time = Time::new(h, mi, sec.min(59), 0).ok()?;
    let utc = TimeZone::UTC.to_timestamp(DateTime::from_parts(date, time)).ok()?;
    Some((utc.checked_sub(SignedDuration::from_mins(i64::from(offset_min))).ok()?, offset_min))
}

fn hms(t: &str) -> Option<(i8, i8, i8)> {
    let mut parts = t.split(':');
    let h = parts.next()?.trim().parse().ok()?;
    let m = parts.next().map_or(Some(0), |m| m.trim().parse().ok())?;
    let s = parts.next().map_or(Some(0.0), |s| s.trim().parse::<f64>().ok())?;
    Some((h, m, s as i8))
}

fn year(y: &str) -> Option<i16> {
    let v: i16 = y.parse().ok()?;
    Some(match y.len() {
        2 => {
            if v < 50 {
                2000 + v
            } else {
                1900 + v
            }
        }
        4 => v,
        _ => return None,
    })
}

fn rfc822(s: &str) -> Option<(Timestamp, i32)> {
    let cleaned = s.replace(',', " ");
    let mut tokens: Vec<&str> = cleaned.split_whitespace().collect();
    if tokens
        .first()
        .is_some_and(|t| t.chars().all(char::is_alphabetic) && month(t).is_none() || t.len() > 3 && t.ends_with('.'))
    {
        tokens.remove(0);
    }
    // asctime: "Jan 4 16:29:06 2004" (zone optional, before or after the year).
    if tokens.first().and_then(|t| month(t)).is_some() && tokens.len() >= 3 {
        let mo = month(tokens[0])?;
        let d: i8 = tokens[1].parse().ok()?;
        let (h, mi, sec) = hms(tokens.get(2)?)?;
        let rest = &tokens[3..];
        let y = rest.iter().find_map(|t| year(t).filter(|_| t.len() == 4))?;
        let off = rest.iter().find_map(|t| utc_offset_minutes(t)).unwrap_or(0);
        return build(y, mo, d, h, mi, sec, off);
    }
    if tokens.len() < 3 {
        return None;
    }
    let d: i8 = tokens[0].parse().ok()?;
    let mo = month(tokens[1])?;
    let y = year(tokens[2])?;
    let (h, mi, sec) = match tokens.get(3) {
        Some(t) if t.contains(':') => hms(t)?,
        _ => (0, 0, 0),
    };
    let off = match tokens.get(4).or(tokens.get(3).filter(|t| !t.contains(':'))) {
        Some(z) => utc_offset_minutes(z).unwrap_or(0),
        None => 0,
    };
    build(y, mo, d, h, mi, sec, off)
}

fn iso8601(s: &str) -> Option<(Timestamp, i32)> {
    let s = s.trim();
    let (date_part, time_part) = match s.find(['T', 't', ' ']) {
        Some(p) => (&s[..p], Some(s[p + 1..].trim())),
        None => (s, None),
    };
    let digits: String = date_part.chars().filter(char::is_ascii_digit).collect();
    let (y, mo, d) = if date_part.contains('-') {
        let mut it = date_part.split('-');
        let y: i16 = it.next()?.parse().ok()?;
        let mo: i8 = it.next().map_or(Some(1), |m| m.parse().ok())?;
        let d: i8 = it.next().map_or(Some(1), |d| d.parse().ok())?;
        (y, mo, d)
    } else {
        match digits.len() {
            8 => (digits[..4].parse().ok()?, digits[4..6].parse().ok()?, digits[6..8].parse().ok()?),
            6 => (digits[..4].parse().ok()?, digits[4..6].parse().ok()?, 1),
            4 => (digits.parse().ok()?, 1, 1),
            _ => return None,
        }
    };
    let Some(time) = time_part.filter(|t| !t.is_empty()) else {
        return build(y, mo, d, 0, 0, 0, 0);
    };
    // Split the zone off: Z, +hh:mm, -hhmm, or a name.
    let zone_at = time.find(['Z', 'z', '+', '-']).or_else(|| time.find(|c: char| c.is_ascii_alphabetic()));
    let (clock, off) = match zone_at {
        Some(p) => (&time[..p], utc_offset_minutes(time[p..].trim()).unwrap_or(0)),
        None => (time, 0),
    };
    let clock = clock.trim();
    let (h, mi, sec) = if clock.contains(':') {
        hms(clock)?
    } else {
        let c: String = clock.chars().take_while(char::is_ascii_digit).collect();
        match c.len() {
            6 => (c[..2].parse().ok()?, c[2..4].parse().ok()?, c[4..6].parse().ok()?),
            4 => (c[..2].parse().ok()?, c[2..4].parse().ok()?, 0),
            2 => (c.parse().ok()?, 0, 0),
            _ => (0, 0, 0),
        }
    };
    build(y, mo, d, h, mi, sec, off)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> String {
        parse_date(s).map(|t| t.to_string()).unwrap_or_default()
    }

    #[test]
    fn rfc822_forms() {
        assert_eq!(p("Fri, 20 Nov 2026 08:30:00 +0000"), "2026-11-20T08:30:00Z");
        assert_eq!(p("Thu, 01 Jan 2004 19:48:21 GMT"), "2004-01-01T19:48:21Z");
        assert_eq!(p("01 Jan 04 19:48 EST"), "2004-01-02T00:48:00Z");
        assert_eq!(p("Thu, 1 Jan 2004 19:48:21 -0130"), "2004-01-01T21:18:21Z");
        assert_eq!(p("Sun Jan  4 16:29:06 PST 2004"), "2004-01-05T00:29:06Z");
    }

    #[test]
    fn iso8601_forms() {
        assert_eq!(p("2003-12-31T10:14:55Z"), "2003-12-31T10:14:55Z");
        assert_eq!(p("2003-12-31T10:14:55.123-08:00"), "2003-12-31T18:14:55Z");
        assert_eq!(p("2003-12-31"), "2003-12-31T00:00:00Z");
        assert_eq!(p("2003-12"), "2003-12-01T00:00:00Z");
        assert_eq!(p("20031231T101455Z"), "2003-12-31T10:14:55Z");
        assert_eq!(p("2003-12-31T10:14+01:00"), "2003-12-31T09:14:00Z");
    }

    #[test]
    fn nonsense_is_none() {
        assert_eq!(p("yesterday"), "");
        assert_eq!(p("2003-13-45"), "");
    }
}
