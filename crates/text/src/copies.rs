//! Republished copies: the same text published again by another outlet (wire copy, syndication,
//! scraper sites), found by MinHash over word shingles.
//!
//! A text's signature is the minimum, under each of [`SIGNATURE_LEN`] hash functions, of the
//! hashes of its runs of [`SHINGLE_WORDS`] words; the share of positions where two signatures
//! agree estimates the Jaccard resemblance of the two texts' shingle sets. The signature is cut
//! into [`BANDS`] bands whose keys a store can index, so the texts that may be copies of a new
//! one are found by equality, not by comparing it with every stored text: two texts of
//! resemblance 0.8 share a band with probability 1 − (1 − 0.8⁴)⁸ ≈ 0.9996, two of 0.3 with 0.06.
//!
//! The hashes are written out (FNV-1a in the crate root, SplitMix64 here) rather than taken from a hashing
//! crate, because signatures are stored: they must not change when a dependency does.

use crate::{FNV_OFFSET, Fnv1a};

/// Words per shingle: long enough that shared phrases of ordinary news ("said in a statement
/// on") are rare, short enough that an edited copy keeps most of its shingles.
pub const SHINGLE_WORDS: usize = 4;
/// Hash functions in a signature.
pub const SIGNATURE_LEN: usize = 32;
/// Bands the signature is cut into for lookup.
pub const BANDS: usize = 8;
/// Estimated resemblance from which a text is a copy of another: what survives a changed
/// headline, a dropped paragraph, a different standfirst or the outlet's own sign-off.
pub const COPY_RESEMBLANCE: f64 = 0.75;
/// Fewer words than this and a text is too short to call a copy (a feed's one-line summary,
/// a stub): its few shingles agree by chance.
pub const MIN_WORDS: usize = 60;

const ROWS: usize = SIGNATURE_LEN / BANDS;

/// The MinHash signature of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopySignature([u32; SIGNATURE_LEN]);

impl CopySignature {
    /// The signature of `text`, or `None` when it has fewer than [`MIN_WORDS`] words. Words are
    /// compared in lower case, without punctuation, so quotes and dashes typed differently do
    /// not hide a copy.
    pub fn of(text: &str) -> Option<Self> {
        let words: Vec<u64> = crate::words(text)
            .map(|w| {
                let mut hash = Fnv1a::default();
                hash.write_lowercase(w);
                hash.finish()
            })
            .collect();
        if words.len() < MIN_WORDS {
            return None;
        }
        let mut mins = [u32::MAX; SIGNATURE_LEN];
        for shingle in words.windows(SHINGLE_WORDS) {
            let h = shingle.iter().fold(FNV_OFFSET, |h, w| splitmix64(h ^ w));
            for (i, min) in mins.iter_mut().enumerate() {
                let v = (splitmix64(h ^ SEEDS[i]) >> 32) as u32;
                *min = (*min).min(v);
            }
        }
        Some(Self(mins))
    }

    /// The estimated Jaccard resemblance of the two texts' shingles, 0 to 1.
    pub fn resemblance(&self, other: &Self) -> f64 {
        let same = self.0.iter().zip(other.0.iter()).filter(|(a, b)| a == b).count();
        same as f64 / SIGNATURE_LEN as f64
    }

    /// True when the texts are copies of one another.
    pub fn is_copy_of(&self, other: &Self) -> bool {
        self.resemblance(other) >= COPY_RESEMBLANCE
    }

    /// The keys of its bands: texts that may be copies of one another share at least one. Each
    /// key also holds its band's position, so one band never meets another.
    pub fn bands(&self) -> [i64; BANDS] {
        let mut keys = [0; BANDS];
        for (band, key) in keys.iter_mut().enumerate() {
            let values = &self.0[band * ROWS..(band + 1) * ROWS];
            let h = values.iter().fold(splitmix64(FNV_OFFSET ^ band as u64), |h, v| splitmix64(h ^ u64::from(*v)));
            *key = h as i64;
        }
        keys
    }

    /// The signature written as hexadecimal text, as a store keeps it.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|v| format!("{v:08x}")).collect()
    }

    /// A signature read back from [`CopySignature::to_hex`]; `None` when `hex` is not one.
    pub fn from_hex(hex: &str) -> Option<Self> {
        if hex.len() != SIGNATURE_LEN * 8 || !hex.is_ascii() {
            return None;
        }
        let mut values = [0; SIGNATURE_LEN];
        for (i, v) in values.iter_mut().enumerate() {
            *v = u32::from_str_radix(&hex[i * 8..(i + 1) * 8], 16).ok()?;
        }
        Some(Self(values))
    }
}

const fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// One seed per hash function.
const SEEDS: [u64; SIGNATURE_LEN] = {
    let mut seeds = [0; SIGNATURE_LEN];
    let mut i = 0;
    while i < SIGNATURE_LEN {
        seeds[i] = splitmix64(0x5469_6469_6e67_7321 ^ i as u64);
        i += 1;
    }
    seeds
};

#[cfg(test)]
mod tests {
    use super::*;

    const WIRE: &str = "The harbour authority said on Tuesday that the swing bridge over the Ouse estuary \
        would reopen to traffic next month after two years of repairs costing eleven million pounds. \
        Engineers replaced the turning mechanism, which had jammed in the open position during the storm \
        of March, leaving drivers with a forty minute detour through the industrial estate. Local traders \
        welcomed the news, saying the closure had cut the number of visitors to the old town by a third. \
        The authority will run a ferry service until the bridge opens and warned of night closures.";

    #[test]
    fn signatures_stored_by_earlier_releases_still_match_the_same_text() {
        // Stored signatures are compared with new ones, so the words' hashing must not change:
        // these are the signatures an earlier release stored for this text and its capitals.
        let text = "Straße in München: Über 5.000 Menschen demonstrierten am Samstag in ΟΔΥΣΣΕΥΣ İstanbul \
            gegen die neue Regierung, die Polizei sprach von friedlichen Protesten ohne Zwischenfälle in \
            der ganzen Stadt und im Umland."
            .repeat(4);
        let stored = "094c7eb306eec6200d8fcf4a02407fe70caad52b00203ee90cd0f11e06e80848084093f208cc315402e82faa\
            0d1d3b3616e1855801b01d0c0ad925a90712dbc10099dcc6046aefba0891d67405fb94e406ee22880505cd6d0c8e8c57\
            0185698203c2958700067eda0d709ee2115c3a0100ae4e950b09421e0250e9b12909f580";
        let capitals = "274dcde906eec6200b9042812220d54f0caad52b00203ee90cd0f11e06e80848084093f20a9274d202e82faa\
            0d1d3b3616e18558059d11210ad925a90712dbc10099dcc6187c7b0c0891d6740af6379f06ee2288039ac0390c8e8c57\
            0185698203c2958700067eda0d709ee20e50871000ae4e95158263e00250e9b11289f9e6";
        assert_eq!(CopySignature::of(&text).map(|s| s.to_hex()).as_deref(), Some(stored));
        assert_eq!(CopySignature::of(&text.to_uppercase()).map(|s| s.to_hex()).as_deref(), Some(capitals));
    }

    #[test]
    fn a_copy_with_another_headline_and_sign_off_is_found() {
        let copy = format!(
            "Bridge to reopen. {} Reporting by the Eastern Courier news desk, with agency material.",
            WIRE.replace("said on Tuesday", "said on Tuesday,")
        );
        let (a, b) = (CopySignature::of(WIRE).unwrap(), CopySignature::of(&copy).unwrap());
        assert!(a.is_copy_of(&b), "resemblance {}", a.resemblance(&b));
        assert!(a.bands().iter().any(|k| b.bands().contains(k)), "a copy shares a band");
    }

    #[test]
    fn the_same_event_told_in_other_words_is_not_a_copy() {
        let other = "Drivers in the old town will soon have their bridge back. Repairs to the swing bridge \
            across the Ouse, shut since a storm jammed it open in March, finish next month, the harbour \
            authority announced. The work cost about eleven million pounds over two years. Shopkeepers \
            told us the forty minute detour past the industrial estate had kept a third of their customers \
            away. Until the reopening a ferry keeps running, and some nights the road will close again.";
        let (a, b) = (CopySignature::of(WIRE).unwrap(), CopySignature::of(other).unwrap());
        assert!(!a.is_copy_of(&b), "resemblance {}", a.resemblance(&b));
    }

    const PINNED_FIRST_BAND: i64 = -7_278_889_421_036_204_816;

    #[test]
    fn a_short_text_has_no_signature() {
        assert_eq!(CopySignature::of("Bridge reopens next month after repairs, the authority said."), None);
    }

    #[test]
    fn signatures_are_stable_and_read_back_from_hex() {
        let a = CopySignature::of(WIRE).unwrap();
        assert_eq!(CopySignature::from_hex(&a.to_hex()), Some(a.clone()));
        assert_eq!(CopySignature::from_hex("zz"), None);
        // Stored signatures must mean the same after an upgrade: the first band's key is pinned.
        assert_eq!(a.bands()[0], PINNED_FIRST_BAND);
    }
}
