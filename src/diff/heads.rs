//! Values filed under literal texts (the heads of patterns: the text before
//! their first wildcard or variable), found by one walk of a trie:
//! the values whose head is a prefix of a text (a pattern can match a text
//! only if its head starts it), and those whose head starts with a text.
//! Both cost the length of the text plus what they find, however many
//! heads are filed.

/// A trie of heads, each node holding the values filed under its text.
#[derive(Clone, Debug)]
pub(super) struct HeadTrie<T> {
    nodes: Vec<Node<T>>,
}

#[derive(Clone, Debug)]
struct Node<T> {
    /// Children by their character, in the order they were added.
    next: Vec<(char, u32)>,
    here: Vec<T>,
}

impl<T> Default for Node<T> {
    fn default() -> Self {
        Node {
            next: Vec::new(),
            here: Vec::new(),
        }
    }
}

impl<T> Default for HeadTrie<T> {
    fn default() -> Self {
        HeadTrie {
            nodes: vec![Node::default()],
        }
    }
}

impl<T: Copy> HeadTrie<T> {
    fn child(&self, node: usize, c: char) -> Option<usize> {
        self.nodes
            .get(node)?
            .next
            .iter()
            .find(|(k, _)| *k == c)
            .map(|&(_, i)| i as usize)
    }

    /// Files `value` under `head`.
    pub(super) fn insert(&mut self, head: &str, value: T) {
        let mut node = 0;
        for c in head.chars() {
            node = match self.child(node, c) {
                Some(i) => i,
                None => {
                    let i = self.nodes.len();
                    self.nodes.push(Node::default());
                    if let Some(n) = self.nodes.get_mut(node) {
                        n.next.push((c, i as u32));
                    }
                    i
                }
            };
        }
        if let Some(n) = self.nodes.get_mut(node) {
            n.here.push(value);
        }
    }

    /// Adds to `out` the values filed under a prefix of `text` (`text`
    /// itself included), shortest head first.
    pub(super) fn prefixes_of(&self, text: &str, out: &mut Vec<T>) {
        let mut node = 0;
        if let Some(n) = self.nodes.first() {
            out.extend(n.here.iter().copied());
        }
        for c in text.chars() {
            let Some(i) = self.child(node, c) else {
                return;
            };
            node = i;
            if let Some(n) = self.nodes.get(node) {
                out.extend(n.here.iter().copied());
            }
        }
    }

    /// Adds to `out` the values filed under a text starting with `head`.
    pub(super) fn extending(&self, head: &str, out: &mut Vec<T>) {
        let mut node = 0;
        for c in head.chars() {
            let Some(i) = self.child(node, c) else {
                return;
            };
            node = i;
        }
        let mut stack = vec![node];
        while let Some(i) = stack.pop() {
            if let Some(n) = self.nodes.get(i) {
                out.extend(n.here.iter().copied());
                stack.extend(n.next.iter().map(|&(_, j)| j as usize));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_extensions() {
        let mut t: HeadTrie<u32> = HeadTrie::default();
        for (i, h) in ["", "ab", "abc", "abd", "b", "abc"].iter().enumerate() {
            t.insert(h, i as u32);
        }
        let mut out = Vec::new();
        t.prefixes_of("abcx", &mut out);
        assert_eq!(out, vec![0, 1, 2, 5]);
        out.clear();
        t.prefixes_of("zz", &mut out);
        assert_eq!(out, vec![0]);
        out.clear();
        t.extending("ab", &mut out);
        out.sort_unstable();
        assert_eq!(out, vec![1, 2, 3, 5]);
        out.clear();
        t.extending("abz", &mut out);
        assert!(out.is_empty());
        out.clear();
        t.extending("", &mut out);
        assert_eq!(out.len(), 6);
    }
}
