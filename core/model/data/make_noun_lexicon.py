#!/usr/bin/env python3
"""Generates noun_lexicon.txt, the word list of ReferMap's noun-phrase masker.

Run once by a developer, never by the build (the build only embeds the generated, committed list):

    apt-get install wordnet-base          # Debian 12: WordNet 3.0, package version 1:3.0-37
    python3 core/model/data/make_noun_lexicon.py \\
        --wordnet /usr/share/wordnet \\
        --vocab ../shared/data/vocab/bert-base-uncased-vocab.txt \\
        --output core/model/data/noun_lexicon.txt

The output is deterministic (sorted, no timestamps): running it again on the same inputs gives the same bytes.

Sources
  * WordNet 3.0 (Princeton University), as packaged by Debian in `wordnet-base`: index.noun, index.adj,
    index.verb, data.noun (to drop words that only name instances: places, people), cntlist.rev (sense
    frequencies in the semantic concordance, to tell whether a word is more often a noun, an adjective or
    a verb), noun.exc (irregular plurals) and adj.exc (comparatives such as "lower", "larger").
    Licence: the WordNet 3.0 licence, reproduced in the output's header (it must travel with every copy).
  * The category vocabulary of the two referring remote-sensing segmentation benchmarks the model is
    trained on: RRSIS-D's 20 categories and RefSegRS's 13 (the per-category tables of the BTDDNet paper).
  * The bert-base-uncased vocabulary, only to choose which WordNet nouns to keep (see `keep_noun`).
  * Small hand-written lists of English function words (determiners, numbers, pronouns, auxiliaries,
    prepositions that start a spatial relation, position and frame words, quantity nouns) below: these
    are closed classes of the language, not lexical data.

Output format (UTF-8, one entry per line, `#` lines are comments):
    word                 a noun and nothing else (the common case, so it carries no flags)
    word<TAB>flags       flags, one letter each:
        n  can be a noun                      a  can be an adjective (WordNet adjective or comparative)
        v  a verb form after a noun: the verb reading is far more frequent (-s form) or the word is an
           -ing participle that is rarely a noun ("driving")
        p  position or frame word ("left", "top", "middle", "image"): a modifier before a noun, ends the
           phrase after one, and a phrase made only of such words is not the referent
        q  quantity / collection noun ("group", "row"): "a row of cars" refers to the cars
        d  closed-class word (determiner, number, pronoun, auxiliary, conjunction): skipped before the
           phrase, ends it after
        r  starts a relation ("near", "next", "on", "with", "between"): ends the phrase
        l  lead-in verb, skipped only as the first word ("find the ...", "segment the ...")
    word<TAB>=lemma      an irregular plural and its singular ("geese" -> "goose")
    two or more words    a category compound from the datasets ("ground track field"): all its words
                         are nouns together, whatever they are alone
"""

import argparse
import collections
import hashlib
import os
import re
import sys

# --- Dataset category vocabulary -------------------------------------------------------------------
# RRSIS-D (Liu et al., "Rotated Multi-Scale Interaction Network for Referring Remote Sensing Image
# Segmentation", CVPR 2024): its 20 categories.
RRSIS_D_CATEGORIES = [
    "airplane", "airport", "baseball field", "basketball court", "bridge", "chimney", "dam",
    "expressway service area", "expressway toll station", "golf field", "ground track field", "harbor",
    "overpass", "ship", "stadium", "storage tank", "tennis court", "train station", "vehicle", "windmill",
]
# RefSegRS (Yuan et al., "RRSIS: Referring Remote Sensing Image Segmentation", TGRS 2024): its categories,
# plus the spelling variants its expressions use.
REFSEGRS_CATEGORIES = [
    "road", "vehicle", "car", "van", "building", "truck", "trailer", "bus", "road marking", "bikeway",
    "sidewalk", "low vegetation", "impervious surface",
    "bike way", "lane marking", "roof", "tree",
]

