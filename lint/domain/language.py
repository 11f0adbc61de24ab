"""A two-block language split of a text (an abstract in two languages), by stop words and
scripts.
"""

from __future__ import annotations

from collections import Counter

import regex

# --- languages -------------------------------------------------------------------------------

_STOPWORDS_RAW = {
    "en": "the and of to is that with for are was were this these we by from which been have "
          "has our their it its not can between than such using were also these those there "
          "however whereas whether while",
    "fr": "le les des du est une dans pour qui sur par avec sont au aux cette ces nous pas été "
          "leur leurs ont plus ainsi être sont mais sans entre chez",
    "de": "der das und ist nicht mit von den dem ein eine einer einem zu auf im für sich wurde "
          "wurden werden sind auch bei nach aus wir zur zum durch oder wie über können kann "
          "sowie diese dieser",
    "es": "el los las del y es una por para con su sus al como fue este esta entre más lo "
          "han ha sobre pero sin también",
    "pt": "os da das dos é uma em não foi são pelo pela ao também mais ou sobre como para "
          "com entre seus suas",
    "it": "il gli della delle dei di è che per con una sono nel nella del degli alla anche più "
          "questo questa tra stato",
    "nl": "het een van dat op te met voor zijn niet worden wordt deze bij ook naar door aan "
          "uit werd om wij hun",
}


def _distinct_stopwords() -> dict[str, frozenset[str]]:
    sets = {lang: set(words.split()) for lang, words in _STOPWORDS_RAW.items()}
    seen: dict[str, int] = {}
    for words in sets.values():
        for word in words:
            seen[word] = seen.get(word, 0) + 1
    return {lang: frozenset(w for w in words if seen[w] == 1) for lang, words in sets.items()}


STOPWORDS = _distinct_stopwords()
"""Frequent function words that belong to one language of the set only."""
_STOPWORD_LANG = {word: lang for lang, words in STOPWORDS.items() for word in words}
_LANG_SENTENCE_RE = regex.compile(r"[^.!?。！？\n]++[.!?。！？\n]*+")
_LANG_WORD_RE = regex.compile(r"\p{L}++")
_SCRIPTS = (
    ("cjk", regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")),
    ("cyrillic", regex.compile(r"\p{Cyrillic}")),
    ("greek", regex.compile(r"\p{Greek}")),
    ("arabic", regex.compile(r"\p{Arabic}")),
)
MIN_BLOCK_WORDS = 25
"""Words each language block needs before ABS010's detection trusts it."""


class _Block:
    __slots__ = ("letters", "scripts", "votes", "words")

    def __init__(self) -> None:
        self.words = 0
        self.letters = 0
        self.scripts: dict[str, int] = {}
        self.votes: dict[str, int] = {}

    def add(self, other: _Block, sign: int = 1) -> None:
        self.words += sign * other.words
        self.letters += sign * other.letters
        for key, count in other.scripts.items():
            self.scripts[key] = self.scripts.get(key, 0) + sign * count
        for key, count in other.votes.items():
            self.votes[key] = self.votes.get(key, 0) + sign * count

    def language(self) -> str | None:
        """The block's language when it is clear: a non-Latin script that holds most of its
        letters, or a Latin-script language with most of the function words."""
        for name, count in self.scripts.items():
            if count * 2 > self.letters and count >= 40:
                return name
        if self.words < MIN_BLOCK_WORDS:
            return None
        hits = sum(self.votes.values())
        if hits < 8:
            return None
        lang, best = max(self.votes.items(), key=lambda item: item[1])
        return lang if best >= 0.8 * hits else None


def _sentence_block(sentence: str) -> _Block:
    block = _Block()
    words = _LANG_WORD_RE.findall(sentence.lower())
    block.words = len(words)
    block.letters = sum(map(len, words))
    counts = Counter(words)
    for word in counts.keys() & _STOPWORD_LANG.keys():
        lang = _STOPWORD_LANG[word]
        block.votes[lang] = block.votes.get(lang, 0) + counts[word]
    if not sentence.isascii():
        for name, pattern in _SCRIPTS:
            count = len(pattern.findall(sentence))
            if count:
                block.scripts[name] = count
    return block


_ASCII_LETTERS_ONLY = bytes(c if 97 <= c <= 122 else 32 for c in range(256))
"""Lower-case ASCII letters kept, every other byte a space."""
_STOPWORD_LANG_BYTES = {word.encode("ascii"): lang for word, lang in _STOPWORD_LANG.items()
                        if word.isascii()}
_STOPWORD_BYTES = frozenset(_STOPWORD_LANG_BYTES)


def _ascii_words(text: str) -> list[bytes]:
    """The lower-cased words of an ASCII text (there, ``\\p{L}++`` of the lower-cased text is
    a run of ``a-z``): split in C on bytes, several times faster than the pattern."""
    return text.encode("ascii").lower().translate(_ASCII_LETTERS_ONLY).split()


def _votes_of(words: list[bytes]) -> dict[str, int]:
    """The stop-word hits per language of :func:`_ascii_words`."""
    # Each word's language (None for a word that is no stop word), counted in C.
    counts = Counter(map(_STOPWORD_LANG_BYTES.get, words))
    counts.pop(None, None)
    return dict(counts)  # type: ignore[arg-type]


def _ascii_votes(text: str) -> dict[str, int]:
    """``_sentence_block(text).votes`` of an ASCII text, counted on bytes."""
    return _votes_of(_ascii_words(text))


def language_switch(text: str) -> tuple[str, str, int] | None:
    """Where a text switches language for good: ``(first, second, offset)`` when it splits,
    at a sentence boundary, into two blocks that each clearly read as one language (a script
    such as Cyrillic or CJK, or English, French, German, Spanish, Portuguese, Italian or Dutch
    by their function words) and the two differ. None when no such split exists."""
    text = text[:20000]
    if text.isascii():  # most abstracts: the same votes, counted on bytes
        words = _ascii_words(text)
        # A language is clear with eight hits, so with one of its stop words at least: when
        # the distinct words (a set, built in C) hold stop words of fewer than two
        # languages, fewer than two can be clear, and nothing needs counting.
        if len({_STOPWORD_LANG_BYTES[w] for w in _STOPWORD_BYTES.intersection(words)}) < 2:
            return None
        clear = [lang for lang, hits in _votes_of(words).items() if hits >= 8]
    else:
        whole = _sentence_block(text)
        clear = [lang for lang, hits in whole.votes.items() if hits >= 8]
        clear += [name for name, count in whole.scripts.items() if count >= 40]
    if len(clear) < 2:
        return None  # one language (or none) is clear anywhere: no split can show two
    sentences = [(m.start(), _sentence_block(m.group())) for m in
                 _LANG_SENTENCE_RE.finditer(text)]
    if len(sentences) < 2:
        return None
    total = _Block()
    for _, block in sentences:
        total.add(block)
    head = _Block()
    for index in range(1, len(sentences)):
        head.add(sentences[index - 1][1])
        first = head.language()
        if first is None:
            continue
        tail = _Block()
        tail.add(total)
        tail.add(head, -1)
        second = tail.language()
        if second is not None and second != first:
            return first, second, sentences[index][0]
    return None
