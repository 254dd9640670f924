// A real SMTP server on 127.0.0.1 (the `smtp-server` package) that keeps what it is sent,
// read back just enough to find the link in an email: headers, the plain text and HTML
// parts, quoted-printable or base64. It can refuse mail for a while (`refusing`), as a
// mail provider that is down answers, and it checks the user and password it is given.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedEmail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** The first link in the plain text that starts with `base`. */
  link(base: string): string;
}

export interface TestSmtp {
  /** SMTP_URL for the service: the user and password this server wants. */
  url: string;
  user: string;
  password: string;
  received: ReceivedEmail[];
  /** While true, every message is refused with a temporary failure (451). */
  refusing: boolean;
  /** The emails to `address` so far. */
  to(address: string): ReceivedEmail[];
  stop(): Promise<void>;
}

export async function startSmtpServer(): Promise<TestSmtp> {
  const user = 'clinic-mailer';
  const password = 'smtp-pass-Hx7#q2';
  const state = { refusing: false };
  const received: ReceivedEmail[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) return callback(null, { user });
      callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (state.refusing) {
          const refusal = Object.assign(new Error('Mail service is down, try again later'), { responseCode: 451 });
          return callback(refusal);
        }
        received.push(
          parseEmail(
            Buffer.concat(chunks).toString('utf8'),
            session.envelope.rcptTo.map((r) => r.address),
          ),
        );
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    user,
    password,
    received,
    get refusing() {
      return state.refusing;
    },
    set refusing(value: boolean) {
      state.refusing = value;
    },
    to: (address) => received.filter((e) => e.to.includes(address)),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Splits a MIME entity into its (unfolded, lower-cased) headers and its body. */
function entity(raw: string): { headers: Map<string, string>; body: string } {
  const at = raw.search(/\r?\n\r?\n/);
  const head = at === -1 ? raw : raw.slice(0, at);
  const body = at === -1 ? '' : raw.slice(at).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decodeBody(body: string, encoding: string | undefined): string {
  if (encoding?.toLowerCase() === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding?.toLowerCase() === 'quoted-printable') {
    const bytes = body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

/** "=?UTF-8?Q?Caf=C3=A9?=" → "Café": a header's encoded words. */
const decodeWords = (value: string) =>
  value.replace(/=\?([\w-]+)\?([QB])\?([^?]*)\?=\s*/gi, (_m, _charset: string, kind: string, text: string) =>
    kind.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : decodeBody(text.replace(/_/g, ' '), 'quoted-printable'),
  );

function parseEmail(raw: string, to: string[]): ReceivedEmail {
  const top = entity(raw);
  const parts: Array<{ type: string; text: string }> = [];
  const type = top.headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (boundary) {
    for (const piece of top.body.split(`--${boundary}`).slice(1)) {
      if (piece.startsWith('--')) break;
      // The line break before the next boundary belongs to the boundary.
      const part = entity(piece.replace(/^\r?\n/, '').replace(/\r?\n$/, ''));
      parts.push({
        type: part.headers.get('content-type') ?? 'text/plain',
        // Lines end in CRLF on the wire; read as the sender wrote them.
        text: decodeBody(part.body, part.headers.get('content-transfer-encoding')).replace(/\r\n/g, '\n'),
      });
    }
  } else parts.push({ type, text: decodeBody(top.body, top.headers.get('content-transfer-encoding')) });
  const text = parts.find((p) => p.type.startsWith('text/plain'))?.text ?? '';
  return {
    from: decodeWords(top.headers.get('from') ?? ''),
    to,
    subject: decodeWords(top.headers.get('subject') ?? ''),
    text,
    html: parts.find((p) => p.type.startsWith('text/html'))?.text ?? '',
    link(base) {
      const found = text.split(/\s+/).find((word) => word.startsWith(base));
      if (!found) throw new Error(`no link starting ${base} in the email "${this.subject}":\n${text}`);
      return found;
    },
  };
}
