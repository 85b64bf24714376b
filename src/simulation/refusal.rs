//! Why the engine refuses a player's decision: typed, with the plan's ids,
//! so a front end can word it or act on it.

/// A decision the engine cannot carry out now; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecideError {
    /// Nothing to restore (`restore`) or to recover (`relocate`).
    NotDamaged {
        service: String,
        restore: bool,
    },
    /// Work on it has already started.
    InProgress {
        service: String,
    },
    /// `with TEAM` for a service whose recovery needs nobody.
    NoTeamNeeded {
        service: String,
        team: String,
    },
    NoFailover {
        service: String,
    },
    /// A failover of a service that is up.
    NotDown {
        service: String,
    },
    StandbyDown {
        standby: String,
    },
    /// The plan gives it no `relocate`.
    NoRelocation {
        service: String,
    },
    NoRecoverySite {
        service: String,
    },
    /// It already runs at another site.
    AlreadyAt {
        service: String,
        site: String,
    },
    /// No copy of its data survived to restore from.
    NoCopy {
        service: String,
        site: String,
    },
    NoWorkaround {
        process: String,
    },
    AlreadyIsolated {
        zone: String,
    },
    NotIsolated {
        zone: String,
    },
}

impl std::fmt::Display for DecideError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            DecideError::NotDamaged {
                service,
                restore: true,
            } => write!(f, "`{service}` needs no restoration: it is not damaged"),
            DecideError::NotDamaged { service, .. } => {
                write!(f, "`{service}` needs no recovery: it is not damaged")
            }
            DecideError::InProgress { service } => {
                write!(f, "`{service}` is already being worked on")
            }
            DecideError::NoTeamNeeded { service, team } => {
                write!(f, "`{service}` needs no team; leave out `with {team}`")
            }
            DecideError::NoFailover { service } => {
                write!(f, "`{service}` has no failover in the plan")
            }
            DecideError::NotDown { service } => {
                write!(f, "`{service}` is not down: nothing to fail over")
            }
            DecideError::StandbyDown { standby } => write!(f, "the standby `{standby}` is down"),
            DecideError::NoRelocation { service } => write!(
                f,
                "`{service}` cannot be relocated: the plan gives it no `relocate`"
            ),
            DecideError::NoRecoverySite { service } => {
                write!(f, "`{service}` has no recovery site")
            }
            DecideError::AlreadyAt { service, site } => {
                write!(f, "`{service}` already runs at `{site}`")
            }
            DecideError::NoCopy { service, site } => write!(
                f,
                "none of the copies of `{service}` survived: there is nothing to restore at `{site}` from"
            ),
            DecideError::NoWorkaround { process } => {
                write!(f, "`{process}` has no workaround in the plan")
            }
            DecideError::AlreadyIsolated { zone } => write!(f, "zone `{zone}` is already isolated"),
            DecideError::NotIsolated { zone } => write!(f, "zone `{zone}` is not isolated"),
        }
    }
}

impl std::error::Error for DecideError {}
