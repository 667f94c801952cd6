use omega_skills::lessons::add_lesson;

#[test]
fn a_lesson_goes_to_the_end_of_its_section_once() {
    let file = "---\ndescription: W.\n---\n# Weather\n\nUse curl.\n\n## Lessons Learned\n\n- Use metric units\n\n## Notes\n\nMore.\n";
    let once = add_lesson(file, "Ask for the city first").unwrap();
    assert_eq!(
        once,
        "---\ndescription: W.\n---\n# Weather\n\nUse curl.\n\n## Lessons Learned\n\n- Use metric units\n- Ask for the city first\n\n## Notes\n\nMore.\n"
    );
    assert_eq!(add_lesson(&once, "ask for the  city first."), None, "the same lesson is not added twice");
    assert_eq!(add_lesson(&once, "   "), None);
}

#[test]
fn the_section_is_made_when_missing_and_filled_when_empty() {
    let made = add_lesson("---\ndescription: W.\n---\n# Weather\n", "Use metric units").unwrap();
    assert_eq!(made, "---\ndescription: W.\n---\n# Weather\n\n## Lessons Learned\n\n- Use metric units\n");
    let empty = add_lesson("# W\n\n## Lessons Learned\n", "First one").unwrap();
    assert_eq!(empty, "# W\n\n## Lessons Learned\n\n- First one\n");
    let second = add_lesson(&empty, "Second one").unwrap();
    assert_eq!(second, "# W\n\n## Lessons Learned\n\n- First one\n- Second one\n");
}

#[test]
fn a_heading_inside_a_code_block_does_not_end_the_section() {
    let file = "## Lessons Learned\n\n- One\n\n```\n## not a heading\n```\n";
    let out = add_lesson(file, "Two").unwrap();
    assert!(out.ends_with("```\n## not a heading\n```\n- Two\n"), "{out}");
}
