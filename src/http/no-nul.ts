// PostgreSQL refuses a NUL character in text, and no person types one: an API
// request carrying one anywhere (query or JSON body) is refused with 400 naming the
// field, before any route reads it.
import type { RequestHandler } from 'express';
import { InvalidInput } from '../core/errors.js';

/** The path of the first string holding a NUL, or null. */
export function fieldWithNul(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || 'body' : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = fieldWithNul(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      const found = key.includes('\u0000')
        ? path
          ? `${path}.${key}`
          : key
        : fieldWithNul(v, path ? `${path}.${key}` : key);
      // eslint-disable-next-line no-control-regex -- the NUL character is exactly what this looks for
      if (found) return found.replace(/\u0000/g, '\\0');
    }
  }
  return null;
}

export const refuseNulCharacters: RequestHandler = (req, _res, next) => {
  const field = fieldWithNul(req.query) ?? fieldWithNul(req.body);
  if (field) throw new InvalidInput(`${field}: must not contain a NUL character`, field);
  next();
};
