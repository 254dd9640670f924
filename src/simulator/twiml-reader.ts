// Reads voice TwiML into the verbs a phone simulator acts on, in order. Only what
// this service writes needs to be understood; anything else is kept as `other` so
// the simulator can say it met something it does not play.
import { XMLParser } from 'fast-xml-parser';

export type Verb =
  | { verb: 'Say'; text: string }
  | { verb: 'Play'; url: string }
  | { verb: 'Pause'; seconds: number }
  | { verb: 'Gather'; action: string; input: string[]; numDigits: number | null; said: string[] }
  | { verb: 'Redirect'; url: string }
  | { verb: 'Hangup' }
  | {
      verb: 'Dial';
      action: string | null;
      number: string | null;
      client: string | null;
      /** The number the dialled phone shows, when set. */
      callerId: string | null;
      /** Seconds it rings before giving up with no-answer (Twilio's default 30). */
      timeout: number;
    }
  | { verb: 'Enqueue'; queue: string; action: string | null; waitUrl: string | null }
  | { verb: 'Leave' }
  | {
      verb: 'Record';
      action: string;
      maxLength: number;
      recordingStatusCallback: string | null;
      /** Where Twilio posts the transcript (a transcribeCallback implies `transcribe`); null when none was asked for. */
      transcribeCallback: string | null;
    }
  | { verb: 'StartRecording'; recordingStatusCallback: string | null }
  | { verb: 'other'; name: string };

type Node = Record<string, unknown>;
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  preserveOrder: true,
  trimValues: true,
  parseTagValue: false,
});

const attrsOf = (node: Node) => (node[':@'] ?? {}) as Record<string, string>;
const tagOf = (node: Node) => Object.keys(node).find((k) => k !== ':@')!;
const childrenOf = (node: Node) => node[tagOf(node)] as Node[];
const textOf = (nodes: Node[]) =>
  nodes
    .map((n) => String(n['#text'] ?? ''))
    .join('')
    .trim();

/** The verbs of a `<Response>`, in order; throws when the document is not TwiML. */
export function readTwiml(xml: string): Verb[] {
  const doc = parser.parse(xml) as Node[];
  const response = doc.find((n) => tagOf(n) === 'Response');
  if (!response) throw new Error('not TwiML: no <Response>');
  return childrenOf(response)
    .filter((n) => tagOf(n) !== '#text')
    .map(toVerb);
}

function toVerb(node: Node): Verb {
  const name = tagOf(node);
  const a = attrsOf(node);
  const children = childrenOf(node);
  const child = (tag: string) => children.find((c) => tagOf(c) === tag);
  switch (name) {
    case 'Say':
      return { verb: 'Say', text: textOf(children) };
    case 'Play':
      return { verb: 'Play', url: textOf(children) };
    case 'Pause':
      return { verb: 'Pause', seconds: Number(a.length ?? 1) };
    case 'Gather':
      return {
        verb: 'Gather',
        action: a.action ?? '',
        input: (a.input ?? 'dtmf').split(' '),
        numDigits: a.numDigits ? Number(a.numDigits) : null,
        said: children.filter((c) => tagOf(c) === 'Say').map((c) => textOf(childrenOf(c))),
      };
    case 'Redirect':
      return { verb: 'Redirect', url: textOf(children) };
    case 'Hangup':
      return { verb: 'Hangup' };
    case 'Dial': {
      const number = child('Number');
      const client = child('Client');
      const plain = textOf(children);
      return {
        verb: 'Dial',
        action: a.action ?? null,
        number: number ? textOf(childrenOf(number)) : client ? null : plain || null,
        client: client ? textOf(childrenOf(client)) : null,
        callerId: a.callerId ?? null,
        timeout: Number(a.timeout ?? 30),
      };
    }
    case 'Enqueue':
      return { verb: 'Enqueue', queue: textOf(children), action: a.action ?? null, waitUrl: a.waitUrl ?? null };
    case 'Leave':
      return { verb: 'Leave' };
    case 'Record':
      return {
        verb: 'Record',
        action: a.action ?? '',
        maxLength: Number(a.maxLength ?? 3600),
        recordingStatusCallback: a.recordingStatusCallback ?? null,
        transcribeCallback: a.transcribeCallback ?? null,
      };
    case 'Start': {
      const recording = child('Recording');
      return recording
        ? { verb: 'StartRecording', recordingStatusCallback: attrsOf(recording).recordingStatusCallback ?? null }
        : { verb: 'other', name: 'Start' };
    }
    default:
      return { verb: 'other', name };
  }
}
