//! Loading a saved inventory with its resource lists parsed in parallel.
//!
//! A saved inventory is one JSON object whose big members are the
//! resource lists (`"buckets": [...]`): at 10^6 resources, 560 MB of
//! small objects. Parsing it in one pass keeps one core busy for seconds;
//! here one thread reads the file block by block and finds where each
//! list element begins and ends (tracking only strings and brackets),
//! and the pool parses the elements of each block while the next is
//! read. The members that are not resource lists (format, version,
//! scope, coverage, ...) are gathered, in the order read, into a small
//! object of their own and parsed as an inventory without lists.
//!
//! This is only a faster way to the same result. Whenever the text is
//! anything but what serde would read without complaint (a syntax or
//! type error, an unknown or repeated member, an escaped member name),
//! [`parallel`] gives up and the caller parses the text in one pass,
//! whose error is the one reported, with its line and column. Every
//! element is still parsed whole by serde_json, so nothing the one-pass
//! parser rejects is accepted here.

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::sync::mpsc;

use serde::de::DeserializeOwned;

use super::Inventory;
use super::kinds::{LIST_NAMES, Parsed};

/// How much is read at a time, and so (roughly) the unit of work handed
/// to the pool: a few thousand resources.
const BLOCK: usize = 1 << 20;

/// Why the fast path stopped.
enum Stop {
    /// Reading the file failed: reported as such.
    Io(io::Error),
    /// The text is not what the fast path reads: parse it in one pass.
    GiveUp,
}

impl From<io::Error> for Stop {
    fn from(e: io::Error) -> Stop {
        Stop::Io(e)
    }
}

type Step<T> = Result<T, Stop>;

/// Parses the inventory read from `src`; `Ok(None)` when the text must be
/// parsed in one pass instead (see the module documentation). The result
/// is not checked for its format and version, nor are its ARNs made: the
/// caller does that as for a one-pass parse.
pub(super) fn parallel(src: impl Read) -> io::Result<Option<Inventory>> {
    parallel_in_blocks(src, BLOCK)
}

/// [`parallel`], reading `block` bytes at a time.
fn parallel_in_blocks(src: impl Read, block: usize) -> io::Result<Option<Inventory>> {
    let mut loader = Loader {
        input: Input {
            src,
            buf: Vec::with_capacity(block),
            block,
            pos: 0,
            eof: false,
        },
        rest: Vec::new(),
        seen: vec![false; LIST_NAMES.len()],
        pending: None,
        work: Work::new(),
    };
    let read = loader.object();
    // Whatever happened, wait for the batches in flight.
    let lists = loader.work.finish();
    match read {
        Err(Stop::Io(e)) => Err(e),
        Err(Stop::GiveUp) => Ok(None),
        Ok(()) => {
            let Some(mut lists) = lists else {
                return Ok(None);
            };
            let Ok(mut inventory) = serde_json::from_slice::<Inventory>(&loader.rest) else {
                return Ok(None);
            };
            inventory.take_lists(&mut lists);
            Ok(Some(inventory))
        }
    }
}

/// The text being read, block by block.
struct Input<R> {
    src: R,
    /// Bytes read and not yet handed on; `pos` is the next to look at.
    buf: Vec<u8>,
    /// How much is read at a time.
    block: usize,
    pos: usize,
    eof: bool,
}

impl<R: Read> Input<R> {
    /// Reads another block (or more), dropping what comes before `keep`; returns
    /// how far the kept bytes moved back (positions must be adjusted by
    /// it), or `None` at the end of the text.
    fn more(&mut self, keep: usize) -> Step<Option<usize>> {
        if self.eof {
            return Ok(None);
        }
        self.buf.drain(..keep);
        self.pos -= keep;
        let before = self.buf.len();
        // At least as much as is kept, so that a value longer than a block
        // is rescanned a logarithmic number of times, not once per block.
        (&mut self.src)
            .take(self.block.max(before) as u64)
            .read_to_end(&mut self.buf)?;
        if self.buf.len() == before {
            self.eof = true;
            return Ok(None);
        }
        Ok(Some(keep))
    }
}

