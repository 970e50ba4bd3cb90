/** The engine was built without a profile store. */
export class NoProfileStoreError extends Error {
  constructor() {
    super("this memory engine keeps no profiles: build it with a profile store (the runtime does)");
  }
}
