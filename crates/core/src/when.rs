//! Times and repeats as people (and models) write them, turned into instants and back.
//!
//! A due time is read in the user's time zone: `2026-11-26T09:00`, `2026-11-26 09:00:00`, with an
//! explicit offset (`…+01:00`, `…Z`) taken as written, or relative (`in 10 minutes`, `in 2
//! hours`). Local times that do not exist (the hour skipped when clocks go forward) move forward
//! by the gap, as phone alarms do; local times that occur twice (clocks going back) mean the
//! first one.

use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// How a task repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Repeat {
    Once,
    Daily,
    Weekly,
    Monthly,
    Yearly,
    /// Monday to Friday.
    Weekdays,
    /// A standard 5-field cron expression (minute hour day-of-month month day-of-week).
    Cron(String),
}

impl Repeat {
    /// Parse a repeat; `None` or empty is [`Repeat::Once`]. Unknown words are errors (never
    /// silently "daily").
    pub fn parse(text: Option<&str>) -> Result<Self, String> {
        let t = text.unwrap_or("").trim();
        let lower = t.to_ascii_lowercase();
        Ok(match lower.as_str() {
            "" | "once" | "none" | "no" | "never" => Self::Once,
            "daily" | "every day" | "everyday" => Self::Daily,
            "weekly" | "every week" => Self::Weekly,
            "monthly" | "every month" => Self::Monthly,
            "yearly" | "annually" | "every year" => Self::Yearly,
            "weekdays" | "every weekday" | "workdays" => Self::Weekdays,
            _ => {
                let expr = t.strip_prefix("cron:").or_else(|| t.strip_prefix("cron ")).unwrap_or(t).trim();
                if is_cron(expr) {
                    Self::Cron(expr.to_owned())
                } else {
                    return Err(format!(
                        "\"{t}\" is not a repeat I know (once, daily, weekly, monthly, yearly, weekdays, or a \
                         cron line like \"30 8 * * 1-5\")"
                    ));
                }
            }
        })
    }

    /// What is stored (`None` for once).
    pub fn stored(&self) -> Option<String> {
        match self {
            Self::Once => None,
            Self::Daily => Some("daily".into()),
            Self::Weekly => Some("weekly".into()),
            Self::Monthly => Some("monthly".into()),
            Self::Yearly => Some("yearly".into()),
            Self::Weekdays => Some("weekdays".into()),
            Self::Cron(e) => Some(format!("cron: {e}")),
        }
    }

    /// Words for a person: "", "every day", "on weekdays", "(cron 30 8 * * 1-5)".
    pub fn describe(&self) -> String {
        match self {
            Self::Once => String::new(),
            Self::Daily => "every day".into(),
            Self::Weekly => "every week".into(),
            Self::Monthly => "every month".into(),
            Self::Yearly => "every year".into(),
            Self::Weekdays => "on weekdays".into(),
            Self::Cron(e) => format!("on the schedule \"{e}\""),
        }
    }
}

/// A standard 5-field cron line (POSIX weekday numbering: 0 or 7 = Sunday, 1 = Monday).
fn is_cron(expr: &str) -> bool {
    expr.split_whitespace().count() == 5 && expr.parse::<croner::Cron>().is_ok()
}

/// The first time after `now` (and after `prev`) that a task repeating `repeat` falls due, at
/// the same local wall-clock time as `prev` in `tz` (so a daily 09:00 stays 09:00 across
/// daylight-saving changes). Occurrences missed while Omega was down are skipped, not queued.
/// `None` for [`Repeat::Once`].
pub fn next_after(repeat: &Repeat, tz: Tz, prev: DateTime<Utc>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    use chrono::{Datelike, Months, NaiveDate, Weekday};
    let floor = prev.max(now);
    if let Repeat::Cron(expr) = repeat {
        let cron: croner::Cron = expr.parse().ok()?;
        let next = cron.find_next_occurrence(&floor.with_timezone(&tz), false).ok()?;
        return Some(next.with_timezone(&Utc));
    }
    let local = prev.with_timezone(&tz).naive_local();
    let (date, time) = (local.date(), local.time());
    let step = |d: NaiveDate| -> Option<NaiveDate> {
        match repeat {
            Repeat::Once | Repeat::Cron(_) => None,
            Repeat::Daily => d.succ_opt(),
            Repeat::Weekly => d.checked_add_days(chrono::Days::new(7)),
            Repeat::Weekdays => {
                let mut n = d.succ_opt()?;
                while matches!(n.weekday(), Weekday::Sat | Weekday::Sun) {
                    n = n.succ_opt()?;
                }
                Some(n)
            }
            // The same day of the month (or the month's last day), counted from the first date
            // so that the 31st comes back as the 31st after a short month.
            Repeat::Monthly | Repeat::Yearly => None,
        }
    };
    match repeat {
        Repeat::Once => None,
        Repeat::Monthly | Repeat::Yearly => {
            let per = if *repeat == Repeat::Monthly { 1 } else { 12 };
            (1..=1200u32).find_map(|k| {
                let d = date.checked_add_months(Months::new(per * k))?;
                let t = local_to_utc(d.and_time(time), tz);
                (t > floor).then_some(t)
            })
        }
        _ => {
            let mut d = date;
            for _ in 0..5000 {
                d = step(d)?;
                let t = local_to_utc(d.and_time(time), tz);
                if t > floor {
                    return Some(t);
                }
            }
            None
        }
    }
}

