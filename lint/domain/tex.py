"""Unambiguous TeX in plain text (accents, letters, Greek, symbols, text commands, simple
math) and its plain Unicode form.
"""

from __future__ import annotations

import unicodedata

import regex

from .markup import SUPERSCRIPTABLE_RE, SUPERSCRIPTS

# --- TeX ---------------------------------------------------------------------------------------

TEX_ACCENTS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
    "r": "\u030a",
}
"""TeX accent commands and the combining mark each one puts on its letter."""
TEX_LETTERS = {
    "ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å",
    "AA": "Å", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ",
}
"""TeX commands for letters that have no accent form."""
TEX_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "varpi": "ϖ", "rho": "ρ",
    "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "φ",
    "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
    "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ",
    "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}
TEX_SYMBOLS = {
    **TEX_GREEK,
    "pm": "±", "mp": "∓", "times": "×", "cdot": "·", "div": "÷", "leq": "≤", "le": "≤",
    "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈", "sim": "∼", "simeq": "≃",
    "equiv": "≡", "propto": "∝", "infty": "∞", "partial": "∂", "nabla": "∇", "circ": "∘",
    "degree": "°", "prime": "′", "to": "→", "rightarrow": "→", "leftarrow": "←",
    "leftrightarrow": "↔", "Rightarrow": "⇒", "uparrow": "↑", "downarrow": "↓", "ll": "≪",
    "gg": "≫", "in": "∈", "ldots": "…", "dots": "…", "cdots": "⋯", "AA": "Å", "ell": "ℓ",
    "hbar": "ℏ", "langle": "⟨", "rangle": "⟩",
}
"""Math-mode commands with a one-character text form."""
TEX_TEXT_COMMANDS = frozenset({
    "textit", "textbf", "emph", "textsc", "texttt", "textrm", "textsf", "textup", "textsl",
    "textmd", "textnormal", "textsuperscript", "textsubscript", "mathrm", "mathit", "mathbf",
    "mathsf", "mathtt", "text",
})
"""Commands that format their argument: the text form is the argument."""
_TEX_SWITCHES = "it|em|bf|sc|tt|rm|sf|sl|itshape|bfseries|scshape"
_ACCENT_SYMBOLS = r"['`^\"~=.]"
_ACCENT_ANY = r"['`^\"~=.uvHckr]"
_BASE = r"(?:[A-Za-z]|\\[ij](?![A-Za-z]))"
_LETTER_NAMES = "ss|ae|AE|oe|OE|aa|AA|o|O|l|L|i|j"

# Unambiguous TeX only: an accent command with its letter braced (`\'{e}`) or the whole
# accent braced (`{\'e}`, `{\v s}`), a braced letter command (`{\ss}`, `\o{}`), a text
# command with its argument (`\textit{`), a font switch in braces (`{\it x}`), and inline
# math holding a command or a script (`$\alpha$`, `$x^{2}$`, `Na$^+$`). An apostrophe
# escaped as `O\'Brien`, a regular expression (`\d{4}`), a literal `\u00e9`, `$5 and $10` or
# PHP's `$_GET` is none of these. Linear: every alternative starts at a `\`, `{` or `$` and
# is bounded.
TEX_RE = regex.compile(
    r"\\(?P<acc1>" + _ACCENT_ANY + r")\{(?P<base1>" + _BASE + r")\}"
    r"|\{\\(?P<acc2>" + _ACCENT_SYMBOLS + r")(?:(?P<base2>" + _BASE + r")|\{(?P<base2b>"
    + _BASE + r")\})\}"
    r"|\{\\(?P<acc3>[uvHckr])(?:[ ]++(?P<base3>" + _BASE + r")|\{(?P<base3b>" + _BASE
    + r")\})\}"
    r"|\{\\(?P<letter1>" + _LETTER_NAMES + r")\}"
    r"|\\(?P<letter2>" + _LETTER_NAMES + r")\{\}"
    r"|\\(?P<command>" + "|".join(sorted(TEX_TEXT_COMMANDS, key=len, reverse=True))
    + r")\{(?P<arg>[^{}\\$]{0,300}+\})?"
    r"|\{\\(?:" + _TEX_SWITCHES + r")[ ]++(?P<switched>[^{}\\$]{0,300}+)\}"
    r"|(?<![\\$])\$(?P<math>[^\s$_][^$\n]{0,200}+)\$(?![$\p{N}])"
)
_MATH_HINT_RE = regex.compile(r"\\[A-Za-z]|[\^_]")
_MATH_TOKEN_RE = regex.compile(
    r"\\(?P<cmd>[A-Za-z]++)|\\(?P<esc>[%&$#_{} ,;:!])|(?P<script>[\^_])|(?P<open>\{)"
    r"|(?P<close>\})|(?P<char>[\p{L}\p{N} +\-=()\[\]/.,:;<>|'!*])"
)
_SUBSCRIPTS = str.maketrans("0123456789+-−=()aeoxhklmnpstijruv",
                            "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼᵣᵤᵥ")
_SUBSCRIPTABLE_RE = regex.compile(r"[0-9+\-−=()aeoxhklmnpstijruv]++")


