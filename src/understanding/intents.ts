// What a caller wants done, from their words: book, move, cancel, check, a person, a
// message, the opening hours, yes or no, and the words that steer the call ("say that
// again", "go back", "start again", "anything later?"). Patterns over the words as
// tokens.ts writes them (lower case, "can not", numbers as digits). Pure.

export type Intent =
  | 'book'
  | 'move'
  | 'cancel'
  | 'change'
  | 'check'
  | 'reception'
  | 'message'
  | 'hours'
  | 'yes'
  | 'no'
  | 'repeat'
  | 'back'
  | 'restart'
  | 'later'
  | 'earlier'
  | 'urgent';

const p = (source: string) => new RegExp(source);

const MESSAGE = p(
  String.raw`\b(leave|record|take|give|drop)( you| them)? (a |an )?(quick |short )?(message|voicemail|voice mail|msg)\b|\bvoice ?mail\b|\bmessage for\b|\bleave (a |an )?(message|note)\b|^(a )?message$`,
);
const HOURS = p(
  String.raw`\b(opening|closing|office|surgery|clinic) (hours|times)\b|\bwhat time (do|does) (you|the \w+) (open|close|shut|finish)\b|\bwhen (are|do|does|is) (you|the \w+) (open|close|shut|closed)\b|\b(are|is) (you|the (surgery|clinic|practice|office)|it) (open|closed)\b|\bwhat (are|is) your (hours|opening)\b|\byour hours\b|\bhow late (are|do) you\b|\bwhat hours\b|\b(open|closed) (on|at|until|till|tomorrow|today|over|this|at the|during)\b|\bopen late\b|^(opening )?hours$|\bhours are you\b|\bwhat time you (open|close)\b|\b(do|are|when|time) you( guys| folks| all)? (open|close|shut)\b|\bwhen you are (open|closed)\b|\bhow (early|late) (do|are|does) (you|the \w+)( guys| folks| all)? (open|close|stay open|shut)\b`,
);
const RECEPTION = p(
  String.raw`\b(speak|talk|chat) (to|with)\b|\b(have|had) a (quick )?(word|chat) with\b|\bspeak to\b|\b(reception|receptionist|operator|secretary|front desk|the desk|front office)\b|\b(real|actual|live) (person|human)\b|(?<!see )(?<!seen by )\b(a |an )?(person|human|someone|somebody) (please|instead)\b|^(a )?(person|human|someone|somebody)$|\bput me through\b|\bprescriptions?\b|\b(test |blood |lab )?results\b|\bbill(s|ing)?\b|\binvoice\b|\breferral\b|\b(sick|fit|doctors) note\b|\binsurance\b|\bpayment\b|\bmedical records\b|\bcomplain|\bquestion about\b|\bquery about\b|\benquiry\b`,
);
const CANCEL = p(
  String.raw`\bcancel|\bcall (it )?off\b|\b(will not|do not|no longer|not going to) (be )?(need|needing|require|want)(ing)? (it|the appointment|my appointment|that|the booking|my booking)\b|\bno longer need\b|\bnot (need|want) (it|the appointment|my appointment) any ?more\b|\bcan not (come|attend|make it) at all\b|\b(drop|scrap|delete|remove) (my|the|that) (appointment|booking)\b|\bnot coming\b|\bwill not be coming\b|\b(take|cross|strike) (me|him|her|us|it|them) off\b|\bnot (be able to )?(come|make it|attend)\b.*\bat all\b|\bdo not need (it|the appointment) any ?more\b`,
);
const MOVE = p(
  String.raw`\b(move|moving|reschedul\w*|re ?schedul\w*|rearrang\w*|re ?arrang\w*|postpone|swap|switch|shift)\b|\b(push|put|pull|bring) (\w+ ){0,6}(back|forward|later|earlier)\b|\b(another|a different|a new|different) (day|time|date|slot|appointment time)\b|\bchange (the|my|its)? ?(day|time|date|appointment time)\b`,
);
const CHANGE = p(
  String.raw`\bchang(e|ing)\b|\bcan not (make|do|attend|come to)\b|\bwill not (be able to )?(make|attend)\b|\bnot (be able to|able to) (make|attend|come)\b|\bunable to (make|attend|come)\b|\b(about|regarding|with|re) (my|an|the|our) (existing |current |upcoming )?(appointment|booking)\b|\bamend\b|\bsort out my appointment\b|\bproblem with my appointment\b|\bcan not do\b|\bclash\w*\b`,
);
const CHECK = p(
  String.raw`\bwhen(s| is| was| will be| do i have) (my|our|his|her|their)\b|\bwhen (is|was) the (next )?(\w+ )?(appointment|booking)\b|\bwhat (time|day|date) is (my|our|his|her|the)\b|\b(have|do) (i|we) (got|have) (an|any|a) \w* ?(appointment|booking)\b|\bam i (booked|down|in)\b|\b(have|do) (i|we) (got |have )?(\w+ ){0,5}booked\b|\bwhat time (my|our|his|her|the) \w+|\bis there anything booked\b|\bstill (on|booked|happening|going ahead)\b|\bis (my|his|her) appointment\b|\bconfirm (my|the|our|his|her) (appointment|booking)\b|\bcheck (my|on my|the time of my|when my|when|what time|our|his|her) (\w+ )?(appointment|booking|is)\b|\bremind me (when|what time|of)\b|\bforg[eo]t(ten)? (when|what time|the time)\b|\bwhen am i (booked|seeing|due|in)\b|\bdetails of my appointment\b|\bdo (i|we) have (something|anything) booked\b|\bwhen (do|should) i (come|come in|need to come)\b|\bcheck my booking\b|\bwhat time i am\b|\bwhen (i am|my appointment is)\b`,
);
const BOOK = p(
  String.raw`\bbook|\bappointment|\bschedul|\bmake (an|a|me)\b|\bsee (a|the|doctor|nurse|someone|somebody|dr)\b|\bget (a|an|me|my|him|her|them|in|seen)\b|\bneed (a|an|to see|to come|to get|to have|to be seen)\b|\bcome in\b|\b(a |an )?slot\b|\bvisit\b|\bbe seen\b|\bfit (me|him|her|them|us) in\b|\bsquee[sz]e (me|him|her|them|us) in\b|\bconsultation\b|\b(have|want|like) (a|an)\b|\bany (times|availability|space|room)\b|\bavailab`,
);
const REPEAT = p(
  String.raw`\b(say|read|tell me) (that|it|them|those|the times|the options) (again|one more time)\b|\brepeat\b|\bpardon\b|\bcome again\b|^(sorry )?what$|^sorry$|\bsorry what\b|\bwhat was that\b|\bwhat did you say\b|\bdid not (catch|hear|get) (that|it|you|the)\b|\bone more time\b|\bsay again\b|\bagain please\b|^again$|\bwhat were (they|the times|those)\b|\bmissed (that|it|the)\b`,
);
const RESTART = p(
  String.raw`\bstart (again|over|from the (beginning|start|top))\b|\bmain menu\b|\bfrom the (beginning|start|top)\b|\brestart\b|\bfrom scratch\b|\bback to the (start|beginning|main menu|menu)\b|\bbegin again\b|\bstart it again\b`,
);
const BACK = p(
  String.raw`^(go )?back$|\bgo back\b|\bgo backwards\b|\bprevious (menu|question|step|one|option)\b|\bback a step\b|\bstep back\b|\bback one\b|\bback please\b`,
);
const LATER = p(
  String.raw`\b(anything|something|any|nothing|times?|slots?|appointments?|ones?|dates?|days?) later(?! than(?! (that|those|them|then)))\b|\blater (times?|slots?|ones|appointments?|on|in the (day|week|month)|dates?|days?)\b|\blater please\b|^later$|\b(bit|little|slightly|much) later\b(?! than)|\blater$|\b(more|other|different) (times|slots|options|appointments|days|dates)\b|\bany ?(others|other ones|more)\b|\bnext (available )?(ones|times|slots)\b|\bnone of (those|them|these|that)\b|\bafter (that|those)\b|\b(those|they) (do not|will not|can not|are no) (work|good|suit)\b|\bneither\b|\b(do not|can not) do (any of )?(those|them|these)\b|\bnot those\b|\bfurther (ahead|out)\b`,
);
const EARLIER = p(
  String.raw`\b(anything|something|any|times?|slots?|ones?|appointments?|dates?|days?) (earlier|sooner)(?! than)\b|\b(earlier|sooner) (times?|slots?|ones|appointments?|please|on|in the (day|week)|dates?|days?)\b|^(earlier|sooner)$|\bsooner\b|\b(bit|little|slightly|much|nothing|any) (earlier|sooner)\b|\b(earlier|sooner)$|\bnothing before (that|then)\b|\bbefore (that|those|then)\b`,
);