/// Read a due time written in `tz` (see the module docs). Times in the past are errors.
pub fn parse_due(text: &str, tz: Tz, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let t = text.trim();
    let due = if let Some(rel) = relative(t) {
        now.checked_add_signed(rel).ok_or_else(|| format!("\"{t}\" is too far ahead for a reminder"))?
    } else if let Ok(exact) = DateTime::parse_from_rfc3339(t) {
        exact.with_timezone(&Utc)
    } else {
        let naive = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
            .or_else(|| {
                chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(9, 0, 0))
            })
            .ok_or_else(|| {
                format!(
                    "\"{t}\" is not a time I can read (write it like 2026-11-26T09:00, in your local time)"
                )
            })?;
        local_to_utc(naive, tz)
    };
    if now.checked_sub_signed(Duration::seconds(60)).is_some_and(|floor| due < floor) {
        return Err(format!("that time ({}) is in the past", format_local(due, tz)));
    }
    Ok(due)
}

/// A local wall-clock time in `tz` as an instant: a skipped time moves forward by the gap; a
/// repeated time means its first occurrence.
pub fn local_to_utc(naive: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        LocalResult::None => {
            // Move forward by the length of the gap: the offset after it minus the one before.
            use chrono::Offset as _;
            let offset = |n: NaiveDateTime| tz.offset_from_utc_datetime(&n).fix().local_minus_utc();
            let gap = offset(naive + Duration::days(1)) - offset(naive - Duration::days(1));
            tz.from_local_datetime(&(naive + Duration::seconds(i64::from(gap.max(0)))))
                .earliest()
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_else(|| Utc.from_utc_datetime(&naive))
        }
    }
}

/// `in 10 minutes`, `in 2 hours`, `in 3 days`, `+15m`.
fn relative(t: &str) -> Option<Duration> {
    let lower = t.to_ascii_lowercase();
    let rest = lower.strip_prefix("in ").or_else(|| lower.strip_prefix('+'))?.trim();
    let split = rest.find(|c: char| !c.is_ascii_digit())?;
    let (n, unit) = rest.split_at(split);
    let n: i64 = n.parse().ok()?;
    let unit = unit.trim();
    let d = match unit {
        "m" | "min" | "mins" | "minute" | "minutes" => Duration::try_minutes(n),
        "h" | "hour" | "hours" => Duration::try_hours(n),
        "d" | "day" | "days" => Duration::try_days(n),
        "w" | "week" | "weeks" => Duration::try_weeks(n),
        _ => return None,
    };
    // Past what a duration holds: too far ahead, which `parse_due` says.
    Some(d.unwrap_or(Duration::MAX))
}

