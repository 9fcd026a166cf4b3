"""One reading of the user's message per turn, shared by every action.

The topics come ranked from the NLU (rasa_ext/components/topic_classifier.py, in the parse data under `topics`), so
no action guesses a topic from words again. A myth, a glossary definition and search hits are looked up in the
knowledge store only when an action asks, at most once per turn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from rasa_sdk import Tracker

from knowledge.chatter import without_chatter
from knowledge.content import BACKGROUND_TOPIC, Answer
from knowledge.store import AnswerMatch, GlossaryEntry, KnowledgeStore, MythMatch, TopicHit

# A message this close to a myth's wording is answered as that myth whatever the intent.
STRONG_MYTH_SIMILARITY = 0.5
MYTH_MIN_WORDS = 4  # fewer words than this cannot state a myth
# A request for information states no claim: "tell me about probiotics to prevent eczema" wants the topic,
# not a myth check (a myth stated almost in its own words is still answered as one).
INFORMATION_REQUEST = re.compile(
    r"^\W*(please\s+)?(tell me (about|more)|explain|describe|what (is|are)\b|"
    r"how (can|do|should|could) (i|we)\b|info(rmation)? (on|about)|"
    # "why do people get eczema" asks for causes; it states no myth about who gets it
    r"why (do|does) (people|some people|kids|children|babies|adults|anyone|someone) (get|have|develop)\b)",
    re.IGNORECASE,
)
MYTH_IN_ITS_OWN_WORDS = 0.8  # this close, the message states the myth whatever topic it seems to be about
# "what does LPS mean", "meaning of dysbiosis", "what is meant by": not "for treating it i mean"
DEFINITION_CUES = re.compile(
    r"\b(?:(?:does|do|did)\b.{0,60}\bmean|means|meaning|meant by|stands? for|define|definition)\b", re.IGNORECASE
)
# Thresholds on the topic classifier's probabilities (calibrated: the tests measure it). Set by hand, not
# fitted to the held-out sets.
NAMED_MIN_CONFIDENCE = 0.3  # below this the message does not clearly name a topic
CLARIFY_BELOW = 0.45  # a top topic under this ...
CLARIFY_RATIO = 0.7  # ... with a runner-up at least this close is asked about, not guessed
SHORT_QUESTION_WORDS = 12  # longer messages are never answered with "Do you mean X or Y?"
# Answers matched on a whole message this long (its question sentence said too little alone) may match a detail of
# its story: only a very close answer on its question's topic counts (a few sentences and a question are not a letter)
LETTER_WORDS = 30
GUESS_MIN = 0.15  # a long letter that names no topic clearly is answered from its likeliest one if this likely
SWITCH_CONFIDENCE = 0.7  # a follow-up moves to a topic it does not name only when this sure
MYTH_TOPIC_MIN = 0.15  # a myth's topic must be at least this likely for the message
# Specific answers (knowledge/answer_index.py scores, cosine 0..1). Set by hand from the content's own
# wordings (scripts/answer_match_check.py: each wording left out in turn), not from held-out sets.
ANSWER_ON_TOPIC = 0.45  # enough when the answer's topic is one the message or the conversation is about
ANSWER_ANYWHERE = 0.85  # enough whatever the topic classifier thinks ("does formula make eczema worse" shares 0.7
# with "does stress make eczema worse")
CARD_QUESTION = 0.8  # this close to a topic's own example question, the message asks about the topic in general
CARD_VERBATIM = 0.9  # this close to a topic's example question, the message asks about that topic
CARD_MARGIN = 0.05  # ... unless an answer is about as close: the narrower answer wins a tie
SAID_MARGIN = 0.15  # an answer shown before and this much closer than the rest: the question was asked again
ANSWER_TOPIC_MIN = 0.1  # an answer's topic this likely for the message counts as on topic
ANSWER_CANDIDATES = 6  # answers and cards read per message
AUDIENCE_TIE = 0.05  # answers this close in score: the one written for the conversation's audience wins
COVERAGE_TIE = 0.05  # answers this close in score: the one sharing more of the message's words wins
WORDS_TIE = 0.02  # ... sharing as many, and this close: the closer in meaning wins (the words cannot tell them apart)
# When no topic is clear (in the message or the conversation: a follow-up such as "is that proven?" is about the
# conversation's topic), the alternative to an answer is a question back or "I don't know": an answer this close
# counts whatever the topic (midway between ANSWER_ON_TOPIC and ANSWER_ANYWHERE, which hold when a topic is clear).
ANSWER_WHEN_UNSURE = 0.6
# By meaning (knowledge/semantic_index.py, sentence-encoder cosine), asked only when the words found nothing: the
# content's own held-back wordings reach 0.79 or more three times in four, the intent examples of out-of-scope,
# greeting and help messages never pass 0.68 (measured on training data, not on held-out sets).
MEANING_MIN = 0.72  # this close in meaning, an answer or a topic card is what the message asks
MEANING_ANYWHERE = 0.8  # ... on a topic the message and the conversation are not about, only this close
MEANING_TIE = 0.06  # an answer this close in meaning to its own topic's card beats the card (meaning_choice) ...
MEANING_TIE_ALONE = 0.03  # ... when the words agree (agreed_answer); this close when they find nothing
# Two readings that agree (agreed_answer): the answer first by meaning, at least this close ...
AGREED_MEANING_MIN = 0.65
AGREED_WORDS_TIE = 0.1  # ... and by words at least ANSWER_ON_TOPIC and within this of the closest wording
# ... or first among the answers in both readings (by meaning within MEANING_TIE_ALONE of the closest), at least
# this close in each: two readings that each put the same answer first agree even where each alone is unsure ("17M.
# every time i shave my neck flares up... should i grow a beard" shares 0.39 with the shaving answer by words, 0.63
# by meaning, and nothing else comes near in either)
FIRST_IN_BOTH_WORDS = 0.3
FIRST_IN_BOTH_MEANING = 0.6
MEANING_CERTAIN = 0.93  # an answer this close in meaning is the question asked in other words, whatever the words say
# ... unless the words found the question all but word for word (a wording in the content this close): the meaning
# then says the same, and reading it costs an encoder pass on most short questions
WORDS_NEAR_EXACT = 0.9
LETTER_CLOSEST_MIN = 0.66  # a letter nothing else placed gets the closest answer at least this close (read as eczema)
MEANING_RELATED = 0.42  # nothing in the content this close, and no topic named: the message is about something else
UNRELATED_MIN_WORDS = 4  # shorter messages ("is that so?", "xyzzy") say too little to be declined as off-topic
SENTENCE_BREAK = re.compile(r"[.?!]\s+\S")
CLAUSE_END = re.compile(r"(?<=[.?!,;])\s+|\s+(?:but|and|so)\s+")
# A letter's sentence that states what is wrong: read with a question that says too little on its own
PROBLEM_STATED = re.compile(
    r"\b(nothing (seems to |has |really |we do |we try )?(works?|helps?|helped|worked)|tried (everything|every)|"
    r"not (working|helping|improving|getting better)|(doesn'?t|don'?t|didn'?t|isn'?t|aren'?t|won'?t|never) (seem to |"
    r"really )?(work|help|improve|clear|go away|get better)|still (bad|there|flaring|getting worse)|"
    r"keeps? (coming back|flaring)|getting worse)\b",
    re.IGNORECASE,
)
# How bad a symptom is, said without a question: "this itch is killing me lol", "his skin is so sore right now"
SAYS_HOW_BAD = re.compile(
    r"\b(killing me|driving me (mad|crazy|nuts|insane|up the wall)|unbearable|"
    r"(can'?t|cannot) (stand|bear|cope with) (it|this|the)|so (bad|itchy|sore|painful|dry|red|raw))\b",
    re.IGNORECASE,
)
FOCUS_MIN_WORDS = 2  # a question sentence with fewer words that say what it asks is read with the whole message
# a question sentence that refers back ("how do they work?") needs the sentence it refers to
REFERS_BACK = re.compile(r"\b(it|its|they|them|this|that|these|those|which one)\b", re.IGNORECASE)
SAID_KEPT = 40  # the newest entries of SAID_SLOT are kept: enough for any real conversation
URGENT_SIGNS_ENTITY = "urgent_signs"  # set by the safety net (rasa_ext/components/safety_net.py)
SAID_SLOT = "said"  # what the bot has shown in this conversation: "answer:<id>", "topic:<slug>"
AUDIENCE_SLOT = "audience"  # parent, teen, adult or pregnant: who the conversation is for, once said
SITUATION_SLOT = "situation"  # "has_eczema" once a message says the person already has it
URGENT_SIGNS_TOPIC = "when_to_see_doctor"  # when to see a doctor, and urgent signs that are not happening now
PREVENTION_TOPICS = {"emollients_prevention": "emollient_use", "probiotics_prevention": "probiotics_treatment"}
ALREADY_HAS_ECZEMA = re.compile(
    r"\b(has|have|had|got|gets|get|with) (had )?(eczema|excema|ezcema|atopic dermatitis)\b|\b(her|his|my|their|our) "
    r"(eczema|excema|ezcema)\b|\beczema (on|all over|behind|in) ",
    re.IGNORECASE,
)
PREVENTION_ASKED = re.compile(
    r"\b(prevent\w*|stop(?:s|ped)? (?:her|him|them|it|eczema|my \w+|the baby) (?:from )?"
    r"(?:getting|developing|happening|coming|starting)|avoid getting|"
    r"reduc\w* (?:the )?(?:risk of |chance of )?eczema|lower\w* (?:the|her|his|their|my baby'?s) (?:risk|chance)|"
    r"(?:doesn'?t|does not|won'?t|will not|don'?t|do not|never|less likely to) (?:get|develop) "
    r"(?:eczema|excema|it|allerg\w*))\b",
    re.IGNORECASE,
)


# Who a message says the conversation is for. The first that matches wins, in this order: a teenager who
# mentions a baby brother is still a teenager; "my son is 15" is a parent.
AUDIENCE_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "pregnant",
        re.compile(
            # now, not "I took them while pregnant" (a parent looking back is a parent)
            r"\b(i'?m|i am|im|currently|now|we'?re) (\d+ weeks )?(pregnant|expecting|breast ?feeding)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "parent",
        re.compile(
            r"\bmy \d+[- ]?(year|yr|month|week|wk|mo)s?[- ]?olds?\b|"
            # "my son", "my 8yo daughter", "my 3-year-old boy", "my little one"
            r"\bmy ([\w-]+ ){0,2}(baby|babys|babies|son|daughter|child|children|kid|kids|toddler|newborn|little one|lo|"
            r"boy|girl|bub|infant|twins?)\b|\b(month|week)s? old\b",
            re.IGNORECASE,
        ),
    ),
    (
        "teen",
        re.compile(
            r"\b(i'?m|i am|im|as an?) (1[2-9]|teen|teenager|student at school)\b|\bteen(ager)?s?\b|"
            r"\b(not a baby|at school|my exams|gcses?|high school|sixth form)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "adult",
        re.compile(
            r"\b(i'?m|i am|im) ([2-9]\d)\b(?! ?(weeks?|wks?|months?))|"  # "I'm 30 weeks" is a pregnancy
            r"\b(as an adult|adults?|grown[- ]up|my (wife|husband|partner)|at work|my job)\b",
            re.IGNORECASE,
        ),
    ),
)

PARENT_CUE = dict(AUDIENCE_CUES)["parent"]  # a child of the writer's named ("my son", "my 3-year-old")

# The opening of a correction, repeated as often as people stack it ("no no, sorry, I meant ...").
CORRECTION_OPENING = re.compile(
    r"^\W*(?:(?:no+|nope|nah|not quite|wrong( topic)?|sorry|actually|oops|let me (?:rephrase|try again)|"
    r"(?:what )?i (?:meant|mean|asked|said)(?: was)?|my question (?:was|is)|i was asking(?: about)?|"
    r"that'?s not (?:what i (?:asked|meant|said)|my question|it)|not (?:that|what i (?:asked|meant))(?: one)?|"
    r"you (?:misunderstood|got (?:it|that) wrong))\b[\s,.!:;-]*)+",
    re.IGNORECASE,
)
# An opening that makes a message a correction whatever else it says ("no, I meant is dysbiosis a cause?"):
# the actions apologise and answer the rest.
CORRECTS_THE_LAST_ANSWER = re.compile(
    r"^\W*(?:no+|nope|sorry|oops)?[\s,.!]*(?:i meant|i mean,|what i meant|that'?s not what i (?:asked|meant)|"
    r"not what i (?:asked|meant)|i was asking about|my question was)\b",
    re.IGNORECASE,
)


# About the bot's own content: "where does your information come from?", "how up to date are you?"
ABOUT_THE_BOTS_ANSWERS = re.compile(
    r"\b(?:you|your|ur|u|this (?:bot|chat\w*|assistant|app))\b.{0,40}\b(?:info(?:rmation)?|sources?|answers?|facts|"
    r"evidence|knowledge|research|up to date|up-to-date|current|updated|get (?:this|that|it) from|come from)\b|"
    r"\b(?:where|how)\b.{0,30}\b(?:info(?:rmation)?|answers?|facts)\b.{0,20}\b(?:you|your|ur)\b|"
    r"\b(?:up to date|up-to-date|updated)\b.{0,30}\b(?:you|your|ur)\b",
    re.IGNORECASE,
)
# The bot weighed against a clinician ("should I listen to you or my GP?", "if my doctor and you say different
# things"): the bot's own description answers it (where they differ, the clinician wins), not an eczema card.
CLINICIAN = r"(?:gp|doctor|dr|nurse|pharmacist|dermatologist|derm|consultant|health visitor|paediatrician|pediatrician)"
YOU_OR_A_CLINICIAN = re.compile(
    rf"\b(?:you|ur|u|this (?:bot|chat\w*|assistant|app))\b(?: say)?,? (?:or|vs|versus|than|and) (?:\w+ )?{CLINICIAN}\b|"
    rf"\b{CLINICIAN}\b(?: says?)?,? (?:or|vs|versus|than|and) (?:you|ur|u|this (?:bot|chat\w*|assistant|app))\b|"
    rf"\b(?:trust|believe|listen to) (?:you|ur|u|this bot)\b (?:\w+ ){{0,3}}(?:over|instead of|rather than|more than)"
    rf"\b|"
    rf"\b{CLINICIAN}\b says? .{{0,40}}\b(?:you|u) say\b",
    re.IGNORECASE,
)
WEIGHING = re.compile(
    r"\b(trust|listen|believe|right|wrong|differ\w*|disagree\w*|better|correct|follow|who)\b", re.IGNORECASE
)
# Other conditions the content does not cover, named in a message that does not name eczema ("my psoriasis cream
# isn't working", "low FODMAP diet for IBS", "paracetamol with the pill"): the person is told so, not given an
# eczema card that shares a word ("diet", "cream", "methotrexate") with the question.
OTHER_CONDITION = re.compile(
    r"\b(psoriasis|psoriatic|acne|blackheads?|whiteheads?|pimples?|oily skin|rosacea|ibs|irritable bowel|fodmap|"
    r"crohn'?s|colitis|coeliac|celiac|diabetes|diabetic|metformin|contraceptive|the pill|paracetamol|ibuprofen|"
    r"migraines?|headaches?|warts?|verrucas?|athlete'?s foot|ringworm|vitiligo|lupus|alopecia|hair loss|"
    r"shingles|covid|weight loss|lose weight|keto|uti|urine infection|urinary (?:tract )?infection|cystitis|"
    r"tonsillitis|ear infection|chest infection|sore throat|back pain|period pains?|blood pressure|cholesterol|"
    r"gout|arthritis)\b",
    re.IGNORECASE,
)
# An animal's own skin or health ("what's the best cream for my dog's itchy ears?", "my cat has bald patches, could
# she have eczema?"): a vet's question, not a person's. Not a pet as a trigger of someone's eczema ("is our dog
# making my son's eczema worse?"): the content answers that.
ANIMAL = r"(?:dog|dogs|puppy|cat|cats|kitten|pet|horse|rabbit|hamster|guinea pig)"
ANIMAL_HEALTH = re.compile(
    rf"\b(?:my|our|the) {ANIMAL}(?:'s|s')? (?:\w+ ){{0,3}}(?:ears?|paws?|fur|coat|skin|rash|spots?|bald|patch\w*|"
    rf"itch\w*|scratch\w*|lick\w*|eczema|dermatitis)\b|\b{ANIMAL} (?:eczema|dermatitis)\b",
    re.IGNORECASE,
)
PET_AS_TRIGGER = re.compile(
    r"\b(?:worse|flares?|flaring|trigger\w*|allergic to|allergy to|because of|around|near|get rid|rehome|fur on)\b|"
    # someone's eczema, not their eczema cream ("can i use my eczema cream on him?" is about the dog's skin)
    r"\b(?:my|his|her|our|their|son'?s|daughter'?s|baby'?s|child'?s) (?:own )?(?:eczema|skin)\b"
    r"(?! (?:cream|creams|ointment|meds|medicine|lotion|moisturi[sz]er)\b)",
    re.IGNORECASE,
)
PREGNANCY = re.compile(
    r"\b(pregnan\w*|expecting|trimester|unborn|bump|midwife|conceive|ttc|weeks gone)\b", re.IGNORECASE
)
OLDER_CHILD = re.compile(r"\b(1[2-9]|teen\w*|adolescent|secondary school|high school)\b", re.IGNORECASE)
# Words that ask for a dose whatever else the message says; the advice refusal reads them too.
DOSE_WORDS = r"dose|doses|dosage|dosing"
DOSE_ASKED = re.compile(
    rf"\b({DOSE_WORDS}|how (much|many) (mg|ml|milligrams?|millilit\w+|tablets?|drops|capsules?|spoons?|puffs?))\b",
    re.IGNORECASE,
)
BODY_PARTS = r"eczema|skin|nipples?|breasts?|hands?|face|chest|arms?|legs?|neck|lips|body"
# The writer's own skin or treatment ("my nipple", "my legs", "my steroid cream"), not a child's.
OWN_SKIN = re.compile(rf"\bmy (own )?({BODY_PARTS}|steroid|cream|treatment)\b", re.IGNORECASE)
# The writer's own body, not only their cream ("should I use my steroid cream on him?" is a parent's question)
OWN_BODY = re.compile(
    rf"\bmy (own )?({BODY_PARTS})\b|\bi(?:'ve| have)? (?:got|have) (?:bad |really bad |some )?eczema\b",
    re.IGNORECASE,
)
NOT_ECZEMA = re.compile(
    r"\b(?:not|isn'?t|is not|it'?s not|no|never had|don'?t have|do not have) (?:an? )?eczema\b", re.IGNORECASE
)
BREASTFEEDING = re.compile(r"\b(breast ?(feed\w*|fed|milk)|nursing)\b", re.IGNORECASE)
ECZEMA_NAMED = re.compile(r"\b(eczema|excema|ezcema|exzema|eczma|dermatitis|atopic)\b", re.IGNORECASE)
# "what is X?", "what's a Treg", "what are biologics": a question about what something is, nothing more
WHAT_IS = re.compile(
    r"^\W*(?:what|who)(?:'s|s| is| are| was)\b(?:\s+(?:a|an|the))?(?:\s+[\w-]+){1,4}\W*$", re.IGNORECASE
)


ASKS_A_QUESTION = re.compile(
    r"^\W*(does|do|is|are|can|could|should|would|will|what|why|how|when|which|whats|what's)\b|\?\s*$|"
    # a question after a statement, without a question mark: "im vegan now will it help my skin"
    r"\b(will|would|could|can|should|does|do|is|are) (it|this|that|they|i|we|he|she|my \w+) "
    r"(help|work|make|cause|cure|clear|fix|harm|hurt|matter|improve|stop|get)\b|"
    # a request that asks without a question: "anything that works fast", "any tips for the heat"
    r"\b(any|some) (tips|advice|ideas|suggestions)\b|\banything (that|which|to|i can|we can|else)\b",
    re.IGNORECASE,
)


def stated_audience(text: str) -> str | None:
    """Who the message says it is about: pregnant, parent, teen or adult; None when it does not say."""
    for audience, cue in AUDIENCE_CUES:
        if cue.search(text):
            return audience
    return None


@dataclass(frozen=True)
class SpecificAnswer:
    answer: Answer
    score: float  # how close the message came to one of its wordings (1.0 for its button)
    shared: frozenset[str] = frozenset()  # the message's words it shares with that wording


@dataclass
class MessageAnalysis:
    text: str  # what the user typed; "" for a button payload
    store: KnowledgeStore = field(repr=False)
    intent: str | None = None  # the intent NLU read
    button_topic: str | None = None  # the topic a button named
    button_answer: str | None = None  # the specific answer a button named
    ranking: list[tuple[str, float]] = field(default_factory=list)
    none: float = 1.0  # probability that no topic is named
    focus: str | None = None  # the question part of a long message
    also: str | None = None  # a second topic the message asks about
    named: tuple[str, ...] = ()  # topics whose glossary phrases the message contains
    current_topic: str | None = None  # the conversation's topic before this message
    said: tuple[str, ...] = ()  # what was shown earlier in the conversation (SAID_SLOT)
    known_audience: str | None = None  # who the conversation was for before this message (AUDIENCE_SLOT)
    known_situation: str | None = None  # what an earlier message said: "has_eczema" (SITUATION_SLOT)
    detail_depth: dict | None = None  # how deep "tell me more" has gone: {"topic": slug, "level": n}
    sender: str = ""  # the conversation's sender id: its unanswered questions are deleted with the conversation
    # the safety net's `urgent_signs` entity: urgent signs are named but none is happening now ("what is the glass
    # test?", "if her lips ever swelled...")
    asks_about_urgent_signs: bool = False

    @classmethod
    def of(cls, tracker: Tracker, store: KnowledgeStore) -> MessageAnalysis:
        message = tracker.latest_message or {}
        text = message.get("text") or ""
        topics = message.get("topics") or {}
        ranking = [
            (str(r["name"]), float(r["confidence"]))
            for r in topics.get("ranking", [])
            if isinstance(r, dict) and "name" in r and "confidence" in r
        ]
        return cls(
            text="" if text.startswith("/") else text,
            intent=(message.get("intent") or {}).get("name"),
            store=store,  # payloads carry entities, not words
            button_topic=next((str(v) for v in tracker.get_latest_entity_values("topic") if v), None),
            button_answer=next((str(v) for v in tracker.get_latest_entity_values("answer") if v), None),
            ranking=ranking,
            none=float(topics.get("none", 1.0 if not ranking else 0.0)),
            focus=topics.get("focus"),
            also=topics.get("also"),
            named=tuple(str(n) for n in topics.get("named") or ()),
            current_topic=tracker.get_slot("topic") or None,
            said=tuple(str(s) for s in tracker.get_slot(SAID_SLOT) or ()),
            known_audience=tracker.get_slot(AUDIENCE_SLOT) or None,
            known_situation=tracker.get_slot(SITUATION_SLOT) or None,
            detail_depth=depth if isinstance(depth := tracker.get_slot("detail_depth"), dict) else None,
            sender=tracker.sender_id or "",
            asks_about_urgent_signs=any(tracker.get_latest_entity_values(URGENT_SIGNS_ENTITY)),
        )

    @cached_property
    def treats_existing_eczema(self) -> bool:
        """The person already has eczema (said now or earlier) and does not ask about preventing it: a parent of
        a baby with eczema gets treatment evidence, not prevention trials."""
        has = self.known_situation == "has_eczema" or bool(ALREADY_HAS_ECZEMA.search(self.text))
        return has and not PREVENTION_ASKED.search(self.text)

    @property
    def asks_about_content(self) -> bool:
        """A question about something the content covers ("does sugar make it worse?"), or how bad a symptom it
        covers is ("this itch is killing me lol"), whatever the intent."""
        if SAYS_HOW_BAD.search(self.text) and self.topic is not None:
            return True  # the topic, not one answer's shared word ("this traffic is killing me" is not about red signs)
        return bool(ASKS_A_QUESTION.search(self.text)) and (self.topic is not None or self.specific_answer is not None)

    @property
    def correction(self) -> str | None:
        """What a message that opens as a correction now asks ("no, I meant X" -> "X"); None otherwise, and None
        when nothing was answered yet in the conversation (there is nothing to correct)."""
        if not CORRECTS_THE_LAST_ANSWER.search(self.text) or not (self.said or self.current_topic):
            return None
        return CORRECTION_OPENING.sub("", self.text).strip() or None

    @cached_property
    def audience(self) -> str | None:
        """Who the conversation is for: what this message says, else what an earlier one said."""
        return stated_audience(self.text) or self.known_audience

    # -- topics -------------------------------------------------------------------------------------------
    @property
    def topic(self) -> str | None:
        """The topic the message is about, when it clearly names one."""
        if self.button_topic:
            return self.button_topic
        if self.ranking and self.ranking[0][1] >= NAMED_MIN_CONFIDENCE and self.ranking[0][1] > self.none:
            return self.ranking[0][0]
        return self.card_asked

    @property
    def only_named(self) -> str | None:
        """The one topic other than eczema in general whose glossary phrase the message contains, when it names
        only one: the classifier may not know a word (a medicine's name on its pack, "protopic") that the
        glossary does, and "is protopic safe?" is then about that topic, not a question back (answer_topic)."""
        specific = [slug for slug in self.named if slug != BACKGROUND_TOPIC]
        return specific[0] if len(specific) == 1 else None

    @property
    def card_asked(self) -> str | None:
        """The topic whose own example question the message all but repeats ("will I grow out of it"), when the
        classifier is unsure: the card was written for exactly that question."""
        if not self.text or len(self.text.split()) > SHORT_QUESTION_WORDS:
            return None
        best = self.answer_matches[0] if self.answer_matches else None
        return best.topic if best is not None and best.answer is None and best.score >= CARD_VERBATIM else None

    @property
    def alternatives(self) -> tuple[str, str] | None:
        """The two topics to ask about when neither clearly wins, for a short question. A long message is
        answered from its likeliest topic: its writer has said enough, and a question back would feel like a
        refusal."""
        if self.button_topic or len(self.ranking) < 2 or self.focus or len(self.text.split()) > SHORT_QUESTION_WORDS:
            return None
        if self.only_named:  # never a question back on a message that names its topic
            return None
        (first, p1), (second, p2) = self.ranking[:2]
        if self.none < p1 < CLARIFY_BELOW and p2 >= CLARIFY_RATIO * p1 and BACKGROUND_TOPIC not in (first, second):
            return first, second
        return None

    @property
    def best_guess(self) -> str | None:
        """For a long letter that names no topic clearly, the likeliest topic if it is likely at all: its writer
        has said enough, and "Did you mean...?" after a letter reads as not having listened."""
        if len(self.text.split()) <= SHORT_QUESTION_WORDS:
            return None
        return self.ranking[0][0] if self.ranking and self.ranking[0][1] >= GUESS_MIN else None

    def follow_up_topic(self, current: str | None) -> str | None:
        """The topic a follow-up is about: one the message names, else the conversation's.

        A follow-up leaves the conversation's topic only for a topic the message names in so many words
        ("tell me more about butyrate") or is sure of; "does it work for eczema?" names eczema only as
        background, so the conversation's topic stays."""
        named = self.topic
        if current and named != self.button_topic:
            sure = named is not None and (named in self.named or self.ranking[0][1] >= SWITCH_CONFIDENCE)
            if not sure or named == BACKGROUND_TOPIC:
                return current
        return named or current

    def second_topic(self, answered: str) -> str | None:
        return self.also if self.also and self.also != answered and not self.button_topic else None

    # -- lookups in the knowledge store, once per turn -------------------------------------------------------
    def agrees(self, slug: str, strict: bool = False) -> bool:
        """Whether a topic fits what the message is about: it names no topic, or this one is the topic
        (strict) or among the likely ones."""
        if self.topic is None:
            return True
        return slug == self.topic or (not strict and any(s == slug and p >= MYTH_TOPIC_MIN for s, p in self.ranking))

    @cached_property
    def myth(self) -> MythMatch | None:
        """A myth the message states in close to its own words, about the topic the message is about
        (word overlap alone made "can FMT treat eczema" a myth about prebiotics, "how do probiotics work" one
        about probiotics as a cure)."""
        if len(self.text.split()) < MYTH_MIN_WORDS:  # "bacteria?" states nothing
            return None
        found = self.store.find_myth(self.text, min_similarity=STRONG_MYTH_SIMILARITY)
        if found is None or f"myth:{found.id}" in self.said:  # a myth checked already is not checked again
            return None
        if found.similarity >= MYTH_IN_ITS_OWN_WORDS:
            return found
        if INFORMATION_REQUEST.search(self.text):
            return None
        # A message about no clear topic states a myth only about a topic it names: "can eczema be cured" shares
        # most of its words with "will butyrate cure my eczema" but says nothing about butyrate.
        # Eczema itself is named by almost every message, so it does not count ("is eczema for life" states nothing
        # about "immunisations trigger eczema for life").
        if self.topic is None and (found.topic not in self.named or found.topic == BACKGROUND_TOPIC):
            return None
        return found if self.agrees(found.topic, strict=True) else None

    @cached_property
    def loose_myth(self) -> MythMatch | None:
        """The closest myth at the store's usual threshold (for messages NLU says check a myth)."""
        found = self.store.find_myth(self.text) if self.text else None
        if found is None or f"myth:{found.id}" in self.said:
            return None
        return found if self.agrees(found.topic) else None

    @cached_property
    def glossary_term(self) -> GlossaryEntry | None:
        return self.store.glossary_entry(self.text) if self.text else None

    def fits_audience(self, answer: Answer) -> bool:
        """An answer written for pregnancy is for a message or conversation about a pregnancy, not for a parent
        whose baby already has eczema ("baby gets eczema round his mouth from dribbling"); one written for adults
        is not for a parent asking about a child."""
        if self.written_for_someone_else(answer):
            return False
        own_skin = self.about_own_skin
        if answer.audience == "parent" and own_skin and self.audience != "parent":
            # "ive scratched my legs raw again, how do i stop scratching in my sleep", "I'm 22 weeks pregnant ... is
            # my steroid cream safe for the baby?": the writer's own skin, not a child's
            return bool(PARENT_CUE.search(self.text))
        if answer.audience != "pregnant":
            return True
        breastfeeding = BREASTFEEDING.search(answer.question) and BREASTFEEDING.search(self.text)
        if breastfeeding and (own_skin or not self.treats_existing_eczema):
            # "did eating eggs while breastfeeding give my baby eczema?", "eczema on my nipple since breastfeeding
            # started, can I put steroid cream on?" (not "he has eczema: should I cut dairy?")
            return True
        return self.audience == "pregnant" or bool(PREGNANCY.search(self.text))

    @cached_property
    def about_own_skin(self) -> bool:
        """The writer names their own skin or treatment ("my nipple", "my legs", "my steroid cream")."""
        return bool(OWN_SKIN.search(self.text))

    @cached_property
    def urgent_care_in_play(self) -> bool:
        """Whether the message is about when to see a doctor: by its topic, the conversation's, a name, a likely
        reading, its words or the safety net's urgent signs. Without one of these, an answer on getting seen today
        chosen by meaning alone would be a false alarm."""
        slug = URGENT_SIGNS_TOPIC
        if self.asks_about_urgent_signs or slug in (self.topic, self.current_topic) or slug in self.named:
            return True
        if any(s == slug and p >= ANSWER_TOPIC_MIN for s, p in self.ranking[:3]):
            return True
        return any(m.topic == slug and m.score >= ANSWER_ON_TOPIC for m in self.answer_matches)

    def written_for_someone_else(self, answer: Answer) -> bool:
        """An answer written for an adult's or a teenager's own skin, for a parent asking about a child ("my
        3-year-old can't sleep for the itch" is not answered about an adult's sleep)."""
        if answer.audience not in ("adult", "teen") or self.audience != "parent":
            return False
        # "my son is 14 and his hands crack": an older child's own skin; "breastfeeding my 2 month old and I've got
        # eczema on my nipple": the parent's own
        return not (OLDER_CHILD.search(self.text) or OWN_BODY.search(self.text))

    @property
    def asks_for_a_dose(self) -> bool:
        """A dose or an amount of a medicine for someone ("how many ml of ... for my 2 year old")."""
        return bool(DOSE_ASKED.search(self.text))

    @property
    def about_another_condition(self) -> bool:
        """The message is about another condition or its medicines and does not mention eczema."""
        # "I have psoriasis, not eczema" names eczema only to set it aside
        return bool(OTHER_CONDITION.search(self.text)) and not ECZEMA_NAMED.search(NOT_ECZEMA.sub("", self.text))

    @property
    def about_an_animal(self) -> bool:
        """The message is about an animal's own skin or health, not a pet's effect on someone's eczema."""
        return bool(ANIMAL_HEALTH.search(self.text)) and not PET_AS_TRIGGER.search(self.text)

    @property
    def asks_where_answers_come_from(self) -> bool:
        """A question about where the bot's answers come from or how current they are, naming no topic."""
        return bool(ABOUT_THE_BOTS_ANSWERS.search(self.text)) and self.topic is None and not self.named

    @property
    def weighs_the_bot_against_a_clinician(self) -> bool:
        """ "Should I listen to you or my GP?": about the bot, whatever topic words it has."""
        return bool(YOU_OR_A_CLINICIAN.search(self.text) and WEIGHING.search(self.text))

    @property
    def asks_beyond_a_definition(self) -> bool:
        """A message with a glossary term that asks something about it ("what side effects does dupilumab
        have?"), which a specific answer or the topic answers, rather than what the term means ("what is
        dupilumab?", "dupilumab meaning")."""
        if self.definition_asked is not None or len(self.text.split()) < MYTH_MIN_WORDS:
            return False
        return not WHAT_IS.match(self.text)

    @property
    def definition_asked(self) -> GlossaryEntry | None:
        """The glossary entry whose meaning the message asks for ("what does LPS mean")."""
        if not DEFINITION_CUES.search(self.text):
            return None
        entry = self.glossary_term
        return entry if entry is not None and entry.definition else None

    @cached_property
    def question_text(self) -> str:
        """What answers are matched on: a letter's question sentence (not a detail of its story), unless that
        sentence says too little on its own ("How do they actually work?", "what can I do"): then the message. A
        message of a few sentences is its own context ("...from all the drool. How do I protect his skin?"). Chat
        words go ("this itch is killing me lol" is about the itch)."""
        return without_chatter(self._question_sentences)

    @property
    def _question_sentences(self) -> str:
        focus = self.focus
        if not focus or focus == self.text or REFERS_BACK.search(focus) or len(self.text.split()) <= LETTER_WORDS:
            return self.text
        if len(self.store.question_lemmas(focus)) >= FOCUS_MIN_WORDS:
            return focus
        # "...oat baths, cutting out dairy, nothing seems to work. ... Is there anything else we can ask for?": the
        # question is about the problem the letter states (its clause), not about every detail of its story
        problems = [clause for clause in CLAUSE_END.split(self.text) if PROBLEM_STATED.search(clause)]
        return " ".join([*problems, focus]) if problems else self.text

    @cached_property
    def answer_matches(self) -> list[AnswerMatch]:
        """Specific answers and topic cards closest to the question, best first."""
        return self.store.find_answers(self.question_text, limit=ANSWER_CANDIDATES) if self.text else []

    @cached_property
    def agreed_answer(self) -> SpecificAnswer | None:
        """The specific answer that both readings put first: first by meaning (meaning_choice, AGREED_MEANING_MIN
        or closer) and among the closest by words (ANSWER_ON_TOPIC or closer, within AGREED_WORDS_TIE of the
        closest wording). Two readings that agree outweigh the topic the classifier leans to ("can I use
        sunscreen if I have eczema" is not about fading creams on dark skin because sunscreen is named in the
        darker-skin topic), a long message's length and a myth that only shares words."""
        best = self.answer_matches[0].score if self.answer_matches else 0.0
        if not any(m.answer is not None and best - m.score <= AGREED_WORDS_TIE for m in self.answer_matches):
            return None  # no answer among the closest by words: nothing for the meaning to agree with (or embed)
        # the first by meaning, even when shown before: a question asked again is not the next answer's
        meant = self.meaning_choice
        if meant is None or meant.answer is None or meant.key in self.said or meant.score < AGREED_MEANING_MIN:
            return self.first_in_both
        if (self.treats_existing_eczema and meant.topic in PREVENTION_TOPICS) or not self.fits_audience(meant.answer):
            return None
        words = next((m for m in self.answer_matches if m.key == meant.key), None)
        if words is None or words.score < ANSWER_ON_TOPIC or best - words.score > AGREED_WORDS_TIE:
            return self.first_in_both
        if not words.shared - self.store.naming_lemmas(words.topic):
            return None
        return SpecificAnswer(meant.answer, words.score, words.shared)

    @property
    def first_in_both(self) -> SpecificAnswer | None:
        """The answer first among the answers by words and, within MEANING_TIE_ALONE, first by meaning, where the
        words alone are unsure (FIRST_IN_BOTH_WORDS up to ANSWER_ON_TOPIC) and the meaning close enough
        (FIRST_IN_BOTH_MEANING); within AGREED_WORDS_TIE of the closest wording, giveable as an answer found by
        meaning is, and sharing more than its topic's name."""
        words = next((m for m in self.answer_matches if m.answer is not None), None)
        best = self.answer_matches[0].score if self.answer_matches else 0.0
        if words is None or not FIRST_IN_BOTH_WORDS <= words.score < ANSWER_ON_TOPIC:
            return None  # closer by words, the words and their topic decide (specific_answer)
        if best - words.score > AGREED_WORDS_TIE:
            return None
        closest = self.meaning_matches[0].score if self.meaning_matches else 0.0
        meant = next((m for m in self.meaning_matches if m.key == words.key), None)
        if meant is None or meant.score < FIRST_IN_BOTH_MEANING or closest - meant.score > MEANING_TIE_ALONE:
            return None
        # a topic card closer in meaning: a general question, which its card answers; but a card gives way to one
        # of its own answers almost as close (as in meaning_choice)
        for card in (m for m in self.meaning_matches if m.answer is None and m.score > meant.score):
            if card.topic != meant.topic or card.score - meant.score > MEANING_TIE:
                return None
        answer = self.giveable_by_meaning(meant)
        if answer is None or not words.shared - self.store.naming_lemmas(words.topic):
            return None
        return SpecificAnswer(answer, words.score, words.shared)

    @cached_property
    def meaning_choice(self) -> AnswerMatch | None:
        """The closest match by meaning, where a topic card gives way to one of its own answers almost as close:
        a card's example questions include specific ones ("how often should I bath my baby?") that an answer
        now answers. Not for a message that asks what something is or for information in general."""
        matches = self.meaning_matches
        if not matches:
            return None
        top = matches[0]
        if top.answer is not None or WHAT_IS.match(self.text) or INFORMATION_REQUEST.search(self.text):
            return top
        for match in matches[1:]:
            if top.score - match.score > MEANING_TIE:
                break
            if match.answer is not None and match.topic == top.topic and match.key not in self.said:
                return match
        return top

    def on_topic(self, slug: str) -> bool:
        """Whether a topic is one the message or the conversation is about."""
        if slug == self.current_topic or slug == self.button_topic:
            return True
        # "eczema" is in nearly every message: it makes eczema in general a topic in play only when no other is clear
        if slug in self.named and (slug != BACKGROUND_TOPIC or self.topic in (None, BACKGROUND_TOPIC)):
            return True
        return any(s == slug and p >= ANSWER_TOPIC_MIN for s, p in self.ranking[:3])

    @cached_property
    def specific_answer(self) -> SpecificAnswer | None:
        """The specific answer the message asks for, if any. Among the answers and topic cards of the topics in
        play, the closest wording decides: a card's example question means a general question (no specific
        answer). An answer shown before in this conversation is passed over; a very close answer on another
        topic still counts. Between near-equal answers, the one written for this conversation's audience."""
        if self.button_answer:
            chosen = self.store.answer(self.button_answer)
            return SpecificAnswer(chosen, 1.0) if chosen is not None else None
        if self.button_topic:
            return None  # a topic button asks for the topic
        if self.agreed_answer is not None:
            return self.agreed_answer
        if self.near_certain_by_meaning is not None:
            return self.near_certain_by_meaning
        # someone who already has eczema is not answered from the prevention topics (unless they ask about it)
        matches = [m for m in self.answer_matches if not (self.treats_existing_eczema and m.topic in PREVENTION_TOPICS)]
        cards = [m.score for m in matches if m.answer is None]
        # "how do probiotics work" names its topic and nothing more: the topic card answers it
        naming = self.store.naming_lemmas(self.topic) if self.topic else frozenset()
        # a long letter read whole: only a close answer on its question's topic (its question sentence alone is
        # matched with the usual thresholds: the story is not in it)
        letter = self.question_text == self.text and len(self.text.split()) > LETTER_WORDS
        fitting: list[SpecificAnswer] = []
        unsure: list[SpecificAnswer] = []  # close enough when no topic is clear (ANSWER_WHEN_UNSURE)
        best_said = 0.0  # the closest answer already shown in this conversation
        for match in matches:
            if match.answer is None:
                continue
            if match.key in self.said:
                best_said = max(best_said, match.score)
                continue
            if not match.shared - naming or not self.fits_audience(match.answer):
                continue
            if match.score >= ANSWER_WHEN_UNSURE:
                unsure.append(SpecificAnswer(match.answer, match.score, match.shared))
            if letter:  # a long letter: only a close answer on its question's own topic
                if match.score >= ANSWER_ANYWHERE and match.topic == self.topic:
                    fitting.append(SpecificAnswer(match.answer, match.score, match.shared))
            elif match.score >= ANSWER_ANYWHERE or (match.score >= ANSWER_ON_TOPIC and self.on_topic(match.topic)):
                fitting.append(SpecificAnswer(match.answer, match.score, match.shared))
        # no clear topic, or only eczema in general ("my son is 14 and his hands crack every winter, what can he
        # do" is about eczema, and asks about hands): a close answer on any topic beats the general card
        # (for a one-sentence message: a letter's question sentence alone, "are they the same thing?", is too
        # little to go on)
        general = self.topic is None or (self.topic == BACKGROUND_TOPIC and self.focus in (None, self.text))
        if not fitting and general and not self.button_topic and not self.current_topic:
            fitting = unsure
        if not fitting:
            if cards and cards[0] >= CARD_QUESTION:
                return None  # all but word for word a topic's general question, and no answer near it by words
            return self.answer_by_meaning
        fitting.sort(key=lambda m: (not self.on_topic(m.answer.topic), -m.score))  # the topics in play first
        best = fitting[0]
        for other in fitting[1:]:  # "signs that eczema might be infected": infected eczema, not fever in babies
            in_play = self.on_topic(other.answer.topic) == self.on_topic(best.answer.topic)
            if in_play and best.score - other.score <= COVERAGE_TIE and len(other.shared) > len(best.shared):
                best = other
                break
        best = self.closer_in_meaning(best, fitting)
        if cards and cards[0] >= CARD_QUESTION and cards[0] > best.score + CARD_MARGIN:
            return None  # all but word for word a general question about a topic: its card answers it
        # an answer on a side topic must be closer than the message's own topic card: "how do I give egg to a baby
        # the first time" is a weaning question, not "eczema for the first time as an adult"
        own_card = next((m.score for m in matches if m.answer is None and m.topic == self.topic), 0.0)
        if self.topic is not None and best.answer.topic != self.topic and own_card > best.score:
            return None
        if best_said > best.score + SAID_MARGIN:
            return None  # it asks again what was answered: not the next-nearest answer instead
        if best.score < ANSWER_WHEN_UNSURE:  # a weak match by words: an answer very close in meaning is likelier
            meant = self.answer_by_meaning
            if meant is not None and meant.score >= MEANING_ANYWHERE:
                return meant
        for other in fitting[1:] if self.audience else []:
            if other.answer.audience == self.audience and best.score - other.score <= AUDIENCE_TIE:
                return other
        return best

    def closer_in_meaning(self, best: SpecificAnswer, fitting: list[SpecificAnswer]) -> SpecificAnswer:
        """Between answers the words cannot tell apart (WORDS_TIE, as many shared words, topics in play alike), the
        one closer in meaning: "are steroid creams actually safe if used properly? I keep reading about withdrawal"
        shares as much with the withdrawal answer as with the side-effects one, and means the second."""
        tied = [
            other
            for other in fitting
            if other is not best
            and best.score - other.score <= WORDS_TIE
            and len(other.shared) == len(best.shared)
            and self.on_topic(other.answer.topic) == self.on_topic(best.answer.topic)
        ]
        if not tied:
            return best  # no encoder pass without a tie
        closeness = {m.key: m.score for m in self.meaning_matches}
        return max([best, *tied], key=lambda m: closeness.get(f"answer:{m.answer.id}", 0.0))

    @cached_property
    def meaning_matches(self) -> list[AnswerMatch]:
        """Answers and topic cards closest in meaning (the sentence encoder), best first; read only when the
        words found no answer."""
        # the whole text, not the classifier's focus: a letter is also read sentence by sentence there
        return self.store.find_by_meaning(without_chatter(self.text), limit=ANSWER_CANDIDATES) if self.text else []

    @cached_property
    def answer_by_meaning(self) -> SpecificAnswer | None:
        """The specific answer closest in meaning, when the words found none ("can I give her scrambled egg yet"
        for "when can babies start eggs"): close enough (MEANING_MIN), on a topic in play or very close, not
        shown before, and closer than every topic card (a general question gets the card)."""
        if self.button_topic or not self.text:
            return None
        card = max((m.score for m in self.meaning_matches if m.answer is None), default=0.0)
        # a letter: several sentences (one long sentence is read as a whole by the encoder, and reliably)
        letter = len(self.text.split()) > SHORT_QUESTION_WORDS and bool(SENTENCE_BREAK.search(self.text.strip()))
        choice = self.meaning_choice  # without the words' support, a card gives way only to an answer this close:
        if choice is not None and card - choice.score > MEANING_TIE_ALONE:
            choice = None
        for match in self.meaning_matches:
            # a topic card at least as close: a general question ("what is eczema" is as close to the eczema card
            # as to the answer on its causes), whose card answers it, unless the card gives way (meaning_choice)
            if match.score < MEANING_MIN:
                return None
            gives_way = choice is not None and choice.answer is not None and choice.topic == match.topic
            if match.answer is None and gives_way:
                continue  # the card gives way to its own answer
            if card >= match.score and match != choice:
                return None
            answer = self.giveable_by_meaning(match)
            if answer is None:
                continue
            # in play: the topic the message is about, the conversation's, or a likely one (not merely a named one:
            # "eczema" names the general topic in almost every message, which is no reason to answer from it)
            own = match.topic in (self.topic, self.current_topic)
            if self.topic in (None, BACKGROUND_TOPIC) or own:
                return SpecificAnswer(answer, match.score)
            if letter:
                continue  # a letter's topic is the classifier's best reading of it (right 0.87 of the time)
            likely = any(slug == match.topic and p >= ANSWER_TOPIC_MIN for slug, p in self.ranking[:3])
            if likely or match.score >= MEANING_ANYWHERE:
                return SpecificAnswer(answer, match.score)
        return None

    @cached_property
    def near_certain_by_meaning(self) -> SpecificAnswer | None:
        """An answer so close in meaning (MEANING_CERTAIN) that it is the question asked in other words: it beats
        the words, which read "why do so many babies get eczema" as close to "how many days of steroid cream" (both
        say "many" and "eczema"). Not shown before, for this audience, not a prevention answer for eczema a child
        already has, and no answer on getting seen today unless urgent care is in play."""
        if len(self.text.split()) > SHORT_QUESTION_WORDS:
            return None  # a letter is matched sentence by sentence there, and its best sentence may be a detail
        if self.answer_matches and self.answer_matches[0].score >= WORDS_NEAR_EXACT:
            return None
        top = self.meaning_matches[0] if self.meaning_matches else None
        if top is None or top.score < MEANING_CERTAIN:
            return None
        answer = self.giveable_by_meaning(top)
        return SpecificAnswer(answer, top.score) if answer is not None else None

    def giveable_by_meaning(self, match: AnswerMatch) -> Answer | None:
        """The answer of a match found by meaning alone, if it may be given in this conversation: an answer, not a
        card; not shown before; for this audience; no prevention answer for eczema a child already has; and no
        answer on getting seen today unless urgent care is in play ("any tips for my son's eczema in the heat on
        holiday" is no question about a doctor today)."""
        answer = match.answer
        if answer is None or match.key in self.said:
            return None
        if (self.treats_existing_eczema and match.topic in PREVENTION_TOPICS) or not self.fits_audience(answer):
            return None
        return answer if match.topic != URGENT_SIGNS_TOPIC or self.urgent_care_in_play else None

    @cached_property
    def closest_for_a_letter(self) -> AnswerMatch | None:
        """For a letter nothing else placed, and only then, the answer or card closest in meaning to it read as
        being about eczema (every wording in the content names it; "gcses in 5 weeks and my hands are flaring so
        bad" scores 0.34 with the hand-care answer as written, 0.67 read so): close enough (LETTER_CLOSEST_MIN) and
        giveable as an answer found by meaning is (giveable_by_meaning). Better than "Did you mean...?" after a
        letter, which the issue rules out."""
        if len(self.text.split()) <= SHORT_QUESTION_WORDS:
            return None
        text = without_chatter(self.text)
        # a message that says "eczema" is read as meaning_matches already read it
        named = ECZEMA_NAMED.search(text)
        matches = self.meaning_matches if named else self.store.find_by_meaning(f"eczema: {text}", ANSWER_CANDIDATES)
        for match in matches:
            if match.score < LETTER_CLOSEST_MIN:
                return None
            if match.answer is not None:
                if self.giveable_by_meaning(match) is None:
                    continue
            # a card: on the same terms as an answer (not shown before, no prevention card for eczema a child has)
            elif (
                match.key in self.said
                or (self.treats_existing_eczema and match.topic in PREVENTION_TOPICS)
                or (match.topic == URGENT_SIGNS_TOPIC and not self.urgent_care_in_play)
            ):
                continue
            return match
        return None

    @property
    def unrelated(self) -> bool:
        """Whether the message is about something the content does not cover at all: it names no topic or term,
        and nothing in the content comes close in meaning ("cheapest flight to Lisbon?", "fix this python
        error"). Such a message gets the out-of-scope reply, not a list of topics it might have meant."""
        if len(self.text.split()) < UNRELATED_MIN_WORDS or self.named or self.button_topic:
            return False
        if self.glossary_term is not None:
            return False
        best = self.meaning_matches[0].score if self.meaning_matches else 0.0
        return best < MEANING_RELATED and self.store.has_meanings()

    @property
    def topic_by_meaning(self) -> str | None:
        """The topic closest in meaning (its card or one of its answers), when close enough (MEANING_MIN)."""
        best = self.meaning_matches[0] if self.meaning_matches else None
        return best.topic if best is not None and best.score >= MEANING_MIN else None

    @cached_property
    def search_hits(self) -> list[TopicHit]:
        return self.store.search(self.question_text, limit=3) if self.text else []
