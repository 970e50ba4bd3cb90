import { AppError } from "../../util/errors.js";
/** The engine was built without a profile store. */
export class NoProfileStoreError extends AppError {
  readonly code = "not_configured";
  constructor() {
    super("this memory engine keeps no profiles: build it with a profile store (the runtime does)");
  }
}