/// `Thu 26 Nov 09:00` in `tz` (with the year when it is not this year's).
pub fn format_local(t: DateTime<Utc>, tz: Tz) -> String {
    let local = t.with_timezone(&tz);
    let now = Utc::now().with_timezone(&tz);
    if chrono::Datelike::year(&local) == chrono::Datelike::year(&now) {
        local.format("%a %-d %b %H:%M").to_string()
    } else {
        local.format("%a %-d %b %Y %H:%M").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Lisbon;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap()
    }

    #[test]
    fn local_times_are_read_in_the_users_zone() {
        let due = parse_due("2026-11-26T09:00", chrono_tz::America::New_York, now()).unwrap();
        assert_eq!(due, Utc.with_ymd_and_hms(2026, 11, 26, 14, 0, 0).unwrap());
        let due = parse_due("2026-11-26 09:00:00", Lisbon, now()).unwrap();
        assert_eq!(due, Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap());
        let due = parse_due("2026-11-26T09:00:00+02:00", Lisbon, now()).unwrap();
        assert_eq!(due, Utc.with_ymd_and_hms(2026, 11, 26, 7, 0, 0).unwrap());
        assert_eq!(parse_due("in 10 minutes", Lisbon, now()).unwrap(), now() + Duration::minutes(10));
        assert_eq!(parse_due("+2h", Lisbon, now()).unwrap(), now() + Duration::hours(2));
    }

    /// Found by fuzzing (`tests/fuzz.rs`): `Duration::weeks` panicked past its range.
    #[test]
    fn a_relative_time_too_far_ahead_is_refused_not_a_panic() {
        for far in ["in 99999999999999 weeks", "+9223372036854775807m", "in 9999999999999 days"] {
            let e = parse_due(far, Lisbon, now()).unwrap_err();
            assert!(e.contains("too far ahead"), "{far}: {e}");
        }
        let e = parse_due("in 5 minutes", Lisbon, DateTime::<Utc>::MAX_UTC).unwrap_err();
        assert!(e.contains("too far ahead"), "{e}");
    }

    #[test]
    fn past_and_unreadable_times_are_refused_with_a_reason() {
        let e = parse_due("2026-11-24T09:00", Lisbon, now()).unwrap_err();
        assert!(e.contains("in the past"), "{e}");
        let e = parse_due("tomorrowish", Lisbon, now()).unwrap_err();
        assert!(e.contains("not a time I can read"), "{e}");
    }

    #[test]
    fn skipped_and_repeated_local_times_follow_the_phone_alarm_rule() {
        // Lisbon skips 01:00-02:00 on 2027-03-28 and repeats 01:00-02:00 on 2026-10-25.
        let skipped = NaiveDateTime::parse_from_str("2027-03-28 01:30", "%Y-%m-%d %H:%M").unwrap();
        // 01:30 does not exist: it becomes 02:30 (WEST), one gap later.
        assert_eq!(local_to_utc(skipped, Lisbon), Utc.with_ymd_and_hms(2027, 3, 28, 1, 30, 0).unwrap());
        let twice = NaiveDateTime::parse_from_str("2026-10-25 01:30", "%Y-%m-%d %H:%M").unwrap();
        assert_eq!(local_to_utc(twice, Lisbon), Utc.with_ymd_and_hms(2026, 10, 25, 0, 30, 0).unwrap());
    }

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    #[test]
    fn a_daily_0900_stays_0900_local_across_daylight_saving() {
        // Lisbon: WEST (+1) until 2026-10-25, then WET (+0).
        let prev = at(2026, 10, 24, 8, 0); // 09:00 WEST
        let next = next_after(&Repeat::Daily, Lisbon, prev, prev).unwrap();
        assert_eq!(next, at(2026, 10, 25, 9, 0), "09:00 WET is 09:00 UTC");
        let ny = chrono_tz::America::New_York;
        let prev = at(2027, 3, 13, 14, 0); // 09:00 EST
        assert_eq!(next_after(&Repeat::Daily, ny, prev, prev).unwrap(), at(2027, 3, 14, 13, 0), "09:00 EDT");
    }

    #[test]
    fn every_repeat_kind_finds_its_next_time() {
        let utc = chrono_tz::UTC;
        let fri = at(2026, 11, 27, 8, 30); // a Friday
        assert_eq!(next_after(&Repeat::Once, utc, fri, fri), None);
        assert_eq!(next_after(&Repeat::Weekly, utc, fri, fri).unwrap(), at(2026, 12, 4, 8, 30));
        assert_eq!(next_after(&Repeat::Weekdays, utc, fri, fri).unwrap(), at(2026, 11, 30, 8, 30), "Monday");
        let jan31 = at(2027, 1, 31, 9, 0);
        assert_eq!(next_after(&Repeat::Monthly, utc, jan31, jan31).unwrap(), at(2027, 2, 28, 9, 0));
        assert_eq!(next_after(&Repeat::Yearly, utc, jan31, jan31).unwrap(), at(2028, 1, 31, 9, 0));
        let leap = at(2028, 2, 29, 9, 0);
        assert_eq!(next_after(&Repeat::Yearly, utc, leap, leap).unwrap(), at(2029, 2, 28, 9, 0));
        // Standard cron numbering: 1-5 is Monday to Friday.
        let cron = Repeat::parse(Some("30 8 * * 1-5")).unwrap();
        assert_eq!(next_after(&cron, utc, fri, fri).unwrap(), at(2026, 11, 30, 8, 30), "Monday is Monday");
        let sunday = Repeat::parse(Some("0 9 * * 0")).unwrap();
        assert_eq!(next_after(&sunday, utc, fri, fri).unwrap(), at(2026, 11, 29, 9, 0));
    }

    #[test]
    fn occurrences_missed_while_down_are_skipped_to_the_next_one() {
        let utc = chrono_tz::UTC;
        let prev = at(2026, 11, 1, 9, 0);
        let now = at(2026, 11, 25, 12, 0);
        assert_eq!(next_after(&Repeat::Daily, utc, prev, now).unwrap(), at(2026, 11, 26, 9, 0));
    }

    #[test]
    fn repeats_are_known_words_or_cron_lines_never_guessed() {
        assert_eq!(Repeat::parse(None).unwrap(), Repeat::Once);
        assert_eq!(Repeat::parse(Some("Daily")).unwrap(), Repeat::Daily);
        assert_eq!(Repeat::parse(Some("weekdays")).unwrap(), Repeat::Weekdays);
        assert_eq!(Repeat::parse(Some("30 8 * * 1-5")).unwrap(), Repeat::Cron("30 8 * * 1-5".into()));
        assert_eq!(Repeat::parse(Some("cron: 0 9 1 * *")).unwrap().stored().unwrap(), "cron: 0 9 1 * *");
        let e = Repeat::parse(Some("fortnightly")).unwrap_err();
        assert!(e.contains("not a repeat I know"), "{e}");
    }
}
