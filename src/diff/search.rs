//! The search for one request in a region: some atoms must hold (the
//! statements that must apply), and of each clause (a statement that must
//! not apply) at least one atom must fail.
//!
//! The request is cut into independent *components*: a key alone, or keys
//! linked by a policy variable (or by a principal) enumerated together. An
//! atom reads exactly one component, so a set of literals is satisfiable
//! exactly when it is satisfiable in each component apart:
//!
//! - a *single-valued* component is absent or one element class; every atom
//!   is a set of classes (`P`) plus its value on the absent key;
//! - a *multivalued* component is absent or a non-empty set `S` of classes.
//!   An atom is `any(P)` (`S ∩ P ≠ ∅`: unqualified and `ForAnyValue`
//!   operators, `Null`) or `all(P)` (`S ⊆ P`: `ForAllValues`), as the
//!   evaluator reads entries. Its literals are upper bounds (`S ⊆ U`: `all`
//!   holding, `any` failing) or requirements (`S ∩ R ≠ ∅`: `any` holding,
//!   `all` failing); a non-empty `S` meets them all exactly when `U` is not
//!   empty and meets every `R` (take one element of `U ∩ R` per `R`);
//! - a *joint* component is one of finitely many enumerated points.
//!
//! The clauses are satisfied by a depth-first search with undo: a clause
//! already failed by the literals so far is skipped, else each of its atoms
//! that can still fail is tried in turn. The search is exact; it stops only
//! at [`MAX_STEPS`] literals tried, which the caller reports.

use std::cmp::Ordering;

/// At most this many literals are tried in one search.
pub const MAX_STEPS: u64 = 2_000_000;

/// A set of classes (or points) of one component, out of `n`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum ClassSet {
    /// These (sorted, distinct).
    Finite(Vec<u32>),
    /// All but these (sorted, distinct).
    CoFinite(Vec<u32>),
    /// As bits.
    Dense(Bits),
}

impl ClassSet {
    pub(super) fn none() -> ClassSet {
        ClassSet::Finite(Vec::new())
    }

    /// From a membership test over `0..n`, in the smaller of the two lists
    /// when one is short, else as bits.
    pub(super) fn from_fn(n: usize, mut member: impl FnMut(usize) -> bool) -> ClassSet {
        let mut bits = Bits::empty(n);
        for i in 0..n {
            if member(i) {
                bits.set(i);
            }
        }
        ClassSet::Dense(bits).compact(n)
    }

    /// The set of `members` (sorted, distinct, each below `n`), in the
    /// form [`ClassSet::compact`] gives it, without going through bits
    /// when a list is enough.
    pub(super) fn from_sorted(n: usize, members: Vec<u32>) -> ClassSet {
        let count = members.len();
        if count <= 64 {
            return ClassSet::Finite(members);
        }
        let mut bits = Bits::empty(n);
        for &i in &members {
            bits.set(i as usize);
        }
        ClassSet::Dense(bits).compact(n)
    }

    /// The same set in the cheapest form.
    pub(super) fn compact(self, n: usize) -> ClassSet {
        match self {
            ClassSet::Dense(bits) => {
                let count = bits.count();
                if count <= 64 {
                    ClassSet::Finite(bits.members().map(|i| i as u32).collect())
                } else if n - count <= 64 {
                    let mut out = Vec::with_capacity(n - count);
                    for i in 0..n {
                        if !bits.get(i) {
                            out.push(i as u32);
                        }
                    }
                    ClassSet::CoFinite(out)
                } else {
                    ClassSet::Dense(bits)
                }
            }
            other => other,
        }
    }

    pub(super) fn complement(&self, n: usize) -> ClassSet {
        match self {
            ClassSet::Finite(v) => ClassSet::CoFinite(v.clone()),
            ClassSet::CoFinite(v) => ClassSet::Finite(v.clone()),
            ClassSet::Dense(b) => ClassSet::Dense(b.not(n)),
        }
    }

