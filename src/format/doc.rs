//! A small layout language (groups that are printed on one line when they
//! fit, else broken at their line breaks) and its renderer.
//!
//! Comments are part of the document: a comment that followed code on its line
//! is printed at the end of the current output line, even when a line break is
//! already pending; one that stood on its own line gets its own line. The
//! renderer decides each group once, looking ahead at most the rest of one
//! line, so rendering is linear in the size of the document.

use super::comments::Comment;

/// The width a line should not exceed.
pub(crate) const WIDTH: usize = 100;

#[derive(Debug)]
pub(crate) enum Doc {
    /// Text without line breaks.
    Text(String),
    /// One space, dropped at the start of a line.
    Space,
    /// A space on one line; when broken, a line break to the indentation
    /// less `back` columns (`and`/`or` are printed left of their operands).
    Line {
        back: usize,
    },
    /// Nothing on one line; a line break when broken.
    SoftLine,
    /// A line break, always.
    HardLine,
    /// An empty line, always (none at the start of the output or after an
    /// opening bracket).
    BlankLine,
    Comment(Box<Comment>),
    /// `broken` in a broken group, `flat` in a flat one.
    IfBreak {
        broken: &'static str,
        flat: &'static str,
    },
    Group(Group),
    /// Its content indented `n` columns more.
    Indent(usize, Vec<Doc>),
    /// Its content indented to the column where it starts.
    Align(Vec<Doc>),
}

#[derive(Debug)]
pub(crate) struct Group {
    docs: Vec<Doc>,
    /// Holds a line break or a comment that ends a line: never flat.
    forced: bool,
}

impl Doc {
    pub(crate) fn text(s: impl Into<String>) -> Doc {
        Doc::Text(s.into())
    }

    /// A group, broken when its content must be.
    pub(crate) fn group(docs: Vec<Doc>) -> Doc {
        let forced = docs.iter().any(Doc::forces_break);
        Doc::Group(Group { docs, forced })
    }

    /// A group that is always broken.
    pub(crate) fn broken(docs: Vec<Doc>) -> Doc {
        Doc::Group(Group { docs, forced: true })
    }

