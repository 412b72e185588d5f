"""Substring search on model names through Query alone: a trigram index in the single table.

A name is normalised (case-folded, accents and punctuation dropped: "Fraud-Détector v2" → "frauddetectorv2")
and each of its distinct trigrams gets an item `NGRAM#<gram>` / `<name key>#<id>`. A search for a text of
three or more characters queries the partition of one of its trigrams, sorted by name, and keeps the items
whose normalised name contains the whole text. Shorter texts match name prefixes (the list index), as a
one- or two-letter partition would hold most of the registry.

The index items are written in the same transaction as the model's create, rename and delete. A name has at
most MAX_GRAMS trigrams indexed, so a rename (old items out, new in) stays far inside a transaction's 100
items; the first MAX_GRAMS + 2 characters of a name are searchable anywhere, the rest by prefix only.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model
from pynamodb.pagination import ResultIterator
from pynamodb.transactions import TransactWrite

from govhub.store import keys
from govhub.store.cursors import decode_cursor
from govhub.store.items import _TableMeta

GRAM = 3
MAX_GRAMS = 40


class NameGramItem(Model):
    class Meta(_TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    model_id = NumberAttribute()
    normalised = UnicodeAttribute()


def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum())


def grams(text: str) -> list[str]:
    """The distinct trigrams of a normalised text, in order of first appearance, at most MAX_GRAMS."""
    seen: dict[str, None] = {}
    for i in range(len(text) - GRAM + 1):
        seen.setdefault(text[i : i + GRAM])
        if len(seen) == MAX_GRAMS:
            break
    return list(seen)


def searchable(text: str) -> bool:
    """Whether `text` is long enough for the trigram index (else a prefix search serves it)."""
    return len(normalise(text)) >= GRAM


def _items(model_id: int, name: str) -> Iterable[NameGramItem]:
    normalised = normalise(name)
    for gram in grams(normalised):
        yield NameGramItem(keys.name_gram_pk(gram), keys.name_gram_sk(name, model_id), model_id=model_id, normalised=normalised)


def index_in(transaction: TransactWrite, model_id: int, name: str) -> None:
    for item in _items(model_id, name):
        transaction.save(item)


def unindex_in(transaction: TransactWrite, model_id: int, name: str) -> None:
    for item in _items(model_id, name):
        transaction.delete(item)


def reindex_in(transaction: TransactWrite, model_id: int, previous_name: str, name: str) -> None:
    """A rename: the old name's items out, the new name's in (their sort keys differ, so no item is touched twice)."""
    unindex_in(transaction, model_id, previous_name)
    index_in(transaction, model_id, name)


def query_grams(text: str, limit: int, cursor: str | None, descending: bool = False) -> ResultIterator[NameGramItem]:
    """The index items whose name contains `text` (normalised), one trigram partition, sorted by name."""
    normalised = normalise(text)
    # The gram with the rarest letters narrows the partition read; ties keep the text's order.
    gram = min(grams(normalised), key=_commonness)
    partition = keys.name_gram_pk(gram)
    return NameGramItem.query(
        partition,
        filter_condition=NameGramItem.normalised.contains(normalised),
        limit=limit,
        page_size=limit,
        last_evaluated_key=decode_cursor(cursor, NameGramItem, partition),
        scan_index_forward=not descending,
    )


_COMMON = "eariotnslcudpmhgbfywkvxzjq"


def _commonness(gram: str) -> int:
    """A rough frequency of a trigram in English-like names: digits are rare, 'e' the most common letter."""
    return sum(len(_COMMON) - _COMMON.index(c) if c in _COMMON else 0 for c in gram)


def reindex_all() -> int:
    """Writes the index items of every model (for a table whose models predate the index); idempotent.
    Reads the models through the list index, a Query per page, never a full-table read. Answers how many models it indexed."""
    from govhub.store.items import ModelItem

    count = 0
    with NameGramItem.batch_write() as batch:
        for model in ModelItem.by_list.query(keys.MODELS_LIST):
            for item in _items(int(model.model_id), model.name):
                batch.save(item)
            count += 1
    return count
