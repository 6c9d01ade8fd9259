//! Pathological inputs give diagnostics, never a crash or a stack overflow.
//! The parses run on a thread with a deliberately small stack (1 MiB).

use ormgen_schema::{check, format::format_schema, render};

const HEADER: &str = "datasource db {\n  provider = \"postgresql\"\n}\n\n";

fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("no panic, no overflow")
}

fn errors_of(src: String) -> Vec<String> {
    on_small_stack(move || {
        let (_, diags) = check(&src);
        let _ = render("x.prisma", &src, &diags, false);
        let _ = format_schema(&src);
        diags
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.message.clone())
            .collect()
    })
}

#[test]
fn ten_thousand_nested_brackets_are_an_error() {
    let n = 10_000;
    let src = format!(
        "{HEADER}model A {{\n  id Int @id @default({}{})\n}}\n",
        "[".repeat(n),
        "]".repeat(n)
    );
    let errors = errors_of(src);
    assert!(
        errors.iter().any(|e| e.contains("nested too deeply")),
        "{errors:?}"
    );
}

#[test]
fn ten_thousand_nested_parentheses_at_top_level_are_an_error() {
    let errors = errors_of("(".repeat(10_000));
    assert!(!errors.is_empty());
}

#[test]
fn nested_calls_are_an_error() {
    let n = 10_000;
    let src = format!(
        "{HEADER}model A {{\n  id Int @id @default({}{})\n}}\n",
        "f(".repeat(n),
        ")".repeat(n)
    );
    assert!(!errors_of(src).is_empty());
}

#[test]
fn moderate_nesting_still_parses() {
    let n = 50;
    let src = format!(
        "{HEADER}model A {{\n  id Int @id @default({}1{})\n}}\n",
        "[".repeat(n),
        "]".repeat(n)
    );
    let errors = errors_of(src);
    // Nested lists are not a valid default for Int, but they parse.
    assert!(
        errors
            .iter()
            .all(|e| !e.contains("nested too deeply") && !e.contains("syntax")),
        "{errors:?}"
    );
}

#[test]
fn one_megabyte_string_literal_is_handled() {
    let big = "a".repeat(1 << 20);
    let src =
        format!("{HEADER}model A {{\n  id   Int    @id\n  name String @default(\"{big}\")\n}}\n");
    let errors = errors_of(src);
    assert!(errors.is_empty(), "a long string is valid: {errors:?}");
}

#[test]
fn one_megabyte_unterminated_string_is_an_error() {
    let big = "b".repeat(1 << 20);
    let src =
        format!("{HEADER}model A {{\n  id   Int    @id\n  name String @default(\"{big})\n}}\n");
    assert!(!errors_of(src).is_empty());
}

#[test]
fn one_megabyte_line_of_garbage_is_an_error() {
    let garbage: String = "#%&*!~^$".chars().cycle().take(1 << 20).collect();
    assert!(!errors_of(garbage.clone()).is_empty());
    let inside = format!("{HEADER}model A {{\n  id Int @id\n  {garbage}\n}}\n");
    assert!(!errors_of(inside).is_empty());
}

#[test]
fn many_blocks_and_lines_are_fine() {
    let mut src = String::from(HEADER);
    for i in 0..2_000 {
        src.push_str(&format!("model M{i} {{\n  id Int @id\n}}\n\n"));
    }
    assert!(errors_of(src).is_empty());
}

#[test]
fn empty_and_odd_inputs() {
    for src in [
        "",
        "\n",
        "}",
        "{",
        "\u{feff}",
        "model",
        "model A {",
        "model A {\n",
        "@@",
        "///",
        "\r\n\r\n",
        "\0",
    ] {
        let _ = errors_of(src.to_owned());
    }
}