    fn forces_break(&self) -> bool {
        match self {
            Doc::HardLine | Doc::BlankLine => true,
            Doc::Comment(c) => c.forces_break(),
            Doc::Group(g) => g.forced,
            Doc::Indent(_, docs) | Doc::Align(docs) => docs.iter().any(Doc::forces_break),
            Doc::Text(_) | Doc::Space | Doc::Line { .. } | Doc::SoftLine | Doc::IfBreak { .. } => {
                false
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Flat,
    Break,
}

#[derive(Clone, Copy)]
struct Cmd<'d> {
    indent: usize,
    mode: Mode,
    doc: &'d Doc,
}

/// What separates the text written so far from the next text.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Pending {
    None,
    Space,
    /// A space after a comment: dropped before `,`, `)` and `]`.
    CommentSpace,
    Newline(usize),
    Blank(usize),
}

impl Pending {
    fn is_break(self) -> bool {
        matches!(self, Pending::Newline(_) | Pending::Blank(_))
    }
}

struct Renderer {
    out: String,
    col: usize,
    pending: Pending,
    /// The current line ends with a line comment.
    line_comment: bool,
}

/// Renders a document; the result ends with a line break unless empty.
pub(crate) fn render(docs: &[Doc]) -> String {
    let mut r = Renderer {
        out: String::new(),
        col: 0,
        pending: Pending::None,
        line_comment: false,
    };
    let mut stack: Vec<Cmd> = docs
        .iter()
        .rev()
        .map(|doc| Cmd {
            indent: 0,
            mode: Mode::Break,
            doc,
        })
        .collect();
    while let Some(cmd) = stack.pop() {
        let Cmd { indent, mode, doc } = cmd;
        match doc {
            Doc::Text(t) => r.text(t),
            Doc::Space => r.space(Pending::Space),
            Doc::Line { back } => match mode {
                Mode::Flat => r.space(Pending::Space),
                Mode::Break => r.newline(false, indent.saturating_sub(*back)),
            },
            Doc::SoftLine => {
                if mode == Mode::Break {
                    r.newline(false, indent);
                }
            }
            Doc::HardLine => r.newline(false, indent),
            Doc::BlankLine => r.newline(true, indent),
            Doc::Comment(c) => r.comment(c, indent),
            Doc::IfBreak { broken, flat } => {
                let t = if mode == Mode::Break { broken } else { flat };
                if !t.is_empty() {
                    r.text(t);
                }
            }
            Doc::Group(g) => {
                let mode = if g.forced {
                    Mode::Break
                } else if mode == Mode::Flat {
                    Mode::Flat
                } else {
                    let room = WIDTH.saturating_sub(r.effective_col());
                    if fits(&g.docs, room, &stack) {
                        Mode::Flat
                    } else {
                        Mode::Break
                    }
                };
                push(&mut stack, &g.docs, indent, mode);
            }
            Doc::Indent(n, docs) => push(&mut stack, docs, indent + n, mode),
            Doc::Align(docs) => {
                let col = r.effective_col();
                push(&mut stack, docs, col, mode);
            }
        }
    }
    if !r.out.is_empty() {
        r.out.push('\n');
    }
    r.out
}

fn push<'d>(stack: &mut Vec<Cmd<'d>>, docs: &'d [Doc], indent: usize, mode: Mode) {
    stack.extend(docs.iter().rev().map(|doc| Cmd { indent, mode, doc }));
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// Whether `docs`, flat, and what follows them up to the next line break fit
/// in `room` columns. Looks at no more than one line's worth of documents.
fn fits(docs: &[Doc], room: usize, rest: &[Cmd]) -> bool {
    let mut room = room as isize;
    let mut todo: Vec<(Mode, std::slice::Iter<Doc>)> = vec![(Mode::Flat, docs.iter())];
    let mut rest_idx = rest.len();
    loop {
        let (mode, doc) = match todo.last_mut() {
            Some((mode, iter)) => match iter.next() {
                Some(doc) => (*mode, doc),
                None => {
                    todo.pop();
                    continue;
                }
            },
            None => {
                if rest_idx == 0 {
                    return true;
                }
                rest_idx -= 1;
                (rest[rest_idx].mode, rest[rest_idx].doc)
            }
        };
        match doc {
            Doc::Text(t) => room -= width(t) as isize,
            Doc::Space => room -= 1,
            Doc::Line { .. } => {
                if mode == Mode::Break {
                    return true;
                }
                room -= 1;
            }
            Doc::SoftLine => {
                if mode == Mode::Break {
                    return true;
                }
            }
            Doc::HardLine | Doc::BlankLine => return true,
            Doc::Comment(c) => {
                // One on a line of its own starts a new line; one after code
                // stays on this line, and may end it.
                if c.own_line {
                    return true;
                }
                room -= width(c.text.lines().next().unwrap_or("")) as isize + 1;
                if c.ends_output_line() || c.text.contains('\n') {
                    return room >= 0;
                }
            }
            Doc::IfBreak { broken, flat } => {
                let t = if mode == Mode::Break { broken } else { flat };
                room -= width(t) as isize;
            }
            Doc::Group(g) => {
                let mode = if g.forced { Mode::Break } else { mode };
                todo.push((mode, g.docs.iter()));
            }
            Doc::Indent(_, docs) | Doc::Align(docs) => todo.push((mode, docs.iter())),
        }
        if room < 0 {
            return false;
        }
    }
}

impl Renderer {
    fn last_char(&self) -> Option<char> {
        self.out.chars().next_back()
    }