/// The elements of one list found in the current block and not yet
/// handed to the pool: byte ranges of `Input::buf`.
struct Pending {
    list: usize,
    ranges: Vec<(u32, u32)>,
}

struct Loader<R> {
    input: Input<R>,
    /// The members that are not resource lists, as an object's text.
    rest: Vec<u8>,
    /// Which lists were read already (a repeated one is an error).
    seen: Vec<bool>,
    pending: Option<Pending>,
    work: Work,
}

impl<R: Read> Loader<R> {
    /// The top-level object, up to the end of the text.
    fn object(&mut self) -> Step<()> {
        self.rest.push(b'{');
        self.expect(b'{')?;
        if self.peek()? == b'}' {
            self.input.pos += 1;
        } else {
            loop {
                self.member()?;
                if !self.another(b'}')? {
                    break;
                }
            }
        }
        self.rest.push(b'}');
        // Nothing but whitespace may follow.
        match self.peek_or_end()? {
            None => Ok(()),
            Some(_) => Err(Stop::GiveUp),
        }
    }

    /// One member of the top-level object.
    fn member(&mut self) -> Step<()> {
        if self.peek()? != b'"' {
            return Err(Stop::GiveUp);
        }
        let (start, end) = self.value()?;
        let key = self.input.buf[start..end].to_vec();
        // A name with an escape is left to the one-pass parser.
        if key.contains(&b'\\') {
            return Err(Stop::GiveUp);
        }
        let list = LIST_NAMES
            .iter()
            .position(|n| n.as_bytes() == &key[1..key.len() - 1]);
        self.expect(b':')?;
        let next = self.peek()?;
        if let Some(list) = list.filter(|_| next == b'[') {
            if std::mem::replace(&mut self.seen[list], true) {
                return Err(Stop::GiveUp);
            }
            self.input.pos += 1;
            return self.list(list);
        }
        if self.rest.len() > 1 {
            self.rest.push(b',');
        }
        self.rest.extend_from_slice(&key);
        self.rest.push(b':');
        let (start, end) = self.value()?;
        self.rest.extend_from_slice(&self.input.buf[start..end]);
        Ok(())
    }

    /// The elements of resource list `list`, after its `[`.
    fn list(&mut self, list: usize) -> Step<()> {
        if self.peek()? == b']' {
            self.input.pos += 1;
            return Ok(());
        }
        self.pending = Some(Pending {
            list,
            ranges: Vec::new(),
        });
        loop {
            self.peek()?;
            let (start, end) = self.value()?;
            // (A block of 4 GB would take an element of 2 GB.)
            let (Ok(start), Ok(end)) = (u32::try_from(start), u32::try_from(end)) else {
                return Err(Stop::GiveUp);
            };
            if let Some(p) = &mut self.pending {
                p.ranges.push((start, end));
            }
            if self.work.failed {
                return Err(Stop::GiveUp);
            }
            if !self.another(b']')? {
                break;
            }
        }
        // Hand the block on with this list's last elements; what follows
        // them is copied into a block of its own.
        let rest = self.input.buf[self.input.pos..].to_vec();
        let block = std::mem::replace(&mut self.input.buf, rest);
        self.input.pos = 0;
        self.hand_on(block);
        Ok(())
    }

    /// Hands the pending elements, which lie in `block`, to the pool.
    fn hand_on(&mut self, block: Vec<u8>) {
        if let Some(p) = self.pending.take().filter(|p| !p.ranges.is_empty()) {
            self.work.spawn(p.list, block, p.ranges);
        }
    }

