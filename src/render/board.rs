//! The facilitator's terminal board during an exercise: the injects as they
//! are delivered and where the exercise stands, from the session's view.
//! `cli` gives it the terminal to write to.

use std::io::Write;

use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};

use crate::analysis::state::State;
use crate::exercise;
use crate::exercise::session::{DamageView, View};
use crate::i18n::{Lang, t};
use crate::model::SimDuration;

fn left(s: i64) -> String {
    if s < 0 {
        format!("-{}", SimDuration::from_secs(s.unsigned_abs()))
    } else {
        SimDuration::from_secs(s as u64).to_string()
    }
}

/// New injects, then the status.
pub fn board(v: &View, shown: &mut usize, lang: Lang, out: &mut dyn Write) -> std::io::Result<()> {
    injects(v, shown, lang, out)?;
    status(v, lang, out)
}

/// The injects delivered since `from`, which moves past them.
pub fn injects(v: &View, from: &mut usize, lang: Lang, out: &mut dyn Write) -> std::io::Result<()> {
    for i in &v.injects[(*from).min(v.injects.len())..] {
        writeln!(out)?;
        writeln!(
            out,
            "▶ [{}] {}{} · {} · {} {} → {}{}",
            i.id,
            i.at.label,
            i.at.date
                .as_deref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default(),
            i.channel.map_or("", exercise::Channel::as_str),
            t(lang, "from", "de"),
            i.from,
            i.to.join(", "),
            if i.contingency {
                t(lang, " (contingency)", " (relance)")
            } else {
                ""
            }
        )?;
        for l in textwrap(&i.text, 96) {
            writeln!(out, "  {l}")?;
        }
        for e in &i.expects {
            writeln!(out, "  {} {e}", t(lang, "expected:", "attendu :"))?;
        }
    }
    *from = v.injects.len();
    Ok(())
}

fn textwrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + word.chars().count() + 1 > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Where the exercise stands: the clock, the processes not up, the
/// services to restore and the work under way, the teams and the isolated
/// zones.
pub fn status(v: &View, lang: Lang, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "── {}{}{}{}{}",
        v.clock.label,
        v.clock
            .date
            .as_deref()
            .map(|d| format!(" · {d}"))
            .unwrap_or_default(),
        if v.crisis > 0 {
            format!(
                " · {} {}",
                t(lang, "crisis level", "crise niveau"),
                v.crisis
            )
        } else {
            String::new()
        },
        v.next_inject
            .as_ref()
            .map(|n| format!(
                " · {} {}",
                t(lang, "next inject", "prochain stimulus"),
                n.label
            ))
            .unwrap_or_default(),
        if v.paused {
            t(lang, " · PAUSED", " · EN PAUSE")
        } else if v.ended {
            t(lang, " · ENDED", " · TERMINÉ")
        } else {
            ""
        }
    )?;
    let stopped: Vec<_> = v
        .processes
        .iter()
        .filter(|p| p.state != State::Up)
        .collect();
    if !stopped.is_empty() {
        let mut table = Table::new();
        table
            .load_style(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_header(vec![
                t(lang, "Process", "Processus"),
                t(lang, "State", "État"),
                t(lang, "Since", "Depuis"),
                "DMIA",
                t(lang, "Left", "Reste"),
                t(lang, "Workaround", "Mode dégradé"),
            ]);
        for p in stopped {
            table.add_row(vec![
                p.id.clone(),
                match p.state {
                    State::Down => t(lang, "down", "arrêté"),
                    State::Degraded => t(lang, "degraded", "dégradé"),
                    State::Up => t(lang, "up", "en service"),
                }
                .to_string(),
                p.since
                    .as_ref()
                    .map(|s| s.label.clone())
                    .unwrap_or_default(),
                SimDuration::from_secs(p.mtpd_s).to_string(),
                p.left_s.map(left).unwrap_or_else(|| "—".into()),
                match (p.workaround, p.has_workaround) {
                    (true, _) => t(lang, "active", "actif").into(),
                    (false, true) => t(lang, "available", "disponible").into(),
                    (false, false) => "—".to_string(),
                },
            ]);
        }
        writeln!(out, "{table}")?;
    }
    let down = v.services.iter().filter(|s| s.state == State::Down).count();
    let damaged: Vec<_> = v.services.iter().filter(|s| s.damage.is_some()).collect();
    let destroyed = damaged
        .iter()
        .filter(|s| s.damage == Some(DamageView::Destroyed))
        .count();
    writeln!(
        out,
        "{} {down} · {} {} ({} {destroyed})",
        t(lang, "Services down:", "Services arrêtés :"),
        t(lang, "to restore:", "à rétablir :"),
        damaged.len(),
        t(lang, "destroyed", "détruits"),
    )?;
    for s in &damaged {
        if let Some(w) = &s.work {
            writeln!(
                out,
                "  ⚙ {} : {} {} → {}",
                s.id, w.mode, w.start.label, w.expected.label
            )?;
        } else if let (true, Some(until)) = (s.ordered, &s.investigation) {
            writeln!(
                out,
                "  ⏳ {} : {} {}",
                s.id,
                t(
                    lang,
                    "ordered, waiting for the investigation until",
                    "ordonné, en attente de la fin de l'investigation à"
                ),
                until.label
            )?;
        } else if s.ordered {
            writeln!(
                out,
                "  ⏳ {} : {}",
                s.id,
                t(lang, "ordered, waiting", "ordonné, en attente")
            )?;
        }
    }
    let teams: Vec<String> = v
        .teams
        .iter()
        .map(|t| format!("{} {}/{}", t.id, t.busy, t.people))
        .collect();
    writeln!(
        out,
        "{} {}",
        t(lang, "Teams (busy/people):", "Équipes (occupés/effectif) :"),
        teams.join(" · ")
    )?;
    if !v.isolated.is_empty() {
        writeln!(
            out,
            "{} {}",
            t(lang, "Isolated zones:", "Zones isolées :"),
            v.isolated.join(", ")
        )?;
    }
    Ok(())
}