# --- Closed classes (hand-written, English grammar) ------------------------------------------------
NUMBERS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred "
    "thousand first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth last "
    "single double triple"
).split()
DETERMINERS_PRONOUNS = (
    "a an the this that these those some any each every all both either neither no none another other "
    "others such many much few several more most less least only same own my your his her its our their "
    "i you he she it we they me him us them one ones itself themselves "
    "there here is are was were be been being am has have had do does did can could will would shall "
    "should may might must and or but nor so yet if then also which what who whom whose where when how "
    "why whether not very too just quite rather please whole entire"
).split()
RELATIONS = (
    "near nearby next beside besides between with without on in at of from to by above below under "
    "underneath beneath over behind across along alongside around among amongst inside outside within "
    "into onto toward towards through past beyond against opposite adjacent close closest nearest "
    "closer farthest furthest far like than for as about after before up down off out via upon "
    "throughout atop except surrounded located situated placed lying sitting standing parked"
).split()
POSITIONS = (
    "left right top bottom upper lower middle center centre central side sides corner corners edge edges "
    "end half part north south east west northern southern eastern western northeast northwest "
    "southeast southwest front back rear far image picture photo scene map"
).split()
QUANTITIES = (
    "group groups pair pairs row rows line lines cluster clusters set sets number lot lots couple series "
    "bunch array collection stack pile rest part parts fleet column columns"
).split()
LEAD_INS = "find show locate segment select detect identify highlight mark look see give".split()
# Colour and size words: adjectives in front of a noun, never the referent themselves.
COLOURS_SIZES = (
    "white black gray grey red green blue yellow orange brown purple pink dark bright large small "
    "big tiny huge little long short tall wide narrow round square rectangular circular"
).split()

WORD = re.compile(r"^[a-z]{2,}$")


def read_index(path):
    """lemma -> number of synsets, for the single-word lemmas of a WordNet index file."""
    lemmas = {}
    with open(path, encoding="utf-8") as index:
        for line in index:
            if line.startswith("  "):
                continue
            fields = line.split()
            lemmas[fields[0]] = int(fields[2])
    return lemmas


def read_instance_only(path):
    """Noun lemmas whose every synset is an instance (a named place or person)."""
    kinds = collections.defaultdict(set)
    with open(path, encoding="utf-8") as data:
        for line in data:
            if line.startswith("  "):
                continue
            fields = line.split()
            word_count = int(fields[3], 16)
            words = [fields[4 + 2 * i].lower() for i in range(word_count)]
            pointer_at = 4 + 2 * word_count
            pointers = [fields[pointer_at + 1 + 4 * i] for i in range(int(fields[pointer_at]))]
            instance = "@i" in pointers
            for word in words:
                kinds[word].add(instance)
    return {word for word, seen in kinds.items() if seen == {True}}


def read_counts(path):
    """lemma -> Counter of tagged-sense frequencies by part of speech (n, v, a, r)."""
    counts = collections.defaultdict(collections.Counter)
    parts = {"1": "n", "2": "v", "3": "a", "4": "r", "5": "a"}
    with open(path, encoding="utf-8") as cntlist:
        for line in cntlist:
            key, _sense, count = line.split()
            lemma, rest = key.split("%", 1)
            counts[lemma][parts[rest[0]]] += int(count)
    return counts


def read_exceptions(path):
    pairs = []
    with open(path, encoding="utf-8") as exc:
        for line in exc:
            fields = line.split()
            if len(fields) >= 2:
                pairs.append((fields[0], fields[1]))
    return pairs