const YES_WORDS = new Set([
  'yes',
  'yeah',
  'yep',
  'yup',
  'yea',
  'ya',
  'yah',
  'aye',
  'sure',
  'ok',
  'okay',
  'correct',
  'right',
  'perfect',
  'great',
  'lovely',
  'fine',
  'absolutely',
  'definitely',
  'certainly',
  'brilliant',
  'cool',
  'alright',
  'excellent',
  'exactly',
  'affirmative',
  'indeed',
  'please',
  'fab',
  'grand',
  'champion',
  'cheers',
  'smashing',
  'marvellous',
  'wonderful',
  'good',
  'uh-huh',
  'uhhuh',
  'mhm',
  'huh',
]);
const NO_WORDS = new Set(['no', 'nope', 'nah', 'negative', 'wrong', 'incorrect', 'never']);
const YES_PHRASES = p(
  String.raw`\b(that is|thats|it is|sounds|that sounds|that would be|that will be|that is all) (right|correct|good|great|perfect|fine|lovely|brilliant|spot on|ideal|grand)\b|\bgo ahead\b|\bbook (it|that|me in)\b|\bthat (works|suits|is fine|is great|is perfect|is good|is it)\b|\bconfirm\b|\bplease do\b|\bof course\b|\bspot on\b|\bthat will do\b|\bdo it\b|\bgo for it\b|\bsounds good\b|\byes\b|\byeah\b|\byep\b|\bi (would|will) take it\b|\bi do\b|\bsure\b|\bgo on( then)?\b|\bthat is the one\b|\bthat one\b|\bmm hmm\b|\buh huh\b|\bthe one\b`,
);
const NO_PHRASES = p(
  String.raw`\b(that is|it is|thats) not (right|correct|it|me|what i said|quite right)\b|\bnot (right|correct|quite)\b|\bnothing else\b|\b(that is|thats) (all|everything|it)\b|\ball done\b|\bi am (fine|good|ok|okay|all good|sorted|alright)\b|\bno thank|\bnot really\b|\bi do not think so\b|\bnot at the moment\b|\bnot today\b|\bnot for now\b|\bno\b|\bnope\b|\bnah\b|\bdo not (book|confirm)\b|\bthat is the lot\b|\bthat will be all\b|\bnot now\b|\brather not\b|\bnot that one\b|\bnot that\b|\bnever mind\b|\bforget it\b`,
);
const FILLER = new Set([
  'um',
  'umm',
  'erm',
  'uh',
  'er',
  'ah',
  'oh',
  'mm',
  'hmm',
  'well',
  'so',
  'like',
  'hi',
  'hello',
  'hiya',
  'hey',
]);

