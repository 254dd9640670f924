// One plain shape for every email the service sends: a greeting, a few paragraphs, one
// link to act on, and closing lines. Written out twice, as plain text (what every mail
// program can show, the link on a line of its own) and as simple HTML (no images, no
// styles a mail program would strip), from the same words. Pure.
import type { Email } from './mailer.js';

export interface Letter {
  to: string;
  subject: string;
  /** "Hello Sam Lee," */
  greeting: string;
  paragraphs: string[];
  /** The one thing to do, and the link that does it. */
  action: { label: string; url: string };
  /** After the link: when it stops working, and what to do if this was not expected. */
  after: string[];
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function writeLetter(letter: Letter): Email {
  const { greeting, paragraphs, action, after } = letter;
  const text = [greeting, ...paragraphs, `${action.label}:\n${action.url}`, ...after].join('\n\n') + '\n';
  const p = (line: string) => `<p>${escapeHtml(line)}</p>`;
  const html = [
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(letter.subject)}</title></head><body>`,
    p(greeting),
    ...paragraphs.map(p),
    `<p><a href="${escapeHtml(action.url)}">${escapeHtml(action.label)}</a></p>`,
    `<p>If the link does not open, copy this address into your browser:<br>${escapeHtml(action.url)}</p>`,
    ...after.map(p),
    '</body></html>',
  ].join('\n');
  return { to: letter.to, subject: letter.subject, text, html };
}