    /// Reads on, keeping the bytes from `keep`: when elements are pending,
    /// their block goes to the pool and the kept bytes start a new one.
    /// Returns how far positions moved back, or `None` at the end.
    fn more(&mut self, keep: usize) -> Step<Option<usize>> {
        if self.input.eof {
            return Ok(None);
        }
        if self.pending.as_ref().is_some_and(|p| !p.ranges.is_empty()) {
            let mut fresh = Vec::with_capacity(self.input.buf.len() - keep + self.input.block);
            fresh.extend_from_slice(&self.input.buf[keep..]);
            let block = std::mem::replace(&mut self.input.buf, fresh);
            self.input.pos -= keep;
            let list = self.pending.as_ref().map_or(0, |p| p.list);
            self.hand_on(block);
            self.pending = Some(Pending {
                list,
                ranges: Vec::new(),
            });
            return self.input.more(0).map(|m| m.map(|_| keep));
        }
        self.input.more(keep)
    }

    /// The next byte that is not whitespace, not consumed.
    fn peek(&mut self) -> Step<u8> {
        self.peek_or_end()?.ok_or(Stop::GiveUp)
    }

    fn peek_or_end(&mut self) -> Step<Option<u8>> {
        loop {
            let buf = &self.input.buf;
            while self.input.pos < buf.len() {
                match buf[self.input.pos] {
                    b' ' | b'\t' | b'\n' | b'\r' => self.input.pos += 1,
                    b => return Ok(Some(b)),
                }
            }
            let pos = self.input.pos;
            if self.more(pos)?.is_none() {
                return Ok(None);
            }
        }
    }

    /// After a member or an element: `true` past a comma (another
    /// follows), `false` past `close`.
    fn another(&mut self, close: u8) -> Step<bool> {
        match self.peek()? {
            b',' => {
                self.input.pos += 1;
                Ok(true)
            }
            b if b == close => {
                self.input.pos += 1;
                Ok(false)
            }
            _ => Err(Stop::GiveUp),
        }
    }

    fn expect(&mut self, byte: u8) -> Step<()> {
        if self.peek()? != byte {
            return Err(Stop::GiveUp);
        }
        self.input.pos += 1;
        Ok(())
    }

    /// The extent of the value that starts at the current position (which
    /// is not whitespace), consumed.
    fn value(&mut self) -> Step<(usize, usize)> {
        let mut start = self.input.pos;
        loop {
            if let Some(len) = extent(&self.input.buf[start..]) {
                if len == 0 {
                    return Err(Stop::GiveUp);
                }
                self.input.pos = start + len;
                return Ok((start, start + len));
            }
            match self.more(start)? {
                Some(moved) => start -= moved,
                None => return Err(Stop::GiveUp),
            }
        }
    }
}