    pub(super) fn contains(&self, i: usize) -> bool {
        match self {
            ClassSet::Finite(v) => v.binary_search(&(i as u32)).is_ok(),
            ClassSet::CoFinite(v) => v.binary_search(&(i as u32)).is_err(),
            ClassSet::Dense(b) => b.get(i),
        }
    }
}

/// A fixed-size bit set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Bits {
    words: Vec<u64>,
}

impl Bits {
    pub(super) fn empty(n: usize) -> Bits {
        Bits {
            words: vec![0; n.div_ceil(64)],
        }
    }

    pub(super) fn full(n: usize) -> Bits {
        let mut b = Bits {
            words: vec![u64::MAX; n.div_ceil(64)],
        };
        b.trim(n);
        b
    }

    fn trim(&mut self, n: usize) {
        let rest = n % 64;
        if rest != 0
            && let Some(last) = self.words.last_mut()
        {
            *last &= (1u64 << rest) - 1;
        }
    }

    pub(super) fn set(&mut self, i: usize) {
        if let Some(w) = self.words.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }

    pub(super) fn get(&self, i: usize) -> bool {
        self.words
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    fn not(&self, n: usize) -> Bits {
        let mut b = Bits {
            words: self.words.iter().map(|w| !w).collect(),
        };
        b.trim(n);
        b
    }

    pub(super) fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    pub(super) fn members(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(wi, &w)| {
            (0..64)
                .filter(move |b| w & (1u64 << b) != 0)
                .map(move |b| wi * 64 + b)
        })
    }

    fn first(&self) -> Option<usize> {
        self.words
            .iter()
            .enumerate()
            .find(|(_, w)| **w != 0)
            .map(|(i, w)| i * 64 + w.trailing_zeros() as usize)
    }
}

/// How an atom quantifies over the values of a multivalued component.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Quantifier {
    Any,
    All,
}

/// What a component is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mode {
    Single,
    Multi,
    Joint,
}

/// One atom as the search sees it.
#[derive(Clone, Debug)]
pub(super) struct Atom {
    pub component: usize,
    /// Its value when the key is absent (single and multivalued components).
    pub absent: bool,
    pub quantifier: Quantifier,
    /// The classes (or points) where it holds.
    pub holds: ClassSet,
}

/// The chosen value of a component.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Choice {
    Absent,
    /// Element classes (one for a single-valued component).
    Classes(Vec<usize>),
    Point(usize),
}

#[derive(Clone, Debug)]
pub(super) struct Component {
    pub mode: Mode,
    /// Classes or points.
    pub n: usize,
}

/// Why a search ended.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Outcome {
    /// A request of the region: one choice per component.
    Found(Vec<Choice>),
    Empty,
    /// [`MAX_STEPS`] were reached.
    GaveUp,
}

/// The state of one component under the literals pushed so far.
struct State {
    mode: Mode,
    n: usize,
    /// Single: the classes left; multivalued: the upper bound; joint: the
    /// points left.
    left: Bits,
    left_count: usize,
    /// Multivalued: the sets the values must meet.
    needs: Vec<ClassSet>,
    /// Literals false on the absent key.
    absent_blocked: u32,
}

enum Undo {
    Word {
        component: usize,
        index: usize,
        old: u64,
    },
    Count {
        component: usize,
        old: usize,
    },
    Need(usize),
    Absent(usize),
}

/// A search over given components and atoms.
pub(super) struct Search<'a> {
    atoms: &'a [Atom],
    states: Vec<State>,
    trail: Vec<Undo>,
    steps: u64,
}

