//! Formatted generated code, kept between runs of a build script.
//!
//! Formatting (parsing the rendered templates with `syn` and printing them
//! with prettyplease) is nearly all of the generator's time, and a build
//! script runs unoptimised: about a second for 50 models. The output is made
//! of chunks (one per enum, one per model, one for the schema-wide items)
//! whose formatting does not depend on each other, so a chunk whose rendered
//! text is unchanged since the last run reuses its formatted text, and a
//! change to one model reformats that model and the schema-wide chunk only.
//!
//! Entries are keyed by the whole rendered text (no hash, so no collision can
//! hand back another chunk's code) and the file records the generator's
//! version; a file that is missing, from another version or damaged is an
//! empty cache.

use std::collections::HashMap;
use std::path::Path;

/// The first line of a cache file.
const HEADER: &str = concat!("ormgen format cache 1 ", env!("CARGO_PKG_VERSION"), "\n");

/// Rendered chunk → formatted chunk.
#[derive(Debug, Default)]
pub struct FormatCache {
    /// What the last run left.
    old: HashMap<String, String>,
    /// What this run used: the next run's cache.
    used: HashMap<String, String>,
    /// Chunks this run took from the last one.
    reused: usize,
    /// Chunks this run formatted.
    formatted: usize,
}

impl FormatCache {
    /// An empty cache (every chunk is formatted).
    pub fn new() -> FormatCache {
        FormatCache::default()
    }

    /// The cache saved at `path`, or an empty one when there is none or it
    /// cannot be read back.
    pub fn load(path: &Path) -> FormatCache {
        let old = std::fs::read_to_string(path)
            .ok()
            .and_then(|text| decode(&text))
            .unwrap_or_default();
        FormatCache {
            old,
            ..FormatCache::default()
        }
    }

    /// Saves the chunks this run used (and only those, so the file does not
    /// grow as the schema changes).
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let mut keys: Vec<&String> = self.used.keys().collect();
        keys.sort();
        let mut out = String::from(HEADER);
        for key in keys {
            let formatted = &self.used[key];
            out.push_str(&format!("{} {}\n", key.len(), formatted.len()));
            out.push_str(key);
            out.push_str(formatted);
        }
        std::fs::write(path, out)
    }

    /// The formatted form of `rendered`, from the cache or from `format`.
    pub(crate) fn get_or_format<E>(
        &mut self,
        rendered: String,
        format: impl FnOnce(&str) -> Result<String, E>,
    ) -> Result<String, E> {
        if let Some(done) = self.used.get(&rendered) {
            return Ok(done.clone());
        }
        let formatted = match self.old.remove(&rendered) {
            Some(done) => {
                self.reused += 1;
                done
            }
            None => {
                self.formatted += 1;
                format(&rendered)?
            }
        };
        self.used.insert(rendered, formatted.clone());
        Ok(formatted)
    }

    /// How many chunks were taken from the cache since it was loaded.
    pub fn reused(&self) -> usize {
        self.reused
    }

    /// How many chunks were formatted since the cache was loaded.
    pub fn formatted(&self) -> usize {
        self.formatted
    }
}

/// Reads a saved cache: the header, then per entry a line `<key bytes>
/// <value bytes>` followed by the key and the value.
fn decode(text: &str) -> Option<HashMap<String, String>> {
    let mut rest = text.strip_prefix(HEADER)?;
    let mut entries = HashMap::new();
    while !rest.is_empty() {
        let (line, after) = rest.split_once('\n')?;
        let (k, v) = line.split_once(' ')?;
        let (k, v): (usize, usize) = (k.parse().ok()?, v.parse().ok()?);
        let key = after.get(..k)?;
        let value = after.get(k..k.checked_add(v)?)?;
        entries.insert(key.to_owned(), value.to_owned());
        rest = &after[k + v..];
    }
    Some(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upper(s: &str) -> Result<String, ()> {
        Ok(s.to_uppercase())
    }

    #[test]
    fn a_saved_cache_reads_back_and_reuses_its_chunks() {
        let dir = std::env::temp_dir().join(format!("ormgen-fmt-cache-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("cache");
        let mut c = FormatCache::load(&path);
        assert_eq!(
            c.get_or_format("a\nb 1 2\n".into(), upper),
            Ok("A\nB 1 2\n".into())
        );
        assert_eq!(c.get_or_format("é".into(), upper), Ok("É".into()));
        c.save(&path).unwrap();

        let mut c = FormatCache::load(&path);
        let never =
            |_: &str| -> Result<String, ()> { panic!("a cached chunk was formatted again") };
        assert_eq!(
            c.get_or_format("a\nb 1 2\n".into(), never),
            Ok("A\nB 1 2\n".into())
        );
        assert_eq!(c.get_or_format("new".into(), upper), Ok("NEW".into()));
        assert_eq!((c.reused(), c.formatted()), (1, 1));
        c.save(&path).unwrap();
        // The chunk this run did not use is gone from the file.
        let mut c = FormatCache::load(&path);
        assert_eq!(
            c.get_or_format("é".into(), |s| Ok::<_, ()>(format!("fresh {s}"))),
            Ok("fresh é".into())
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_damaged_or_foreign_file_is_an_empty_cache() {
        for text in [
            "",
            "something else\n",
            &format!("{HEADER}3 3\nab"),
            &format!("{HEADER}x 1\nab"),
            &format!("{HEADER}99999999999999999999 1\nab"),
        ] {
            assert!(decode(text).is_none(), "{text:?}");
        }
        assert_eq!(decode(HEADER), Some(HashMap::new()));
    }
}
