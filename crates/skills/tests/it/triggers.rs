use omega_skills::parse_skill;
use omega_skills::triggers::{matches, triggered};

#[test]
fn whole_words_any_case_any_script() {
    assert!(matches("What's the WEATHER like?", "weather"));
    assert!(!matches("the weatherman said", "weather"), "not inside a word");
    assert!(!matches("unweather", "weather"));
    assert!(matches("open the web page please", "web page"), "phrases");
    assert!(!matches("open the web pages", "web page"));
    assert!(matches("Qual é a previsão do tempo?", "previsão"), "accents");
    assert!(matches("Покажи ПОГОДУ", "погоду"), "Cyrillic, any case");
    assert!(matches("明天天气怎么样", "天气"), "no spaces in Chinese: anywhere");
    assert!(matches("check my p&l today", "p&l"));
    assert!(!matches("anything", ""));
}

#[test]
fn the_skills_a_message_calls_for() {
    let w = parse_skill("weather", "---\ndescription: W.\ntriggers: [weather, forecast]\n---\n").unwrap();
    let t = parse_skill("trader", "---\ndescription: T.\ntrigger: stock|shares\n---\n").unwrap();
    let skills = [w, t];
    let names = |text: &str| triggered(text, &skills).into_iter().map(|s| s.dir.clone()).collect::<Vec<_>>();
    assert_eq!(names("forecast for Lisbon"), ["weather"]);
    assert_eq!(names("buy 10 shares if the weather holds"), ["weather", "trader"]);
    assert!(names("hello there").is_empty());
}
