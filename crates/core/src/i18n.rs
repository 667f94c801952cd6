//! The person's language for Omega's own words — command answers, confirmations, errors, the busy
//! ack, pairing texts — in the eight languages the original Omega spoke, chosen by the sender's
//! stored language (`/language`, `LANG_SWITCH`) or else the language of their message.
//!
//! The texts are a Fluent message catalogue, one file per language in `crates/core/locales/`
//! (built into the binary). Fluent gives translators plurals and variables in their own grammar;
//! the tests check that every language has every message with the same variables, and that every
//! message the code asks for exists.

use std::sync::OnceLock;

use fluent_bundle::FluentResource;
use fluent_bundle::concurrent::FluentBundle;

pub use fluent_bundle::{FluentArgs, FluentValue};

use crate::commands::MENU;

/// Confirmations of effects, in words.
mod confirm;
pub use confirm::confirmation;

/// A language Omega's own texts are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Es,
    Pt,
    Fr,
    De,
    It,
    Nl,
    Ru,
}

impl Lang {
    pub const ALL: [Lang; 8] =
        [Lang::En, Lang::Es, Lang::Pt, Lang::Fr, Lang::De, Lang::It, Lang::Nl, Lang::Ru];

    /// The language a stored preference names — a code ("pt", "pt-BR") or a name in English or
    /// in the language itself ("Brazilian Portuguese", "português"); `None` for any other.
    pub fn parse(name: &str) -> Option<Lang> {
        let n = name.trim().to_lowercase();
        let code = n.split(['-', '_', ' ']).next().unwrap_or("");
        let by_code = match code {
            "en" => Some(Lang::En),
            "es" => Some(Lang::Es),
            "pt" => Some(Lang::Pt),
            "fr" => Some(Lang::Fr),
            "de" => Some(Lang::De),
            "it" => Some(Lang::It),
            "nl" => Some(Lang::Nl),
            "ru" => Some(Lang::Ru),
            _ => None,
        };
        by_code.or_else(|| {
            let names: [(&[&str], Lang); 8] = [
                (&["english", "inglés", "inglês"], Lang::En),
                (&["spanish", "español", "espanol", "castellano"], Lang::Es),
                (&["portug"], Lang::Pt),
                (&["french", "français", "francais"], Lang::Fr),
                (&["german", "deutsch"], Lang::De),
                (&["italian", "italiano"], Lang::It),
                (&["dutch", "nederlands", "flemish"], Lang::Nl),
                (&["russian", "русский"], Lang::Ru),
            ];
            names.iter().find(|(words, _)| words.iter().any(|w| n.contains(w))).map(|(_, l)| *l)
        })
    }

    /// The language of a person: their stored preference if it is one of the eight, else the
    /// language `text` is written in, else English.
    pub fn of_person(preferred: Option<&str>, text: &str) -> Lang {
        preferred
            .and_then(Lang::parse)
            .or_else(|| crate::lang::detect(text).and_then(Lang::parse))
            .unwrap_or(Lang::En)
    }

    /// The language's name in itself ("português").
    pub fn name(self) -> &'static str {
        ["English", "español", "português", "français", "Deutsch", "italiano", "Nederlands", "русский"]
            [self as usize]
    }

    /// How a stored preference is shown in Omega's words: a bare name or code of one of the
    /// eight ("French", "pt") by the language's own name; anything fuller ("Brazilian
    /// Portuguese", "Klingon") as the person wrote it.
    pub fn display(preference: &str) -> String {
        let english = ["english", "spanish", "portuguese", "french", "german", "italian", "dutch", "russian"];
        match Lang::parse(preference) {
            Some(l)
                if preference.eq_ignore_ascii_case(l.code())
                    || preference.eq_ignore_ascii_case(l.name())
                    || preference.eq_ignore_ascii_case(english[l as usize]) =>
            {
                l.name().to_owned()
            }
            _ => preference.to_owned(),
        }
    }

    /// The language's code, as its catalogue file and Telegram's `language_code` name it.
    pub fn code(self) -> &'static str {
        ["en", "es", "pt", "fr", "de", "it", "nl", "ru"][self as usize]
    }
}

/// Each language's catalogue, in [`Lang`]'s order.
const SOURCES: [&str; 8] = [
    include_str!("../locales/en.ftl"),
    include_str!("../locales/es.ftl"),
    include_str!("../locales/pt.ftl"),
    include_str!("../locales/fr.ftl"),
    include_str!("../locales/de.ftl"),
    include_str!("../locales/it.ftl"),
    include_str!("../locales/nl.ftl"),
    include_str!("../locales/ru.ftl"),
];

type Bundle = FluentBundle<FluentResource>;

static BUNDLES: [OnceLock<Bundle>; 8] = [const { OnceLock::new() }; 8];

/// `lang`'s catalogue, parsed the first time it is needed (most daemons speak one or two of the
/// eight, and a parsed catalogue is a few hundred KB).
fn bundle(lang: Lang) -> &'static Bundle {
    BUNDLES[lang as usize].get_or_init(|| parse(lang))
}

