"""The rules' domain library: what biblint knows about bibliographic values, apart from the
engine. One concern per module (markup, entities, TeX, mojibake, casing, language, DOI, other
identifiers, dates, names, pages, and how values are shown in messages). Every function is
pure and never raises on any string; none of them knows a rule code or a profile."""