    /// The column the next text would start at.
    fn effective_col(&self) -> usize {
        match self.pending {
            Pending::Newline(i) | Pending::Blank(i) if !self.out.is_empty() => i,
            Pending::Space | Pending::CommentSpace if !self.out.is_empty() => self.col + 1,
            _ => self.col,
        }
    }

    fn space(&mut self, kind: Pending) {
        if !self.pending.is_break() {
            self.pending = kind;
        }
    }

    fn newline(&mut self, blank: bool, indent: usize) {
        self.pending = match self.pending {
            Pending::Blank(_) => Pending::Blank(indent),
            _ if blank => Pending::Blank(indent),
            _ => Pending::Newline(indent),
        };
    }

    fn blank_allowed(&self) -> bool {
        !matches!(self.last_char(), None | Some('{' | '[' | '('))
    }

    fn break_line(&mut self, blank: bool, indent: usize) {
        if self.out.is_empty() {
            return;
        }
        let blank = blank && self.blank_allowed();
        self.out.push('\n');
        if blank {
            self.out.push('\n');
        }
        self.out.extend(std::iter::repeat_n(' ', indent));
        self.col = indent;
        self.line_comment = false;
    }

    /// Writes what is pending, then `t`.
    fn text(&mut self, t: &str) {
        match self.pending {
            Pending::None => {}
            Pending::Space => self.sep_space(),
            Pending::CommentSpace => {
                if !t.starts_with([',', ')', ']']) {
                    self.sep_space();
                }
            }
            Pending::Newline(i) => self.break_line(false, i),
            Pending::Blank(i) => self.break_line(true, i),
        }
        self.pending = Pending::None;
        self.write(t);
    }

    fn sep_space(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with([' ', '\n']) {
            self.out.push(' ');
            self.col += 1;
        }
    }

    fn write(&mut self, t: &str) {
        self.out.push_str(t);
        match t.rfind('\n') {
            Some(n) => self.col = width(&t[n + 1..]),
            None => self.col += width(t),
        }
    }

    fn comment(&mut self, c: &Comment, indent: usize) {
        if !c.own_line && !self.line_comment {
            // It followed code: it stays at the end of the current line,
            // before any pending line break.
            if !self.out.is_empty() && !self.out.ends_with([' ', '\n']) {
                self.out.push(' ');
                self.col += 1;
            }
            self.write(&c.text);
            if !self.pending.is_break() {
                self.pending = if c.ends_output_line() {
                    Pending::Newline(indent)
                } else {
                    Pending::CommentSpace
                };
            }
            self.line_comment = c.is_line();
            return;
        }
        // On a line of its own.
        let (at, blank) = match self.pending {
            Pending::Newline(i) => (i, c.blank_before),
            Pending::Blank(i) => (i, true),
            _ => (indent, c.blank_before),
        };
        self.break_line(blank, at);
        self.write(&c.text);
        self.line_comment = c.is_line();
        self.pending = if c.ends_output_line() {
            Pending::Newline(at)
        } else {
            Pending::CommentSpace
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_break_only_when_too_long() {
        let list = |n: usize| {
            let mut inner = vec![Doc::SoftLine];
            for i in 0..n {
                if i > 0 {
                    inner.push(Doc::text(","));
                    inner.push(Doc::Line { back: 0 });
                }
                inner.push(Doc::text(format!("item{i:03}")));
            }
            inner.push(Doc::IfBreak {
                broken: ",",
                flat: "",
            });
            vec![
                Doc::text("x = "),
                Doc::group(vec![
                    Doc::text("["),
                    Doc::Indent(4, inner),
                    Doc::SoftLine,
                    Doc::text("]"),
                ]),
            ]
        };
        assert_eq!(render(&list(2)), "x = [item000, item001]\n");
        let long = render(&list(20));
        assert!(long.starts_with("x = [\n    item000,\n"), "{long}");
        assert!(long.ends_with("    item019,\n]\n"), "{long}");
    }
}
