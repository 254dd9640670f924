/**
 * Lets other work run — a call's webhook, timers — before the next query. The embedded
 * database runs each query synchronously inside this process and resolves it in a
 * microtask, so a loop of awaited queries (a report's pages, a purge's batches) never
 * gives the event loop back: seen as a 40-second stall during a clinic's export. Work
 * that reads or writes in many steps calls this between them.
 */
export const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
