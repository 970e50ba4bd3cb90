import { AppError } from "../util/errors.js";
/** The turn's input cannot be used; the message says what to change. Nothing was stored. */
export class TurnInputError extends AppError {
  readonly code = "invalid_input";
}
