/**
 * The boundary of a backend class: every method of its prototype passes what it throws (or its
 * promise rejects with) through the backend's classifier, which turns "the store cannot be reached"
 * into StoreUnavailableError (memory/store.ts) and returns any other error as it is. Applied once
 * after the class, so a method added later is covered too. Only the class's own methods named by
 * strings: not getters, static or inherited methods, nor what a returned iterator throws later
 * (none of the stores' methods is such today). Not for a method that runs the caller's code
 * (a lock's `run`): its failures are the caller's, not the file's.
 */
export function classifyFailures<T extends object>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any constructor of T
  cls: abstract new (...args: any[]) => T,
  classify: (store: T, error: unknown) => unknown,
): void {
  const prototype = cls.prototype as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(prototype)) {
    const descriptor = Object.getOwnPropertyDescriptor(prototype, name)!;
    const method = descriptor.value;
    if (name === "constructor" || typeof method !== "function") continue;
    prototype[name] = function (this: T, ...args: unknown[]) {
      let result: unknown;
      try {
        result = method.apply(this, args);
      } catch (error) {
        throw classify(this, error);
      }
      return result instanceof Promise
        ? result.catch((error: unknown) => Promise.reject(classify(this, error)))
        : result;
    };
  }
}
