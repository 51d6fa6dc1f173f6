"""The query language: every operator, and malformed input searched as text (never an error)."""
from datetime import date

import pytest

from exchange.search.query import MAX_QUERY, parse, unparse


def test_words_are_lower_cased_and_split_on_punctuation():
    q = parse("Teacher RETENTION, stipends!")
    assert q.words == ["teacher", "retention", "stipends"]


def test_phrases_and_exclusions():
    q = parse('"exit tickets" math -algebra -"summer school"')
    assert q.phrases == [["exit", "tickets"]]
    assert q.words == ["math"]
    assert q.excluded == [["algebra"], ["summer", "school"]]


@pytest.mark.parametrize("text, attr, expected", [
    ("tag:talent-pipeline", "tags", ["talent-pipeline"]),
    ("region:chicago", "regions", ["chicago"]),
    ("author:Alice", "authors", ["alice"]),
    ("@alice", "authors", ["alice"]),
    ("kind:practice", "kinds", ["practice"]),
    ("kind:discussion", "kinds", ["discussion"]),
    ("in:talent", "categories", ["talent"]),
])
def test_each_operator(text, attr, expected):
    q = parse(text)
    assert getattr(q, attr) == expected
    assert q.words == [] and q.has_filters


def test_dates():
    q = parse("after:2024-01-31 before:2025-02-01")
    assert (q.after, q.before) == (date(2024, 1, 31), date(2025, 2, 1))


@pytest.mark.parametrize("text, words", [
    ('"unbalanced phrase', ["unbalanced", "phrase"]),
    ("tag:", ["tag"]),
    ("before:yesterday", ["before", "yesterday"]),
    ("before:2024-13-45", ["before", "2024", "13", "45"]),
    ("kind:poem", ["kind", "poem"]),
    ("region:<script>", ["region", "script"]),
    ("title:foo AND (bar OR", ["title", "foo", "and", "bar", "or"]),
    ("'; DROP TABLE threads; --", ["drop", "table", "threads"]),
    ("wild* ~2 ^3 boost^2", ["wild", "2", "3", "boost", "2"]),
])
def test_malformed_input_is_searched_as_text(text, words):
    q = parse(text)
    assert q.words + [w for phrase in q.phrases for w in phrase] == words
    assert not q.has_filters


def test_a_lone_minus_and_empty_input_are_empty_queries():
    assert parse("-").is_empty
    assert parse("   ").is_empty
    assert parse(None).is_empty


def test_unicode_words_survive():
    assert parse("éducation 学校 Ünïcode").words == ["éducation", "学校", "ünïcode"]


def test_queries_are_capped():
    q = parse("word " * 5000)
    assert len(q.raw) <= MAX_QUERY
    assert len(q.words) <= 32


def test_hyphenated_words_mean_the_words_together():
    assert parse("data-driven").phrases == [["data", "driven"]]


def test_unparse_round_trips():
    text = 'math "exit tickets" -algebra tag:principal region:chicago @alice kind:practice in:talent after:2024-01-01'
    assert unparse(parse(text)).split() == text.split()
    assert unparse(parse("@alice")) == "@alice"


def test_dotted_words_are_one_word_as_the_indexer_sees_them():
    from exchange.search.analysis import terms, words_terms
    q = parse("k12.org 2.5 end. U.S.")
    assert q.words == ["k12.org", "2.5", "end", "u.s"]
    assert words_terms(q.words) == ["k12.org", "2.5", "end", "u.s"]
    assert terms("Visit K12.org, version 2.5. The end. U.S.") == ["visit", "k12.org", "version", "2.5", "end", "u.s"]
