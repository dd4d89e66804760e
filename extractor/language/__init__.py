"""Chinese-language knowledge in one place, just above the pattern library.

- :mod:`.normalise` — NFKC, full-width forms and spaces: ``nfkc``, ``compact``;
- :mod:`.numerals` — Chinese digits and small numerals ("十二", "二〇二一");
- :mod:`.numbers` — numbers and quantities in running text ("50万吨", "百分之一点五七");
- :mod:`.periods` — five-year plans ("十四五" → 2021–2025);
- :mod:`.dates` — the date grammar of running text (points, ranges, 年底/上半年, roles) and
  dates written in full ("二〇二四年五月").

The words and forms themselves are data in ``patterns/`` (numbers.toml, periods.toml,
dates.toml); these modules hold the grammar that reads them.
"""