def verb_stems(word):
    """Possible verb lemmas of an -ing form: driving -> drive, parking -> park, running -> run."""
    stem = word[:-3]
    stems = [stem, stem + "e"]
    if len(stem) >= 2 and stem[-1] == stem[-2]:
        stems.append(stem[:-1])
    return stems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wordnet", default="/usr/share/wordnet")
    parser.add_argument("--vocab", required=True, help="bert-base-uncased-vocab.txt")
    parser.add_argument("--output", required=True)
    args = parser.parse_args()

    wn = args.wordnet
    nouns = read_index(os.path.join(wn, "index.noun"))
    adjectives = read_index(os.path.join(wn, "index.adj"))
    verbs = read_index(os.path.join(wn, "index.verb"))
    instance_only = read_instance_only(os.path.join(wn, "data.noun"))
    counts = read_counts(os.path.join(wn, "cntlist.rev"))
    with open(args.vocab, encoding="utf-8") as vocab_file:
        vocab = {line.rstrip("\n") for line in vocab_file}

    noun_lexfiles = collections.defaultdict(set)
    with open(os.path.join(wn, "data.noun"), encoding="utf-8") as data:
        for line in data:
            if line.startswith("  "):
                continue
            fields = line.split()
            for i in range(int(fields[3], 16)):
                noun_lexfiles[fields[4 + 2 * i].lower()].add(int(fields[1]))

    def keep_noun(word):
        # Keep a noun BERT knows as a whole word, one the semantic concordance has seen, or any noun
        # for an artifact, location or object (lexicographer files 06, 15, 17): the things a
        # remote-sensing expression names ("overpass", "jetty", "taxiway" are none of the first two).
        return word in vocab or counts[word]["n"] > 0 or bool(noun_lexfiles[word] & {6, 15, 17})

    closed = {}
    for word in NUMBERS + DETERMINERS_PRONOUNS:
        closed[word] = "d"
    for word in RELATIONS:
        closed[word] = "r"

    flags = collections.defaultdict(set)
    for word in nouns:
        if not WORD.match(word) or word in instance_only or word in closed or not keep_noun(word):
            continue
        c = counts[word]
        # More commonly an adjective (WordNet's tagged senses): an adjective here ("large", "white").
        if word in adjectives and c["a"] > 2 * c["n"] and c["a"] >= 2:
            continue
        flags[word].add("n")
    for word in adjectives:
        # Adjectives only matter next to nouns and for the fallback (an unknown word in head position is
        # masked, a known adjective is not): keep the ones BERT knows as whole words, and noun/adjectives.
        if WORD.match(word) and word not in closed and (word in vocab or word in flags):
            flags[word].add("a")
    for comparative, base in read_exceptions(os.path.join(wn, "adj.exc")):
        if WORD.match(comparative) and comparative not in closed and base in adjectives and comparative in vocab:
            flags[comparative].add("a")

    # Verb readings after a noun.
    for word in list(flags):
        if "n" not in flags[word]:
            continue
        c = counts[word]
        if word in verbs and c["v"] > 2 * c["n"] and c["v"] >= 5:
            flags[word].add("v")  # "the ship lies", "the building stands"
        if word.endswith("ing") and c["n"] < 5 and any(stem in verbs for stem in verb_stems(word)):
            flags[word].add("v")  # "van driving on the road"

    for word in POSITIONS:
        flags[word] |= {"p"}
    for word in QUANTITIES:
        flags[word] |= {"n", "q"}
    for word in LEAD_INS:
        flags[word].add("l")
    for word in COLOURS_SIZES:
        flags[word].discard("n")
        flags[word].add("a")
    for word, kind in closed.items():
        flags[word] = {kind}

    compounds = set()
    for category in RRSIS_D_CATEGORIES + REFSEGRS_CATEGORIES:
        parts = category.split()
        if len(parts) > 1:
            compounds.add(category)
        else:
            flags[category] = {"n"}  # a category word is a noun first, whatever its other readings

    plurals = {}
    for plural, lemma in read_exceptions(os.path.join(wn, "noun.exc")):
        regular = plural in (lemma + "s", lemma + "es", lemma[:-1] + "ies")  # the masker strips these itself
        if WORD.match(plural) and plural not in flags and "n" in flags.get(lemma, ()) and plural in vocab \
                and not regular:
            plurals[plural] = lemma

    lines = []
    order = "napvqdrl"
    for word in sorted(flags):
        letters = "".join(letter for letter in order if letter in flags[word])
        if not letters:
            continue
        lines.append(word if letters == "n" else f"{word}\t{letters}")
    for plural in sorted(plurals):
        lines.append(f"{plural}\t={plurals[plural]}")
    lines.extend(sorted(compounds))

    with open(os.path.join(wn, "..", "doc", "wordnet-base", "copyright"), encoding="utf-8") as copyright_file:
        licence = copyright_file.read()
    start = licence.index(" This software and database")
    end = licence.index("Files: debian/*")
    licence_lines = [line[1:] if line.startswith(" ") else line for line in licence[start:end].strip().split("\n")]
    licence_lines = ["" if line == "." else line for line in licence_lines]

    script = os.path.relpath(os.path.abspath(__file__), os.path.abspath(os.path.join(os.path.dirname(args.output),
                                                                                          "..", "..", "..")))
    vocab_sha = hashlib.sha256(open(args.vocab, "rb").read()).hexdigest()
    header = [
        "ReferMap noun lexicon: the word classes the noun-phrase masker needs (core/model/noun_phrase_masker.cpp).",
        f"Generated by {script}; do not edit by hand, change the script and run it again.",
        "",
        "Sources: WordNet 3.0 (Princeton University), Debian package wordnet-base 1:3.0-37 (index.noun,",
        "index.adj, index.verb, data.noun, cntlist.rev, noun.exc, adj.exc); the category names of the",
        "RRSIS-D and RefSegRS datasets; hand-written English function-word lists (in the script).",
        f"Nouns filtered with bert-base-uncased-vocab.txt (sha256 {vocab_sha}).",
        "Format: see the script's docstring. Words are lower-case, single words unless a dataset compound.",
        "",
        "This list is a modification of the WordNet 3.0 database and is distributed under its licence:",
        "",
    ] + licence_lines
    with open(args.output, "w", encoding="utf-8", newline="\n") as out:
        for line in header:
            out.write(("# " + line).rstrip() + "\n")
        for line in lines:
            out.write(line + "\n")
    by_kind = collections.Counter()
    for line in lines:
        by_kind["compound" if " " in line else ("plural" if "\t=" in line else "word")] += 1
    print(f"{args.output}: {len(lines)} entries {dict(by_kind)}, {os.path.getsize(args.output)} bytes",
          file=sys.stderr)


if __name__ == "__main__":
    main()