/** Yes or no, from the first word that says either, then from phrases that do. */
export function yesOrNo(words: string): 'yes' | 'no' | null {
  // "Great, that's all I needed": finished, whatever word came first.
  if (
    /\b(that is|thats) (all|everything)( i (need|needed|wanted))?( thanks| thank you| cheers)?$/.test(words) &&
    !/\bnot\b/.test(words)
  )
    return 'no';
  const list = words.split(' ');
  const first = list.find((w) => !FILLER.has(w));
  if (first && NO_WORDS.has(first)) return 'no';
  if (first && YES_WORDS.has(first)) {
    // "yes that's not right" is rare; "right no" rarer. The first word decides.
    return 'yes';
  }
  const yes = YES_PHRASES.exec(words);
  const no = NO_PHRASES.exec(words);
  if (yes && no) return no.index <= yes.index ? 'no' : 'yes';
  return no ? 'no' : yes ? 'yes' : null;
}

/** Steering words, at any question: they move the call, not the task. */
export function steering(words: string): 'repeat' | 'back' | 'restart' | 'later' | 'earlier' | null {
  if (RESTART.test(words)) return 'restart';
  if (BACK.test(words)) return 'back';
  if (REPEAT.test(words) && !/\brepeat prescription/.test(words)) return 'repeat';
  return null;
}

/** "Anything later?" or "anything earlier?"; in a repair ("later, no, earlier") the last said. */
export function laterOrEarlier(words: string): 'later' | 'earlier' | null {
  const lastAt = (pattern: RegExp) => {
    let at = -1;
    for (const m of words.matchAll(new RegExp(pattern.source, 'g'))) at = m.index;
    return at;
  };
  const earlier = lastAt(EARLIER);
  const later = lastAt(LATER);
  if (earlier < 0 && later < 0) return null;
  return earlier > later ? 'earlier' : 'later';
}

/**
 * A task, in the order that settles the sentences that name more than one: a message or
 * the hours before a person, a person before booking ("speak to someone about my
 * booking"), cancelling or moving before "change", and any of them before booking.
 */
export function taskIn(words: string, hasWhen: boolean): Intent | null {
  // "Cancel it, no wait, move it": a repair between two tasks leaves the second.
  const repaired = /\b(no|wait|actually|sorry|i mean|rather|instead)\b/.exec(words);
  if (repaired && repaired.index > 0) {
    const after = taskIn(words.slice(repaired.index + repaired[0].length), hasWhen);
    const before = taskIn(words.slice(0, repaired.index), hasWhen);
    if (after && before && after !== before && after !== 'book') return after;
  }
  if (MESSAGE.test(words)) return 'message';
  if (HOURS.test(words)) return 'hours';
  if (RECEPTION.test(words) && !/\bspeak to (book|make)\b/.test(words)) return 'reception';
  if (CANCEL.test(words)) return 'cancel';
  if (CHECK.test(words) && !MOVE.test(words)) return 'check';
  if (MOVE.test(words)) return 'move';
  if (CHANGE.test(words) && !/\bdressing chang/.test(words)) {
    // "change it to Friday", "change my appointment to another day": a new time was given.
    if (hasWhen && /\b(to|for|until|till|into)\b/.test(words.slice(words.search(/\bchang/)))) return 'move';
    return 'change';
  }
  if (BOOK.test(words)) return 'book';
  return null;
}