/// The length of the JSON value at the start of `b`, or `None` when `b`
/// ends before it does. Only strings and brackets are followed: whether
/// the value is well formed is for serde to say.
fn extent(b: &[u8]) -> Option<usize> {
    match *b.first()? {
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = 0;
            while i < b.len() {
                match b[i] {
                    b'"' => {
                        i = string_end(b, i + 1)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            None
        }
        b'"' => string_end(b, 1),
        _ => b
            .iter()
            .position(|c| matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')),
    }
}

/// Where the string whose text starts at `i` ends (just past its quote).
fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        let j = i + memchr::memchr2(b'"', b'\\', b.get(i..)?)?;
        if b[j] == b'"' {
            return Some(j + 1);
        }
        // An escape: the next byte is never the string's end.
        i = j + 2;
    }
}

/// Parses each range of `block` as one `T`: `None` if any does not parse.
pub(super) fn elements<T: DeserializeOwned>(block: &[u8], ranges: &[(u32, u32)]) -> Option<Vec<T>> {
    let mut parsed = Vec::with_capacity(ranges.len());
    for &(a, b) in ranges {
        parsed.push(serde_json::from_slice(&block[a as usize..b as usize]).ok()?);
    }
    Some(parsed)
}

/// The batches handed to the pool, and the lists their elements are
/// appended to, in the order the batches were handed on.
struct Work {
    done: mpsc::Receiver<(usize, Option<Parsed>)>,
    sender: mpsc::Sender<(usize, Option<Parsed>)>,
    /// How many batches were handed on, and which is the next to append.
    sent: usize,
    next: usize,
    /// Batches parsed before the one to append next.
    waiting: BTreeMap<usize, Option<Parsed>>,
    in_flight: usize,
    /// Whether a batch did not parse.
    failed: bool,
    /// The lists read so far (the rest of this inventory is empty).
    lists: Inventory,
    /// Parse on the reading thread (when it is one of the pool's own,
    /// whose waiting for the pool could take the pool's last thread).
    inline: bool,
}

impl Work {
    fn new() -> Work {
        let (sender, done) = mpsc::channel();
        Work {
            done,
            sender,
            sent: 0,
            next: 0,
            waiting: BTreeMap::new(),
            in_flight: 0,
            failed: false,
            lists: Inventory::default(),
            inline: rayon::current_thread_index().is_some(),
        }
    }

    /// Most batches in flight at once: the blocks read ahead are held
    /// until parsed, and what they held stays with the allocator.
    fn limit() -> usize {
        rayon::current_num_threads() + 2
    }

    fn spawn(&mut self, list: usize, block: Vec<u8>, ranges: Vec<(u32, u32)>) {
        if self.failed {
            return;
        }
        let seq = self.sent;
        self.sent += 1;
        if self.inline {
            self.deliver(seq, Parsed::parse(list, &block, &ranges));
            return;
        }
        while self.in_flight >= Self::limit() {
            self.receive();
        }
        let sender = self.sender.clone();
        self.in_flight += 1;
        rayon::spawn(move || {
            let parsed = Parsed::parse(list, &block, &ranges);
            drop(block);
            // The receiver lives until every batch is received.
            let _ = sender.send((seq, parsed));
        });
    }

    fn receive(&mut self) {
        if let Ok((seq, parsed)) = self.done.recv() {
            self.deliver(seq, parsed);
        }
        self.in_flight -= 1;
    }

    /// Appends the batches parsed so far that are next in order, as soon
    /// as they are: each list grows as it would in a one-pass parse, and
    /// a batch's own vector is freed at once.
    fn deliver(&mut self, seq: usize, parsed: Option<Parsed>) {
        self.waiting.insert(seq, parsed);
        while let Some(parsed) = self.waiting.remove(&self.next) {
            self.next += 1;
            match parsed {
                Some(parsed) if !self.failed => parsed.append_to(&mut self.lists),
                _ => self.failed = true,
            }
        }
    }

    /// Waits for every batch: the lists read, or `None` if a batch did not
    /// parse.
    fn finish(&mut self) -> Option<Inventory> {
        while self.in_flight > 0 {
            self.receive();
        }
        if self.failed {
            return None;
        }
        let mut lists = std::mem::take(&mut self.lists);
        lists.shrink_lists();
        Some(lists)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> String {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(root.join("examples/estate.json")).unwrap()
    }

    /// The fast path's inventory, read `block` bytes at a time.
    fn fast(text: &str, block: usize) -> Option<Inventory> {
        parallel_in_blocks(text.as_bytes(), block).unwrap()
    }

    #[test]
    fn the_example_estate_loads_as_in_one_pass_whatever_the_block_size() {
        let text = example();
        let one_pass = Inventory::from_json_one_pass(&text).unwrap();
        assert!(one_pass.resource_count() > 50);
        // Blocks of one byte upwards put a block boundary inside every
        // kind of token: names, strings, escapes, numbers, brackets.
        for block in [1, 2, 3, 7, 64, 1000, 4096, BLOCK] {
            let loaded = fast(&text, block).unwrap_or_else(|| panic!("block {block}"));
            assert_eq!(loaded, one_pass, "block {block}");
        }
        // Written without whitespace, too.
        let compact = serde_json::to_string(&one_pass).unwrap();
        assert_eq!(fast(&compact, 5).unwrap(), one_pass);
        assert_eq!(fast(&compact, BLOCK).unwrap(), one_pass);
    }

    #[test]
    fn lists_get_exactly_the_room_they_need() {
        let loaded = fast(&example(), 64).unwrap();
        assert_eq!(
            loaded.security_groups.capacity(),
            loaded.security_groups.len()
        );
        assert_eq!(loaded.buckets.capacity(), loaded.buckets.len());
    }

    /// Texts the one-pass parser rejects: the fast path gives up on each,
    /// so that the one-pass error (with its position) is the one shown.
    #[test]
    fn it_gives_up_on_whatever_one_pass_rejects() {
        let text = example();
        let cases = [
            // A repeated list.
            text.replacen("\"buckets\": [", "\"buckets\": [], \"buckets\": [", 1),
            // A list that is not an array.
            text.replacen("\"buckets\": [", "\"buckets\": null, \"x\": [", 1),
            // An unknown member.
            text.replacen("{", "{\"surprise\": 1,", 1),
            // Something after the object.
            format!("{text} x"),
            // A trailing comma in a list, and an element of the wrong type.
            text.replacen("\"buckets\": [", "\"buckets\": [1,", 1),
            text.replacen("\"buckets\": [", "\"buckets\": [{}, ", 1),
            // An element cut short, and the text cut short.
            text.replacen("\"buckets\": [", "\"buckets\": [{\"name\": ", 1),
            text[..text.len() / 2].to_string(),
            String::new(),
            "[]".to_string(),
        ];
        for (i, case) in cases.iter().enumerate() {
            assert!(Inventory::from_json_one_pass(case).is_err(), "case {i}");
            for block in [3, BLOCK] {
                assert!(fast(case, block).is_none(), "case {i}, block {block}");
            }
        }
        // A name written with an escape is read, but by the one-pass parser.
        let escaped = text.replacen("\"buckets\": [", "\"bucket\\u0073\": [", 1);
        assert!(Inventory::from_json_one_pass(&escaped).is_ok());
        assert!(fast(&escaped, BLOCK).is_none());
    }

    /// Random damage to the example estate: whenever the fast path loads
    /// a text, the one-pass parser loads the same inventory from it.
    #[test]
    fn what_the_fast_path_loads_the_one_pass_parser_loads_alike() {
        let text = example().into_bytes();
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let alphabet = b"{}[]\",:\\ 0a-e.\ntrue";
        let (mut loaded, mut rejected) = (0, 0);
        for _ in 0..300 {
            let mut damaged = text.clone();
            for _ in 0..1 + next(3) {
                let at = next(damaged.len());
                match next(3) {
                    0 => {
                        damaged.remove(at);
                    }
                    1 => damaged.insert(at, alphabet[next(alphabet.len())]),
                    _ => damaged[at] = alphabet[next(alphabet.len())],
                }
            }
            let Ok(damaged) = String::from_utf8(damaged) else {
                continue;
            };
            let one_pass = Inventory::from_json_one_pass(&damaged);
            match fast(&damaged, 1 + next(200)) {
                Some(inventory) => {
                    assert_eq!(Some(&inventory), one_pass.as_ref().ok(), "{damaged}");
                    loaded += 1;
                }
                None => rejected += 1,
            }
        }
        // Both outcomes are exercised.
        assert!(
            loaded > 30 && rejected > 30,
            "{loaded} loaded, {rejected} rejected"
        );
    }

    #[test]
    fn a_failing_read_is_reported_not_given_up_on() {
        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::other("disk on fire"))
            }
        }
        let e = parallel(Broken).unwrap_err();
        assert_eq!(e.to_string(), "disk on fire");
    }

    #[test]
    fn on_a_thread_of_the_pool_it_parses_on_that_thread() {
        let text = example();
        let one_pass = Inventory::from_json_one_pass(&text).unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let loaded = pool.install(|| fast(&text, 64)).unwrap();
        assert_eq!(loaded, one_pass);
    }
}