def tex_spans(text: str) -> list[regex.Match[str]]:
    """The unambiguous TeX constructs of ``text`` (see :data:`TEX_RE`), in order."""
    if "\\" not in text and "$" not in text:
        return []
    return [m for m in TEX_RE.finditer(text) if m["math"] is None or _is_math(m["math"])]


def _is_math(math: str) -> bool:
    """Whether `$...$` content reads as TeX math: a command or a script, no trailing space
    (`$10^6 and $` is money)."""
    return _MATH_HINT_RE.search(math) is not None and not math.endswith((" ", "\\"))


_DOLLAR_RE = regex.compile(r"(?<!\\)\$")


def leaves_tex(text: str, matches: list[regex.Match[str]]) -> bool:
    """Whether replacing ``matches`` alone would leave TeX behind: a construct inside math
    that is not converted as a whole (``$\\mathrm{CO}_2 $``, whose trailing space makes it no
    math span, holds ``\\mathrm{CO}``), or one followed by a super- or subscript
    (``\\textrm{CO}_2``). Replacing such a construct turns TeX into other TeX."""
    dollars = [m.start() for m in _DOLLAR_RE.finditer(text)] if "$" in text else []
    for match in matches:
        if match["math"] is not None:
            continue
        if match.end() < len(text) and text[match.end()] in "_^":
            return True
        if sum(1 for pos in dollars if pos < match.start()) % 2:
            return True
    return False


def tex_construct_text(match: regex.Match[str]) -> str | None:
    """The text a TeX construct stands for, or None when it has no certain plain form."""
    for accent, base in (("acc1", "base1"), ("acc2", "base2"), ("acc2", "base2b"),
                         ("acc3", "base3"), ("acc3", "base3b")):
        if match[accent] is not None and match[base] is not None:
            letter = match[base]
            letter = letter[1] if letter.startswith("\\") else letter  # `\'{\i}` is í
            return unicodedata.normalize("NFC", letter + TEX_ACCENTS[match[accent]])
    letter_name = match["letter1"] or match["letter2"]
    if letter_name is not None:
        return TEX_LETTERS[letter_name]
    if match["command"] is not None:
        arg = match["arg"]
        if arg is None:
            return None
        inner = arg[:-1]
        if match["command"] == "textsuperscript":
            return _script(inner, superscript=True)
        if match["command"] == "textsubscript":
            return _script(inner, superscript=False)
        return inner
    if match["switched"] is not None:
        return match["switched"]
    if match["math"] is not None:
        return _math_text(match["math"])
    return None


def tex_to_text(text: str) -> str | None:
    """``text`` with every unambiguous TeX construct replaced by its plain form, or None
    when there is none or one of them has no certain plain form (`$\\mathcal{O}(n)$`)."""
    matches = tex_spans(text)
    if not matches or leaves_tex(text, matches):
        return None
    out: list[str] = []
    pos = 0
    for match in matches:
        value = tex_construct_text(match)
        if value is None:
            return None
        out.append(text[pos : match.start()])
        out.append(value)
        pos = match.end()
    out.append(text[pos:])
    return "".join(out)


def _script(text: str, *, superscript: bool) -> str | None:
    """A super- or subscript in Unicode script characters, or None when one has no form."""
    compact = text.replace(" ", "")
    if not compact:
        return ""
    if superscript:
        if compact in ("\\circ", "\\degree"):
            return "°"
        if SUPERSCRIPTABLE_RE.fullmatch(compact):
            return compact.translate(SUPERSCRIPTS)
        return None
    if _SUBSCRIPTABLE_RE.fullmatch(compact):
        return compact.translate(_SUBSCRIPTS)
    return None


def _math_text(math: str) -> str | None:
    """Simple inline math as text: Greek letters and symbols, `\\mathrm{...}`, and scripts
    whose characters all have Unicode script forms. None for anything else."""
    out: list[str] = []
    pos = 0
    end = len(math)
    while pos < end:
        match = _MATH_TOKEN_RE.match(math, pos)
        if match is None:
            return None
        pos = match.end()
        if match["cmd"] is not None:
            name = match["cmd"]
            if name in TEX_SYMBOLS:
                out.append(TEX_SYMBOLS[name])
            elif name in TEX_TEXT_COMMANDS and pos < end and math[pos] == "{":
                close = math.find("}", pos)
                if close < 0 or "{" in math[pos + 1 : close] or "\\" in math[pos + 1 : close]:
                    return None
                out.append(math[pos + 1 : close])
                pos = close + 1
            else:
                return None
        elif match["esc"] is not None:
            out.append(" " if match["esc"] in " ,;:" else "" if match["esc"] == "!"
                       else match["esc"])
        elif match["script"] is not None:
            if pos >= end:
                return None
            if math[pos] == "{":
                close = math.find("}", pos)
                if close < 0 or "{" in math[pos + 1 : close]:
                    return None
                body, pos = math[pos + 1 : close], close + 1
            elif math[pos] == "\\":
                name_match = regex.match(r"\\[A-Za-z]++", math[pos:])
                if name_match is None:
                    return None
                body, pos = name_match.group(), pos + name_match.end()
            else:
                body, pos = math[pos], pos + 1
            scripted = _script(body, superscript=match["script"] == "^")
            if scripted is None:
                return None
            out.append(scripted)
        elif match["char"] is not None:
            out.append(match["char"])
        # `{` and `}` only group
    return "".join(out)