fn parse(lang: Lang) -> Bundle {
    let id = lang.code().parse().expect("a language code is a language identifier");
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // The texts go to chat apps, not to a bidirectional UI: no isolation marks.
    bundle.set_use_isolating(false);
    // A syntax error leaves that message out (the tests catch it); the rest still load.
    let resource =
        FluentResource::try_new(SOURCES[lang as usize].to_owned()).unwrap_or_else(|(partial, _)| partial);
    bundle.add_resource_overriding(resource);
    bundle
}

/// The command menu in `lang`: each of [`MENU`] with what it does. A language nobody speaks yet
/// is parsed for this and let go (Telegram's menu is registered in all eight at start).
pub fn menu(lang: Lang) -> Vec<(&'static str, String)> {
    let parsed;
    let b = match BUNDLES[lang as usize].get() {
        Some(b) => b,
        None => {
            parsed = parse(lang);
            &parsed
        }
    };
    MENU.iter()
        .map(|name| {
            let id = format!("cmd-{name}");
            let text = b.get_message(&id).and_then(|m| m.value()).map(|p| {
                let mut errors = Vec::new();
                b.format_pattern(p, None, &mut errors).into_owned()
            });
            (*name, text.unwrap_or_else(|| describe(name, Lang::En)))
        })
        .collect()
}

/// The text of message `id` in `lang` with `args`; English if `lang` lacks it, the id itself if
/// English does too (the tests keep both from happening).
pub fn text(lang: Lang, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    let args = (!args.is_empty()).then(|| {
        let mut a = FluentArgs::with_capacity(args.len());
        for (k, v) in args {
            a.set(*k, v.clone());
        }
        a
    });
    for bundle in [bundle(lang), bundle(Lang::En)] {
        if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            return bundle.format_pattern(pattern, args.as_ref(), &mut errors).into_owned();
        }
    }
    id.to_owned()
}

/// `tr!(lang, "message-id", name = value, ...)`: [`text`] with named arguments. A value is any
/// string or number (numbers choose plural forms).
#[macro_export]
macro_rules! tr {
    ($lang:expr, $id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::i18n::text(
            $lang,
            $id,
            &[$((stringify!($name), $crate::i18n::FluentValue::from($value))),*],
        )
    };
}

/// `/help`, in `lang`.
pub fn help_text(agent_name: &str, lang: Lang) -> String {
    let mut out = format!(
        "{}\n\n{}\n",
        crate::tr!(lang, "help-intro", name = agent_name),
        crate::tr!(lang, "help-commands")
    );
    for name in MENU {
        out.push_str(&format!("/{name} — {}\n", describe(name, lang)));
    }
    out.trim_end().to_owned()
}

