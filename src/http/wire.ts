// How a value the server holds reaches the dashboard: as JSON. Routes check their
// answers against src/contracts/api.ts with `res.json(wire(value) satisfies Contract)`.

/** What `T` becomes through JSON.stringify: a Date its ISO string, arrays and objects field by field. */
export type Json<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Json<U>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;

/** The value as the dashboard will read it; nothing changes at run time (JSON.stringify writes a Date as its ISO string). */
export const wire = <T>(value: T): Json<T> => value as unknown as Json<T>;
