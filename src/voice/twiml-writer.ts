// The phone line's TwiML, written as text. Twilio's VoiceResponse builds an xmlbuilder
// document for the response and another for every nested verb, which made building the
// first answer of a call cost more than its database work (measured: about a fifth of the
// webhook's CPU). This writer gives the same verbs and nouns the phone line uses, with
// Twilio's own attribute types, and the same bytes VoiceResponse writes — a differential
// test (test/telephony/twiml-writer.test.ts) holds it to that. Other TwiML (apologies,
// texts) still comes from VoiceResponse.
import type VoiceResponse from 'twilio/lib/twiml/VoiceResponse.js';

type Value = string | number | boolean | readonly string[] | null | undefined;
type Attributes = object | undefined;

// XML 1.0's forbidden characters: xmlbuilder refuses them in text, and so does this writer.
const ILLEGAL =
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  /[\0-\x08\x0B\f\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/;
const TEXT_SPECIAL = /[&<>\r]/;
const ATTRIBUTE_SPECIAL = /[&<"\t\n\r]/;

function text(value: string): string {
  const at = value.search(ILLEGAL);
  if (at !== -1) throw new Error(`Invalid character in string: ${value} at index ${at}`);
  if (!TEXT_SPECIAL.test(value)) return value;
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

function attribute(value: Exclude<Value, null | undefined>): string {
  const plain = Array.isArray(value) ? value.join(' ') : String(value);
  if (!ATTRIBUTE_SPECIAL.test(plain)) return plain;
  return plain
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;')
    .replace(/\n/g, '&#xA;')
    .replace(/\r/g, '&#xD;');
}

/** One element: its attributes (unset ones left out, lists joined by spaces), then its text or its children. */
class Element {
  private readonly children: Element[] = [];

  constructor(
    private readonly name: string,
    private readonly attributes: Attributes,
    private readonly content?: string,
  ) {}

  protected add(name: string, attributes: Attributes, content?: string): void {
    this.append(new Element(name, attributes, content));
  }

  protected append<E extends Element>(child: E): E {
    this.children.push(child);
    return child;
  }

  protected write(): string {
    let out = `<${this.name}`;
    for (const [key, value] of Object.entries(this.attributes ?? {}) as Array<[string, Value]>)
      if (value !== null && value !== undefined) out += ` ${key}="${attribute(value)}"`;
    if (!this.content && this.children.length === 0) return `${out}/>`; // empty text writes nothing, as xmlbuilder
    out += '>';
    if (this.content) out += text(this.content);
    for (const child of this.children) out += child.write();
    return `${out}</${this.name}>`;
  }
}

/** What may speak: the response itself, and a question (<Gather>) while it waits for an answer. */
class Speaking extends Element {
  say(attributes: VoiceResponse.SayAttributes, message: string): void {
    this.add('Say', attributes, message);
  }
  play(attributes: VoiceResponse.PlayAttributes, url: string): void {
    this.add('Play', attributes, url);
  }
}

class Gather extends Speaking {}

class Dial extends Element {
  number(attributes: VoiceResponse.NumberAttributes, phoneNumber: string): void {
    this.add('Number', attributes, phoneNumber);
  }
  client(attributes: VoiceResponse.ClientAttributes, identity: string): void {
    this.add('Client', attributes, identity);
  }
}

class Start extends Element {
  recording(attributes: VoiceResponse.RecordingAttributes): void {
    this.add('Recording', attributes);
  }
}

/** A voice response, written as Twilio's VoiceResponse would write it, for the verbs the phone line uses. */
export class TwimlWriter extends Speaking {
  constructor() {
    super('Response', undefined);
  }

  gather(attributes: VoiceResponse.GatherAttributes): Gather {
    return this.append(new Gather('Gather', attributes));
  }
  redirect(attributes: VoiceResponse.RedirectAttributes, url: string): void {
    this.add('Redirect', attributes, url);
  }
  hangup(): void {
    this.add('Hangup', undefined);
  }
  leave(): void {
    this.add('Leave', undefined);
  }
  dial(attributes: VoiceResponse.DialAttributes, phoneNumber?: string): Dial {
    return this.append(new Dial('Dial', attributes, phoneNumber));
  }
  enqueue(attributes: VoiceResponse.EnqueueAttributes, name: string): void {
    this.add('Enqueue', attributes, name);
  }
  record(attributes: VoiceResponse.RecordAttributes): void {
    this.add('Record', attributes);
  }
  start(attributes?: VoiceResponse.StartAttributes): Start {
    return this.append(new Start('Start', attributes));
  }

  override toString(): string {
    return `<?xml version="1.0" encoding="UTF-8"?>${this.write()}`;
  }
}
