//! Resolving the user's time zone: `omega.timezone` when set, else this machine's zone
//! (`TZ`, `/etc/timezone`, the `/etc/localtime` link), else UTC.

use chrono_tz::Tz;

/// The zone to show local times in. `configured` has been validated by config loading.
pub fn resolve(configured: &str) -> Tz {
    if let Ok(tz) = configured.parse::<Tz>() {
        return tz;
    }
    system_zone().unwrap_or(Tz::UTC)
}

fn system_zone() -> Option<Tz> {
    if let Ok(tz) = std::env::var("TZ")
        && let Ok(z) = tz.trim_start_matches(':').parse::<Tz>()
    {
        return Some(z);
    }
    if let Ok(text) = std::fs::read_to_string("/etc/timezone")
        && let Ok(z) = text.trim().parse::<Tz>()
    {
        return Some(z);
    }
    let link = std::fs::read_link("/etc/localtime").ok()?;
    let link = link.to_string_lossy();
    let name = link.split("zoneinfo/").nth(1)?;
    name.parse::<Tz>().ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn configured_zone_wins() {
        assert_eq!(super::resolve("Europe/Lisbon"), chrono_tz::Europe::Lisbon);
    }
}