/// What command `name` (one of [`MENU`]) does, in `lang`.
pub fn describe(name: &str, lang: Lang) -> String {
    text(lang, &format!("cmd-{name}"), &[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use fluent_syntax::ast;
    use std::collections::{BTreeMap, BTreeSet};

    /// Each message's id and the variables it uses; the syntax errors, if any.
    fn catalogue(lang: Lang) -> (BTreeMap<String, BTreeSet<String>>, Vec<String>) {
        let source = SOURCES[lang as usize];
        let (resource, errors) = match fluent_syntax::parser::parse(source) {
            Ok(r) => (r, Vec::new()),
            Err((r, errors)) => (r, errors.iter().map(|e| format!("{e:?}")).collect()),
        };
        let mut out = BTreeMap::new();
        for entry in resource.body {
            if let ast::Entry::Message(m) = entry {
                let mut vars = BTreeSet::new();
                if let Some(p) = &m.value {
                    pattern_vars(p, &mut vars);
                }
                out.insert(m.id.name.to_owned(), vars);
            }
        }
        (out, errors)
    }

    fn pattern_vars(p: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
        for el in &p.elements {
            if let ast::PatternElement::Placeable { expression } = el {
                expression_vars(expression, vars);
            }
        }
    }

    fn expression_vars(e: &ast::Expression<&str>, vars: &mut BTreeSet<String>) {
        match e {
            ast::Expression::Select { selector, variants } => {
                inline_vars(selector, vars);
                for v in variants {
                    pattern_vars(&v.value, vars);
                }
            }
            ast::Expression::Inline(i) => inline_vars(i, vars),
        }
    }

    fn inline_vars(i: &ast::InlineExpression<&str>, vars: &mut BTreeSet<String>) {
        match i {
            ast::InlineExpression::VariableReference { id } => {
                vars.insert(id.name.to_owned());
            }
            ast::InlineExpression::Placeable { expression } => expression_vars(expression, vars),
            _ => {}
        }
    }

    #[test]
    fn every_language_has_every_message_with_the_same_variables() {
        let (english, errors) = catalogue(Lang::En);
        assert!(errors.is_empty(), "en.ftl: {errors:?}");
        for lang in Lang::ALL {
            let (theirs, errors) = catalogue(lang);
            assert!(errors.is_empty(), "{}.ftl does not parse: {errors:?}", lang.code());
            for (id, vars) in &english {
                let Some(their_vars) = theirs.get(id) else {
                    panic!("{}.ftl has no message {id}", lang.code());
                };
                assert_eq!(their_vars, vars, "{}.ftl: {id} uses other variables than en.ftl", lang.code());
                let text = text(lang, id, &[]);
                assert!(!text.trim().is_empty(), "{}.ftl: {id} is empty", lang.code());
            }
            for id in theirs.keys() {
                assert!(english.contains_key(id), "{}.ftl has {id}, which en.ftl lacks", lang.code());
            }
        }
    }

    /// Every `tr!(…, "id"` in the workspace's sources names a message, and every message is
    /// asked for somewhere (the commands' descriptions by [`describe`]).
    #[test]
    fn the_code_asks_only_for_messages_that_exist_and_for_all_of_them() {
        let (english, _) = catalogue(Lang::En);
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut used = BTreeSet::new();
        let mut stack = vec![root.join("actors/src"), root.join("crates")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() && !path.ends_with("target") {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let src = std::fs::read_to_string(&path).unwrap();
                    // Code only (not comments), and the macro (not `include_str!(`).
                    let code: String = src
                        .lines()
                        .filter(|l| !l.trim_start().starts_with("//"))
                        .collect::<Vec<_>>()
                        .join("\n");
                    for (i, _) in code.match_indices("tr!(") {
                        if code[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '"') {
                            continue;
                        }
                        // The first non-empty string literal (the language may be an expression
                        // with literals of its own, such as `Lang::of_person(Some(l), "")`).
                        let rest = &code[i..];
                        let Some(id) = rest.split('"').skip(1).step_by(2).find(|l| !l.is_empty()) else {
                            continue;
                        };
                        let id = id.to_owned();
                        assert!(english.contains_key(&id), "{}: no message {id} in en.ftl", path.display());
                        used.insert(id);
                    }
                }
            }
        }
        for name in MENU {
            used.insert(format!("cmd-{name}"));
        }
        let unused: Vec<&String> = english.keys().filter(|id| !used.contains(*id)).collect();
        assert!(unused.is_empty(), "messages nothing asks for: {unused:?}");
    }

    #[test]
    fn variables_plurals_and_leading_spaces_render() {
        assert_eq!(tr!(Lang::En, "in-project", project = "home"), " in project home");
        assert_eq!(
            tr!(Lang::En, "tasks-elsewhere", count = 1, scopes = "x"),
            "\n(1 more task outside this scope: x; /project switches.)"
        );
        assert_eq!(
            tr!(Lang::En, "tasks-elsewhere", count = 2, scopes = "x"),
            "\n(2 more tasks outside this scope: x; /project switches.)"
        );
        assert_eq!(
            tr!(Lang::En, "facts-list", facts = "- a: b"),
            "What I know about you:\n- a: b\n\n/purge deletes them."
        );
        // A language without a message would fall back to English; an unknown id is itself.
        assert_eq!(text(Lang::Pt, "no-such-message", &[]), "no-such-message");
    }

    #[test]
    fn every_command_is_described_in_every_language() {
        for lang in Lang::ALL {
            let help = help_text("Omega", lang);
            assert!(help.contains("Omega"), "{lang:?}");
            assert_eq!(help.matches("\n/").count(), MENU.len(), "{lang:?}: every command once");
            for name in MENU {
                assert!(!describe(name, lang).starts_with("cmd-"), "{lang:?} /{name}");
            }
            let menu = menu(lang);
            assert_eq!(menu.len(), MENU.len());
            assert!(menu.iter().all(|(n, d)| *d == describe(n, lang)), "{lang:?}");
        }
    }

    #[test]
    fn a_persons_language_is_their_choice_else_their_message_s() {
        assert_eq!(Lang::parse("pt"), Some(Lang::Pt));
        assert_eq!(Lang::parse("pt-BR"), Some(Lang::Pt));
        assert_eq!(Lang::parse("Brazilian Portuguese"), Some(Lang::Pt));
        assert_eq!(Lang::parse("português"), Some(Lang::Pt));
        assert_eq!(Lang::parse("Deutsch"), Some(Lang::De));
        assert_eq!(Lang::parse("русский"), Some(Lang::Ru));
        assert_eq!(Lang::parse("Klingon"), None);
        assert_eq!(Lang::of_person(Some("German"), "hola, ¿qué tal?"), Lang::De);
        assert_eq!(Lang::of_person(None, "hola, ¿qué tal? muchas gracias por la ayuda"), Lang::Es);
        assert_eq!(Lang::of_person(Some("Klingon"), "/tasks"), Lang::En);
        assert_eq!(Lang::display("French"), "français");
        assert_eq!(Lang::display("pt"), "português");
        assert_eq!(Lang::display("Brazilian Portuguese"), "Brazilian Portuguese");
        assert!(help_text("Omega", Lang::Pt).starts_with("Sou o Omega, o teu agente pessoal de IA."));
    }
}
