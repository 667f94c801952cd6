//! Which language a message is in, by counting common short words (stop words). Cheap, local,
//! and good enough to tell the model which language to answer in; English is the default.

const LANGS: &[(&str, &[&str])] = &[
    (
        "Spanish",
        &[
            "el", "la", "los", "las", "que", "de", "y", "es", "por", "para", "con", "una", "pero", "qué",
            "cómo", "está", "muy", "gracias", "hola",
        ],
    ),
    (
        "Portuguese",
        &[
            "o", "os", "as", "que", "de", "e", "é", "não", "uma", "um", "para", "com", "mas", "você",
            "obrigado", "obrigada", "olá", "está", "muito", "como",
        ],
    ),
    (
        "French",
        &[
            "le", "la", "les", "et", "est", "que", "de", "des", "une", "un", "pour", "avec", "mais", "je",
            "vous", "tu", "merci", "bonjour", "pas", "très",
        ],
    ),
    (
        "German",
        &[
            "der", "die", "das", "und", "ist", "nicht", "ich", "du", "sie", "ein", "eine", "mit", "für",
            "aber", "danke", "hallo", "wie", "sehr", "auch",
        ],
    ),
    (
        "Italian",
        &[
            "il", "lo", "gli", "e", "è", "che", "di", "non", "una", "un", "per", "con", "ma", "sono",
            "grazie", "ciao", "come", "molto", "anche",
        ],
    ),
    (
        "Dutch",
        &[
            "de", "het", "een", "en", "is", "niet", "ik", "je", "jij", "met", "voor", "maar", "dank",
            "hallo", "hoe", "zijn", "ook", "heel",
        ],
    ),
    (
        "Russian",
        &[
            "и",
            "в",
            "не",
            "на",
            "я",
            "что",
            "он",
            "с",
            "как",
            "это",
            "по",
            "но",
            "вы",
            "ты",
            "спасибо",
            "привет",
            "да",
            "нет",
            "очень",
        ],
    ),
];

/// The language `text` is most likely written in, or `None` for English or too little evidence.
/// One matching word is enough for messages of three words or fewer; longer ones need two.
pub fn detect(text: &str) -> Option<&'static str> {
    let words: Vec<String> =
        text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    if words.is_empty() {
        return None;
    }
    let needed = if words.len() <= 3 { 1 } else { 2 };
    let english = ["the", "and", "is", "are", "you", "i", "to", "of", "what", "how", "my", "it", "in", "for"];
    let en = words.iter().filter(|w| english.contains(&w.as_str())).count();
    let (lang, hits) = LANGS
        .iter()
        .map(|(lang, stop)| (*lang, words.iter().filter(|w| stop.contains(&w.as_str())).count()))
        .max_by_key(|(_, hits)| *hits)?;
    (hits >= needed && hits > en).then_some(lang)
}

#[cfg(test)]
mod tests {
    use super::detect;

    #[test]
    fn common_languages_are_recognized_and_english_is_the_default() {
        assert_eq!(detect("Olá, você pode me ajudar com uma receita?"), Some("Portuguese"));
        assert_eq!(detect("¿Qué hora es? Gracias por la ayuda"), Some("Spanish"));
        assert_eq!(detect("Bonjour, je voudrais une table pour deux"), Some("French"));
        assert_eq!(detect("Ich habe eine Frage und das ist wichtig"), Some("German"));
        assert_eq!(detect("Привет, как дела?"), Some("Russian"));
        assert_eq!(detect("What is the weather like in Lisbon today?"), None);
        assert_eq!(detect("ok"), None);
        assert_eq!(detect(""), None);
    }
}
