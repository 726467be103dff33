//! The interpreter's operand stack and locals: plain bits, one `u128` per value, with the
//! tags of [`Tag`] kept apart and only once a value that is not exact shows up.
//!
//! Most code never computes a value the spec leaves open, so while no slot is tagged the
//! tags are not stored at all (`tags` is empty) and every slot reads as exact. The first
//! tagged value switches the slots to keeping one tag per value (all the earlier ones
//! exact), for the rest of the invocation.

use super::store::{Slot, Tag};

/// A stack of values with their tags (see the module's documentation).
#[derive(Debug, Default)]
pub(crate) struct Slots {
    vals: Vec<u128>,
    /// One tag per value once `tagged`; empty before.
    tags: Vec<Tag>,
    tagged: bool,
}

impl Slots {
    /// Slots holding `v`.
    pub(crate) fn from_vec(v: Vec<Slot>) -> Slots {
        let mut s = Slots {
            vals: Vec::with_capacity(v.len().max(64)),
            ..Slots::default()
        };
        for x in v {
            s.push(x);
        }
        s
    }

    /// The values, tagged.
    pub(crate) fn into_vec(self) -> Vec<Slot> {
        (0..self.vals.len()).map(|i| self.get(i)).collect()
    }

    /// Keeps a tag per value from now on.
    #[cold]
    #[inline(never)]
    fn start_tags(&mut self) {
        self.tagged = true;
        self.tags.clear();
        self.tags.resize(self.vals.len(), Tag::None);
    }

    /// The number of values.
    #[inline(always)]
    pub(crate) fn len(&self) -> usize {
        self.vals.len()
    }

    /// Pushes a value.
    #[inline(always)]
    pub(crate) fn push(&mut self, s: Slot) {
        if !matches!(s.tag, Tag::None) && !self.tagged {
            self.start_tags();
        }
        self.vals.push(s.v);
        if self.tagged {
            self.tags.push(s.tag);
        }
    }

    /// Pops a value (an exact zero from an empty stack, which validation rules out).
    #[inline(always)]
    pub(crate) fn pop(&mut self) -> Slot {
        let v = self.vals.pop().unwrap_or(0);
        let tag = if self.tagged {
            self.tags.pop().unwrap_or(Tag::None)
        } else {
            Tag::None
        };
        Slot::new(v, tag)
    }

    /// The value at `i` (an exact zero past the end).
    #[inline(always)]
    pub(crate) fn get(&self, i: usize) -> Slot {
        let v = self.vals.get(i).copied().unwrap_or(0);
        let tag = if self.tagged {
            self.tags.get(i).copied().unwrap_or(Tag::None)
        } else {
            Tag::None
        };
        Slot::new(v, tag)
    }

    /// Sets the value at `i`; whether `i` is in the stack.
    #[inline(always)]
    pub(crate) fn set(&mut self, i: usize, s: Slot) -> bool {
        if !matches!(s.tag, Tag::None) && !self.tagged {
            self.start_tags();
        }
        let Some(v) = self.vals.get_mut(i) else {
            return false;
        };
        *v = s.v;
        if self.tagged
            && let Some(t) = self.tags.get_mut(i)
        {
            *t = s.tag;
        }
        true
    }

    /// The top value (an exact zero if there is none).
    #[inline(always)]
    pub(crate) fn last(&self) -> Slot {
        self.get(self.vals.len().wrapping_sub(1))
    }

    /// Drops the values from `n` on.
    #[inline(always)]
    pub(crate) fn truncate(&mut self, n: usize) {
        self.vals.truncate(n);
        if self.tagged {
            self.tags.truncate(n);
        }
    }

    /// Moves the top `n` values down to `height`.
    #[inline(always)]
    pub(crate) fn keep_top(&mut self, height: usize, n: usize) {
        let len = self.vals.len();
        if len >= n && height + n <= len {
            match n {
                0 => {}
                1 => self.vals[height] = self.vals[len - 1],
                _ => self.vals.copy_within(len - n.., height),
            }
            self.vals.truncate(height + n);
            if self.tagged {
                self.tags.copy_within(len - n.., height);
                self.tags.truncate(height + n);
            }
        }
    }

    /// Moves the values from `from` on to the end of `to`.
    pub(crate) fn move_to(&mut self, from: usize, to: &mut Slots) {
        if self.tagged && !to.tagged {
            to.start_tags();
        }
        to.vals.extend_from_slice(&self.vals[from..]);
        if to.tagged {
            if self.tagged {
                to.tags.extend_from_slice(&self.tags[from..]);
            } else {
                let n = to.vals.len();
                to.tags.resize(n, Tag::None);
            }
        }
        self.truncate(from);
    }

    /// Grows to `n` values with exact zeros.
    #[inline]
    pub(crate) fn resize_zero(&mut self, n: usize) {
        self.vals.resize(n, 0);
        if self.tagged {
            self.tags.resize(n, Tag::None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_start_with_the_first_tagged_value() {
        let mut s = Slots::default();
        s.push(Slot::exact(1));
        s.push(Slot::exact(2));
        assert!(s.tags.is_empty());
        s.push(Slot::new(3, Tag::Canon));
        assert_eq!(s.tags, vec![Tag::None, Tag::None, Tag::Canon]);
        assert_eq!(s.pop(), Slot::new(3, Tag::Canon));
        assert_eq!(s.last(), Slot::exact(2));
        assert!(s.set(0, Slot::new(9, Tag::Unknown)));
        assert!(!s.set(5, Slot::exact(0)));
        s.push(Slot::new(4, Tag::Arith));
        s.keep_top(1, 1);
        assert_eq!(
            s.into_vec(),
            vec![Slot::new(9, Tag::Unknown), Slot::new(4, Tag::Arith)]
        );
    }

    #[test]
    fn moving_values_keeps_their_tags() {
        let mut a = Slots::from_vec(vec![Slot::exact(1), Slot::new(2, Tag::Arith)]);
        let mut b = Slots::default();
        a.move_to(1, &mut b);
        assert_eq!(a.into_vec(), vec![Slot::exact(1)]);
        b.resize_zero(2);
        assert_eq!(b.into_vec(), vec![Slot::new(2, Tag::Arith), Slot::exact(0)]);
        let mut c = Slots::from_vec(vec![Slot::exact(5)]);
        let mut d = Slots::from_vec(vec![Slot::new(1, Tag::Canon)]);
        c.move_to(0, &mut d);
        assert_eq!(d.into_vec(), vec![Slot::new(1, Tag::Canon), Slot::exact(5)]);
    }
}