impl<'a> Search<'a> {
    pub(super) fn new(components: &[Component], atoms: &'a [Atom]) -> Search<'a> {
        Search {
            atoms,
            states: components
                .iter()
                .map(|c| State {
                    mode: c.mode,
                    n: c.n,
                    left: Bits::full(c.n),
                    left_count: c.n,
                    needs: Vec::new(),
                    absent_blocked: 0,
                })
                .collect(),
            trail: Vec::new(),
            steps: 0,
        }
    }

    /// Removes from a component's bits every member outside `keep`.
    fn restrict(&mut self, component: usize, keep: &ClassSet) {
        let Some(state) = self.states.get_mut(component) else {
            return;
        };
        let old_count = state.left_count;
        let mut removed = 0usize;
        let trail = &mut self.trail;
        let mut clear_word = |state: &mut State, index: usize, mask_keep: u64| {
            if let Some(w) = state.left.words.get_mut(index) {
                let new = *w & mask_keep;
                if new != *w {
                    removed += (*w & !mask_keep).count_ones() as usize;
                    trail.push(Undo::Word {
                        component,
                        index,
                        old: *w,
                    });
                    *w = new;
                }
            }
        };
        match keep {
            ClassSet::CoFinite(out) => {
                for &i in out {
                    let i = i as usize;
                    clear_word(state, i / 64, !(1u64 << (i % 64)));
                }
            }
            ClassSet::Finite(list) => {
                let mut masks: Vec<u64> = vec![0; state.left.words.len()];
                for &i in list {
                    if let Some(m) = masks.get_mut(i as usize / 64) {
                        *m |= 1 << (i % 64);
                    }
                }
                for (index, m) in masks.into_iter().enumerate() {
                    clear_word(state, index, m);
                }
            }
            ClassSet::Dense(bits) => {
                for index in 0..state.left.words.len() {
                    let m = bits.words.get(index).copied().unwrap_or(0);
                    clear_word(state, index, m);
                }
            }
        }
        if removed > 0 {
            self.trail.push(Undo::Count {
                component,
                old: old_count,
            });
            state.left_count = old_count - removed;
        }
    }

    /// Adds the literal "atom holds" (`holds`) or "atom fails".
    fn push(&mut self, atom: usize, holds: bool) {
        self.steps += 1;
        let Some(a) = self.atoms.get(atom) else {
            return;
        };
        let c = a.component;
        let Some(state) = self.states.get_mut(c) else {
            return;
        };
        let n = state.n;
        let mode = state.mode;
        if mode != Mode::Joint && a.absent != holds {
            state.absent_blocked += 1;
            self.trail.push(Undo::Absent(c));
        }
        let wanted = if holds {
            a.holds.clone()
        } else {
            a.holds.complement(n)
        };
        let as_need = mode == Mode::Multi && ((a.quantifier == Quantifier::Any) == holds);
        if as_need {
            if let Some(state) = self.states.get_mut(c) {
                state.needs.push(wanted);
                self.trail.push(Undo::Need(c));
            }
        } else {
            self.restrict(c, &wanted);
        }
    }

    fn undo_to(&mut self, mark: usize) {
        while self.trail.len() > mark {
            let Some(u) = self.trail.pop() else {
                break;
            };
            match u {
                Undo::Word {
                    component,
                    index,
                    old,
                } => {
                    if let Some(w) = self
                        .states
                        .get_mut(component)
                        .and_then(|s| s.left.words.get_mut(index))
                    {
                        *w = old;
                    }
                }
                Undo::Count { component, old } => {
                    if let Some(s) = self.states.get_mut(component) {
                        s.left_count = old;
                    }
                }
                Undo::Need(component) => {
                    if let Some(s) = self.states.get_mut(component) {
                        s.needs.pop();
                    }
                }
                Undo::Absent(component) => {
                    if let Some(s) = self.states.get_mut(component) {
                        s.absent_blocked -= 1;
                    }
                }
            }
        }
    }

    fn meets(state: &State, set: &ClassSet) -> bool {
        match set {
            ClassSet::Finite(v) => v.iter().any(|&i| state.left.get(i as usize)),
            ClassSet::CoFinite(v) => {
                let inside = v.iter().filter(|&&i| state.left.get(i as usize)).count();
                state.left_count > inside
            }
            ClassSet::Dense(b) => state
                .left
                .words
                .iter()
                .zip(&b.words)
                .any(|(x, y)| x & y != 0),
        }
    }

    fn present_possible(state: &State) -> bool {
        state.left_count > 0 && state.needs.iter().all(|r| Self::meets(state, r))
    }

    fn feasible(&self, component: usize) -> bool {
        self.states.get(component).is_some_and(|s| match s.mode {
            Mode::Joint => s.left_count > 0,
            Mode::Single | Mode::Multi => s.absent_blocked == 0 || Self::present_possible(s),
        })
    }

    /// Whether adding the literal leaves its component satisfiable.
    fn possible(&mut self, atom: usize, holds: bool) -> bool {
        let Some(c) = self.atoms.get(atom).map(|a| a.component) else {
            return false;
        };
        let mark = self.trail.len();
        self.push(atom, holds);
        let ok = self.feasible(c);
        self.undo_to(mark);
        ok
    }

    /// Whether the absent key is still possible in the atom's component.
    fn absent_open(&self, atom: usize) -> bool {
        self.atoms
            .get(atom)
            .and_then(|a| self.states.get(a.component))
            .is_some_and(|s| s.mode != Mode::Joint && s.absent_blocked == 0)
    }

    /// A value of each component; absent where it may be.
    fn choices(&self) -> Vec<Choice> {
        self.states
            .iter()
            .map(|s| match s.mode {
                Mode::Joint => Choice::Point(s.left.first().unwrap_or(0)),
                Mode::Single | Mode::Multi if s.absent_blocked == 0 => Choice::Absent,
                Mode::Single => Choice::Classes(s.left.first().into_iter().collect()),
                Mode::Multi => {
                    let mut picked: Vec<usize> = Vec::new();
                    for need in &s.needs {
                        if picked.iter().any(|&p| need.contains(p)) {
                            continue;
                        }
                        if let Some(i) = s.left.members().find(|&i| need.contains(i)) {
                            picked.push(i);
                        }
                    }
                    if picked.is_empty()
                        && let Some(i) = s.left.first()
                    {
                        picked.push(i);
                    }
                    picked.sort_unstable();
                    Choice::Classes(picked)
                }
            })
            .collect()
    }

    /// Finds a request where every atom of `must` holds and every clause has
    /// a failing atom.
    pub(super) fn run(mut self, must: &[usize], clauses: &[Vec<usize>]) -> Outcome {
        for &a in must {
            self.push(a, true);
            let Some(c) = self.atoms.get(a).map(|x| x.component) else {
                return Outcome::Empty;
            };
            if !self.feasible(c) {
                return Outcome::Empty;
            }
        }
        // shorter clauses first: they constrain most
        let mut order: Vec<usize> = (0..clauses.len()).collect();
        order.sort_by_key(|&i| clauses.get(i).map_or(0, Vec::len));
        let ordered: Vec<&Vec<usize>> = order.iter().filter_map(|&i| clauses.get(i)).collect();
        // explicit stack: (clause position, options, next option, trail mark)
        struct Frame {
            at: usize,
            options: Vec<usize>,
            next: usize,
            mark: usize,
        }
        let mut stack: Vec<Frame> = Vec::new();
        let mut at = 0usize;
        loop {
            // advance to the next clause not yet failed
            let mut descend: Option<Vec<usize>> = None;
            while let Some(clause) = ordered.get(at) {
                let mut failed = false;
                let mut options: Vec<usize> = Vec::new();
                for &a in clause.iter() {
                    if !self.possible(a, true) {
                        failed = true;
                        break;
                    }
                    if self.possible(a, false) {
                        options.push(a);
                    }
                }
                if failed {
                    at += 1;
                    continue;
                }
                self.prefer(&mut options);
                descend = Some(options);
                break;
            }
            let Some(options) = descend else {
                return Outcome::Found(self.choices());
            };
            if self.steps > MAX_STEPS {
                return Outcome::GaveUp;
            }
            stack.push(Frame {
                at,
                options,
                next: 0,
                mark: self.trail.len(),
            });
            // try the next option of the top frame, backtracking as needed
            loop {
                let Some(top) = stack.last_mut() else {
                    return Outcome::Empty;
                };
                self.undo_to(top.mark);
                match top.options.get(top.next).copied() {
                    Some(a) => {
                        top.next += 1;
                        at = top.at + 1;
                        self.push(a, false);
                        break;
                    }
                    None => {
                        stack.pop();
                    }
                }
            }
        }
    }

    /// Orders the atoms of a clause: first those whose failing lets their
    /// key stay absent, so that witnesses carry few keys.
    fn prefer(&self, options: &mut [usize]) {
        options.sort_by(|&x, &y| {
            let rank = |a: usize| {
                let keeps_absent =
                    self.absent_open(a) && self.atoms.get(a).is_some_and(|atom| !atom.absent);
                u8::from(!keeps_absent)
            };
            match rank(x).cmp(&rank(y)) {
                Ordering::Equal => x.cmp(&y),
                other => other,
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atom(component: usize, absent: bool, quantifier: Quantifier, holds: ClassSet) -> Atom {
        Atom {
            component,
            absent,
            quantifier,
            holds,
        }
    }

    #[test]
    fn class_sets() {
        let s = ClassSet::from_fn(200, |i| i == 3 || i == 150);
        assert_eq!(s, ClassSet::Finite(vec![3, 150]));
        let c = ClassSet::from_fn(200, |i| i != 7);
        assert_eq!(c, ClassSet::CoFinite(vec![7]));
        assert!(c.contains(8) && !c.contains(7));
        let d = ClassSet::from_fn(200, |i| i % 2 == 0);
        assert!(matches!(d, ClassSet::Dense(_)));
        assert!(d.contains(4) && !d.complement(200).contains(4));
    }

    #[test]
    fn single_valued_literals() {
        // k == 1 must hold; clause: (k == 1) must fail → empty
        let atoms = vec![atom(0, false, Quantifier::Any, ClassSet::Finite(vec![1]))];
        let comps = vec![Component {
            mode: Mode::Single,
            n: 3,
        }];
        assert_eq!(
            Search::new(&comps, &atoms).run(&[0], &[vec![0]]),
            Outcome::Empty
        );
        // k != 1 (true when absent): absent is the smallest witness
        let atoms = vec![atom(0, true, Quantifier::Any, ClassSet::CoFinite(vec![1]))];
        assert_eq!(
            Search::new(&comps, &atoms).run(&[0], &[]),
            Outcome::Found(vec![Choice::Absent])
        );
    }

    #[test]
    fn multivalued_sets() {
        // all in {0,1} holds, any in {1} holds, all in {0} fails:
        // S ⊆ {0,1}, 1 ∈ S → S = {1}
        let atoms = vec![
            atom(0, true, Quantifier::All, ClassSet::Finite(vec![0, 1])),
            atom(0, false, Quantifier::Any, ClassSet::Finite(vec![1])),
            atom(0, true, Quantifier::All, ClassSet::Finite(vec![0])),
        ];
        let comps = vec![Component {
            mode: Mode::Multi,
            n: 3,
        }];
        assert_eq!(
            Search::new(&comps, &atoms).run(&[0, 1], &[vec![2]]),
            Outcome::Found(vec![Choice::Classes(vec![1])])
        );
        // every value in {0} and some value outside {0}: none
        let atoms = vec![
            atom(0, true, Quantifier::All, ClassSet::Finite(vec![0])),
            atom(0, false, Quantifier::Any, ClassSet::CoFinite(vec![0])),
        ];
        assert_eq!(
            Search::new(&comps, &atoms).run(&[0, 1], &[]),
            Outcome::Empty
        );
    }

    #[test]
    fn clauses_backtrack() {
        // two components; clause A: (x=0) or (y=0) must fail; clause B: x=1
        // must fail... with x ∈ {0,1}: x=0 forced by must; so y≠0
        let atoms = vec![
            atom(0, false, Quantifier::Any, ClassSet::Finite(vec![0])),
            atom(1, false, Quantifier::Any, ClassSet::Finite(vec![0])),
            atom(0, false, Quantifier::Any, ClassSet::Finite(vec![0, 1])),
        ];
        let comps = vec![
            Component {
                mode: Mode::Single,
                n: 2,
            },
            Component {
                mode: Mode::Single,
                n: 2,
            },
        ];
        let out = Search::new(&comps, &atoms).run(&[2], &[vec![0, 1], vec![0]]);
        assert_eq!(
            out,
            Outcome::Found(vec![Choice::Classes(vec![1]), Choice::Absent])
        );
    }
}
