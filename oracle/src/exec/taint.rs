//! Sorted lists of disjoint half-open byte ranges `[start, end)`: the parts of a memory
//! whose contents the spec leaves open (a stored NaN of free payload, ...).

/// Marks `[s, e)`.
pub(crate) fn add(v: &mut Vec<(u64, u64)>, s: u64, e: u64) {
    if s >= e {
        return;
    }
    let (mut s, mut e) = (s, e);
    // Ranges that touch or overlap [s, e) merge into it.
    let first = v.partition_point(|&(_, re)| re < s);
    let mut last = first;
    while last < v.len() && v[last].0 <= e {
        s = s.min(v[last].0);
        e = e.max(v[last].1);
        last += 1;
    }
    v.splice(first..last, std::iter::once((s, e)));
}

/// Unmarks `[s, e)`.
pub(crate) fn clear(v: &mut Vec<(u64, u64)>, s: u64, e: u64) {
    if s >= e || v.is_empty() {
        return;
    }
    let first = v.partition_point(|&(_, re)| re <= s);
    let mut last = first;
    let mut keep = Vec::new();
    while last < v.len() && v[last].0 < e {
        let (rs, re) = v[last];
        if rs < s {
            keep.push((rs, s));
        }
        if re > e {
            keep.push((e, re));
        }
        last += 1;
    }
    v.splice(first..last, keep);
}

/// Whether any of `[s, e)` is marked.
pub(crate) fn overlaps(v: &[(u64, u64)], s: u64, e: u64) -> bool {
    if v.is_empty() || s >= e {
        return false;
    }
    let i = v.partition_point(|&(_, re)| re <= s);
    i < v.len() && v[i].0 < e
}

/// The marked parts of `[s, e)`.
pub(crate) fn within(v: &[(u64, u64)], s: u64, e: u64) -> Vec<(u64, u64)> {
    let i = v.partition_point(|&(_, re)| re <= s);
    v[i..]
        .iter()
        .take_while(|&&(rs, _)| rs < e)
        .map(|&(rs, re)| (rs.max(s), re.min(e)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_merge_split_and_overlap() {
        let mut v = Vec::new();
        add(&mut v, 10, 20);
        add(&mut v, 30, 40);
        add(&mut v, 20, 25);
        assert_eq!(v, vec![(10, 25), (30, 40)]);
        add(&mut v, 24, 31);
        assert_eq!(v, vec![(10, 40)]);
        clear(&mut v, 15, 18);
        assert_eq!(v, vec![(10, 15), (18, 40)]);
        assert!(overlaps(&v, 14, 15));
        assert!(!overlaps(&v, 15, 18));
        assert!(overlaps(&v, 17, 19));
        assert_eq!(within(&v, 12, 20), vec![(12, 15), (18, 20)]);
        clear(&mut v, 0, 100);
        assert!(v.is_empty());
    }
}
